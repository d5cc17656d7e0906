"""Run one attempt of a delivery, resuming from its row.

The row is pending until an attempt succeeds. Each attempt is counted in the
row before anything is sent. A worker that dies mid-send leaves a pending row,
so the redelivered job sends again (at least once) with the same key.
"""

import logging

from redis.exceptions import LockError, RedisError
from redis.lock import Lock
from sqlmodel import Session

from accounts.models import User
from alerts.delivery.email import send_email
from alerts.delivery.errors import DeliveryFailed
from alerts.delivery.in_app import store_notification
from alerts.delivery.webhook import send_webhook
from alerts.models import AlertDelivery, SavedSearch
from core.database import session_scope
from core.redis_client import get_redis
from core.settings import get_settings
from indexer.models import utc_now

logger = logging.getLogger(__name__)

# Held while one job sends a delivery, so a duplicate job does not send it in
# parallel. The timeout, in seconds, is longer than an SMTP or webhook timeout.
# A worker that dies keeps the lock until it expires, so the redelivered job
# meets DeliveryBusy and Dramatiq retries it with backoff until then.
SENDING_LOCK = "lock:alert-delivery:{delivery_id}"
SENDING_LOCK_TIMEOUT = 120


class DeliveryBusy(RuntimeError):
    """Another job holds the sending lock of this delivery; retry later."""


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the given number of failed attempts."""
    settings = get_settings()
    delay = settings.alert_retry_min_backoff * 2 ** max(0, attempts - 1)
    return min(delay, settings.alert_retry_max_backoff)


def attempt_delivery(delivery_id: int) -> float | None:
    """Try to send a pending delivery once and return the seconds to wait
    before the next attempt, or None when the delivery is settled (sent or
    failed). Raises DeliveryBusy while another job is sending it."""
    name = SENDING_LOCK.format(delivery_id=delivery_id)
    lock = get_redis().lock(name, timeout=SENDING_LOCK_TIMEOUT)
    if not lock.acquire(blocking=False):
        raise DeliveryBusy(f"delivery {delivery_id} is being sent by another job")
    try:
        return _attempt(delivery_id)
    finally:
        _release(lock, delivery_id)


def _release(lock: Lock, delivery_id: int) -> None:
    # The attempt is committed by now, so a failed release must not fail the
    # job: the lock expires after SENDING_LOCK_TIMEOUT on its own.
    try:
        lock.release()
    except (LockError, RedisError) as error:
        logger.warning(
            "releasing the sending lock of delivery %d failed; it expires in %d s: %s",
            delivery_id,
            SENDING_LOCK_TIMEOUT,
            error,
        )


def _attempt(delivery_id: int) -> float | None:
    with session_scope() as session:
        delivery = session.get(AlertDelivery, delivery_id, with_for_update=True)
        if delivery is None or delivery.status != "pending":
            logger.info("delivery %s is not pending; nothing to send", delivery_id)
            return None
        delivery.attempts += 1
        delivery.updated_at = utc_now()
        attempts = delivery.attempts
    try:
        with session_scope() as session:
            delivery = session.get(AlertDelivery, delivery_id)
            assert delivery is not None
            _send(session, delivery)
            _settle(delivery, "sent", None)
    except DeliveryFailed as error:
        return _record_failure(delivery_id, attempts, str(error))
    logger.info("delivery %d sent on attempt %d", delivery_id, attempts)
    return None


def _send(session: Session, delivery: AlertDelivery) -> None:
    if delivery.channel == "in_app":
        store_notification(session, delivery)
        return
    if delivery.channel == "email":
        user = session.get(User, delivery.user_id)
        if user is None:
            raise DeliveryFailed(f"user {delivery.user_id} no longer exists")
        send_email(delivery, user.email)
        return
    if delivery.channel == "webhook":
        search = (
            session.get(SavedSearch, delivery.saved_search_id)
            if delivery.saved_search_id is not None
            else None
        )
        if search is None or not search.webhook_url or not search.webhook_secret:
            raise DeliveryFailed("the saved search no longer has a webhook")
        send_webhook(delivery, search.webhook_url, search.webhook_secret)
        return
    raise DeliveryFailed(f"unknown channel {delivery.channel!r}")


def _settle(delivery: AlertDelivery, status: str, error: str | None) -> None:
    delivery.status = status
    delivery.last_error = error
    delivery.updated_at = utc_now()
    if status == "sent":
        delivery.sent_at = delivery.updated_at


def _record_failure(delivery_id: int, attempts: int, error: str) -> float | None:
    max_attempts = get_settings().alert_delivery_max_attempts
    with session_scope() as session:
        delivery = session.get(AlertDelivery, delivery_id)
        if delivery is None:
            return None
        if attempts >= max_attempts:
            _settle(delivery, "failed", error[:500])
            logger.error(
                "delivery %d (%s, user %d) failed after %d attempts: %s",
                delivery_id,
                delivery.channel,
                delivery.user_id,
                attempts,
                error,
            )
            return None
        delivery.last_error = error[:500]
        delivery.updated_at = utc_now()
    delay = retry_delay(attempts)
    logger.warning(
        "delivery %d attempt %d failed, retrying in %.1f s: %s",
        delivery_id,
        attempts,
        delay,
        error,
    )
    return delay
