"""Dramatiq actors of alerts, on the `alerts` queue. `odyssey worker` runs them.

Every actor is idempotent: matches are unique per (saved search, issue),
deliveries resume from their row, and digest periods are claimed once.
"""

import logging

import dramatiq

from alerts import deliveries, digests, matching
from alerts.delivery.sender import attempt_delivery
from core.broker import broker  # noqa: F401  (binds the actors to the Redis broker)
from core.database import session_scope

logger = logging.getLogger(__name__)

QUEUE = deliveries.ALERTS_QUEUE
# Seconds `deliver_alert` waits for Redis to enqueue the next attempt.
DELIVERY_BROKER_WAIT = 60.0


@dramatiq.actor(queue_name=QUEUE, max_retries=10, time_limit=600_000)
def match_saved_searches(doc_ids: list[str]) -> None:
    """Match one indexing batch (index document ids) against all saved
    searches, then enqueue the deliveries of instant ones."""
    with session_scope() as session:
        delivery_ids = matching.match_batch(session, doc_ids)
    # A retry of this job would find the matches stored and create no
    # deliveries, so the enqueue waits for Redis instead of failing the job.
    # NOTE: a worker that stops between this commit and the enqueue leaves
    # pending deliveries without a job, and so does a Redis outage longer than
    # BROKER_WAIT. `odyssey digests run` and `run_due_digests` enqueue them
    # again after STALLED_AFTER.
    deliveries.enqueue_deliveries(delivery_ids, broker_wait=deliveries.BROKER_WAIT)


# Dramatiq's retries (15 s backoff, doubling) cover errors outside a send,
# such as a lost database connection or DeliveryBusy; 8 of them outlast the
# sending lock. Failed sends are retried by the actor itself, with the
# backoff of the settings.
@dramatiq.actor(queue_name=QUEUE, max_retries=8, time_limit=120_000)
def deliver_alert(delivery_id: int) -> None:
    """Make one attempt at a delivery; after a failure, schedule the next
    attempt with backoff, until ALERT_DELIVERY_MAX_ATTEMPTS marks it failed."""
    delay = attempt_delivery(delivery_id)
    if delay is not None:
        deliveries.send_while_broker_recovers(
            lambda: deliver_alert.send_with_options(
                args=(delivery_id,), delay=int(delay * 1000)
            ),
            f"the next attempt of delivery {delivery_id}",
            # Well inside the 120 s time limit of this actor.
            DELIVERY_BROKER_WAIT,
        )


@dramatiq.actor(queue_name=QUEUE, max_retries=3, time_limit=1_800_000)
def run_due_digests() -> None:
    """Send the digests that are due and re-enqueue stalled deliveries; meant
    to run every hour."""
    # `odyssey scheduler` enqueues it (indexer.scheduler.PERIODIC_JOBS).
    summary = digests.run_digests()
    deliveries.resume_stalled_deliveries()
    logger.info("hourly alert run sent %d digest deliveries", len(summary.delivery_ids))
