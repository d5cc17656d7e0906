"""The Dramatiq broker, set up once per process on import.

Importing this module before any actor is declared binds every actor to the
Redis broker from the settings.
"""

import copy
import logging
import time

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage, Retries, default_middleware
from redis.exceptions import RedisError

from core.job_metrics import JobMetrics
from core.settings import get_settings

logger = logging.getLogger(__name__)

# Seconds a failed job's retry waits for Redis to come back before it is lost.
REQUEUE_WAIT = 300.0
# Messages held by a worker that sends no heartbeat for this long go back to
# the queue at the next maintenance run of any worker.
HEARTBEAT_TIMEOUT_MS = 15_000
# Maintenance runs on this many Redis commands per million. Dramatiq's default
# of 1,000 lets a killed worker's jobs wait many minutes on a quiet queue; at
# 50,000 an idle worker requeues them within seconds.
MAINTENANCE_CHANCE = 50_000


class DurableRetries(Retries):
    """Dramatiq's retries, kept through a short Redis outage.

    A job that fails because Redis went away is retried by enqueueing it
    again, which needs Redis too; Dramatiq's own middleware then raises and
    the retry is lost. This one waits for Redis for up to `REQUEUE_WAIT`
    seconds, re-running the retry step from the same message options.
    """

    def after_process_message(self, broker, message, *, result=None, exception=None):
        if exception is None:
            return
        options = copy.deepcopy(message.options)
        deadline = time.monotonic() + REQUEUE_WAIT
        pause = 1.0
        while True:
            try:
                super().after_process_message(
                    broker, message, result=result, exception=exception
                )
                return
            except RedisError as error:
                if time.monotonic() >= deadline:
                    raise
                logger.warning(
                    "retry of %s (message %s) waits for Redis: %s",
                    message.actor_name,
                    message.message_id,
                    error,
                )
                message.options.clear()
                message.options.update(copy.deepcopy(options))
                time.sleep(pause)
                pause = min(pause * 2, 10.0)


def build_broker() -> RedisBroker:
    settings = get_settings()
    middleware = [
        DurableRetries() if cls is Retries else cls() for cls in default_middleware
    ]
    broker = RedisBroker(
        middleware=middleware,
        url=settings.redis_url,
        namespace=f"{settings.index_prefix}-dramatiq",
        heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
        maintenance_chance=MAINTENANCE_CHANCE,
    )
    broker.add_middleware(CurrentMessage())
    broker.add_middleware(JobMetrics())
    return broker


broker = build_broker()
dramatiq.set_broker(broker)


def enqueue(actor_name: str, *args: object, queue_name: str = "default") -> str:
    """Send a message to an actor by name, so callers need not import the
    worker code; return the message id."""
    message = dramatiq.Message(
        queue_name=queue_name,
        actor_name=actor_name,
        args=args,
        kwargs={},
        options={},
    )
    return broker.enqueue(message).message_id


def final_error(message_data: dict) -> str:
    """Return the error of a message's last attempt, for an `on_retry_exhausted` actor.

    Dramatiq 2 calls an actor's `on_failure` after every failed attempt, even
    one it will retry, so give-up handlers hang off `on_retry_exhausted`
    instead. That callback gets no exception, but the Retries middleware has
    stored the traceback of the final attempt in the message options.
    """
    traceback = (message_data.get("options") or {}).get("traceback") or ""
    lines = traceback.strip().splitlines()
    return lines[-1] if lines else "unknown error"
