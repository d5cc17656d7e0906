"""Delivery rows: created before anything is sent, listed for users and admins."""

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from alerts.models import AlertDelivery
from alerts.schemas import DeliveryOut
from core.broker import enqueue
from core.database import session_scope
from indexer.models import Issue, Repository, utc_now

logger = logging.getLogger(__name__)

DELIVER_ACTOR = "deliver_alert"
# Pending deliveries untouched this long lost their job. It is longer than
# the default maximum retry backoff (one hour) plus a send.
STALLED_AFTER = timedelta(hours=2)
ALERTS_QUEUE = "alerts"
# Seconds a worker keeps trying to enqueue a delivery job while Redis is
# unreachable. The job cannot go anywhere else, and its delivery row is
# already committed: after this long the row stays pending until
# `resume_stalled_deliveries` finds it (STALLED_AFTER).
BROKER_WAIT = 300.0
BROKER_RETRY_MAX_DELAY = 10.0


def create_delivery(
    session: Session,
    *,
    user_id: int,
    saved_search_id: int | None,
    channel: str,
    kind: str,
    payload: dict[str, Any],
) -> AlertDelivery:
    """Add a pending delivery to the session and flush it to get its id."""
    delivery = AlertDelivery(
        key=uuid.uuid4().hex,
        user_id=user_id,
        saved_search_id=saved_search_id,
        channel=channel,
        kind=kind,
        payload=payload,
    )
    session.add(delivery)
    session.flush()
    return delivery


def insert_deliveries(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert pending deliveries in bulk; each row has user_id, saved_search_id,
    channel, kind and payload. Returns the new ids in row order."""
    if not rows:
        return []
    now = utc_now()
    values = [
        {
            **row,
            "key": uuid.uuid4().hex,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        for row in rows
    ]
    table = AlertDelivery.__table__  # type: ignore[attr-defined]
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in session.connection().execute(statement, values).all()]


def enqueue_deliveries(delivery_ids: list[int], *, broker_wait: float = 0.0) -> None:
    """Send one job per delivery; call after the rows are committed.

    With `broker_wait`, each send is retried for up to that many seconds while
    Redis is unreachable, for workers, which have nothing else to do then.
    API requests leave it at 0, so their caller gets a 503 at once.
    """
    for delivery_id in delivery_ids:
        send_while_broker_recovers(
            lambda delivery_id=delivery_id: enqueue(
                DELIVER_ACTOR, delivery_id, queue_name=ALERTS_QUEUE
            ),
            f"delivery {delivery_id}",
            broker_wait,
        )


def send_while_broker_recovers(
    send: Callable[[], object], description: str, wait: float
) -> None:
    """Call `send`, retrying with backoff for up to `wait` seconds while Redis
    refuses connections or times out; raise the last error after that.

    Dramatiq's Redis broker cannot enqueue anything while Redis is down, not
    even the retry of the failing job, so a job that gave up here would be
    dropped along with its follow-up work.
    """
    deadline = time.monotonic() + wait
    delay = 1.0
    while True:
        try:
            send()
            return
        except (RedisConnectionError, RedisTimeoutError) as error:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.error(
                    "enqueueing %s failed; Redis is unreachable: %s", description, error
                )
                raise
            logger.warning(
                "enqueueing %s failed, retrying in %.0f s while Redis is unreachable: %s",
                description,
                min(delay, remaining),
                error,
            )
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, BROKER_RETRY_MAX_DELAY)


def issue_summaries(
    session: Session, issue_ids: list[int]
) -> dict[int, dict[str, Any]]:
    """Return the fields that alerts show of each issue, by issue id."""
    if not issue_ids:
        return {}
    rows = session.exec(
        select(Issue.id, Issue.title, Issue.url, Issue.source, Repository.full_name)
        .join(Repository, col(Repository.id) == col(Issue.repository_id))
        .where(col(Issue.id).in_(issue_ids))
    ).all()
    return {
        row[0]: {
            "id": row[0],
            "title": row[1],
            "url": row[2],
            "source": row[3],
            "repo": row[4],
        }
        for row in rows
    }


def issue_count(delivery: AlertDelivery) -> int:
    sections = delivery.payload.get("sections", [])
    return sum(len(section.get("issues", [])) for section in sections)


def to_out(delivery: AlertDelivery) -> DeliveryOut:
    assert delivery.id is not None
    return DeliveryOut(
        id=delivery.id,
        key=delivery.key,
        saved_search_id=delivery.saved_search_id,
        user_id=delivery.user_id,
        channel=delivery.channel,  # type: ignore[arg-type]
        kind=delivery.kind,
        status=delivery.status,  # type: ignore[arg-type]
        attempts=delivery.attempts,
        issue_count=issue_count(delivery),
        last_error=delivery.last_error,
        created_at=delivery.created_at,
        sent_at=delivery.sent_at,
    )


def list_deliveries(
    session: Session,
    *,
    saved_search_id: int | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[DeliveryOut]:
    """List deliveries, newest first, of one saved search or of everyone."""
    query = select(AlertDelivery)
    if saved_search_id is not None:
        # Digests that group several saved searches name them in their sections.
        section = {"sections": [{"saved_search_id": saved_search_id}]}
        query = query.where(
            (AlertDelivery.saved_search_id == saved_search_id)
            | col(AlertDelivery.payload).contains(section)
        )
    if status is not None:
        query = query.where(AlertDelivery.status == status)
    query = query.order_by(col(AlertDelivery.id).desc()).offset(offset).limit(limit)
    return [to_out(row) for row in session.exec(query).all()]


def resume_stalled_deliveries() -> int:
    """Enqueue again the pending deliveries that lost their job; return how many."""
    with session_scope() as session:
        stalled = stalled_delivery_ids(session, STALLED_AFTER)
    if stalled:
        logger.warning("re-enqueueing %d stalled deliveries", len(stalled))
        enqueue_deliveries(stalled)
    return len(stalled)


def stalled_delivery_ids(session: Session, older_than: timedelta) -> list[int]:
    """Return pending deliveries untouched for `older_than`: their job was
    lost, for example when a process stopped between commit and enqueue."""
    cutoff: datetime = utc_now() - older_than
    rows = session.exec(
        select(AlertDelivery.id)
        .where(AlertDelivery.status == "pending", AlertDelivery.updated_at < cutoff)
        .order_by(col(AlertDelivery.id))
        .limit(1000)
    ).all()
    return [row for row in rows if row is not None]
