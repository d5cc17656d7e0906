"""Dramatiq actors of the GitLab refresh. `indexer.tasks` imports this module,
so `odyssey worker` runs them next to GitHub's.

Every actor is idempotent, and each enqueues its follow-up jobs only after
its database transaction committed.
"""

import logging

import dramatiq
import pybreaker

from core.broker import broker, final_error  # noqa: F401  (binds the actors to the Redis broker)
from core.database import session_scope
from indexer import refresh, refresh_jobs, search_index
from indexer.gitlab import refresh as gitlab_refresh
from indexer.gitlab.errors import PERMANENT_ERRORS

logger = logging.getLogger(__name__)

PAGE_RETRIES = 8
# Milliseconds; an open breaker stays so for 30 s, so late retries wait longer.
RETRY_MIN_BACKOFF = 1_000
RETRY_MAX_BACKOFF = 120_000


def _retry_when(retries: int, exception: Exception) -> bool:
    return retries < PAGE_RETRIES and not isinstance(exception, PERMANENT_ERRORS)


@dramatiq.actor(max_retries=3, time_limit=600_000, on_retry_exhausted="plan_gitlab_failed")
def plan_gitlab_refresh(job_id: str) -> None:
    """Look up tracked GitLab projects, plan the label requests of a refresh
    and enqueue their first pages."""
    try:
        search_index.ensure_index()
        page_ids = gitlab_refresh.plan_gitlab_refresh(job_id)
    except PERMANENT_ERRORS as error:
        logger.error("GitLab refresh %s failed while planning: %s", job_id, error)
        with session_scope() as session:
            refresh_jobs.set_status(session, job_id, "failed", error=str(error)[:500])
        return
    for page_id in page_ids:
        fetch_gitlab_page.send(page_id)
    if not page_ids:
        finish_gitlab_refresh.send(job_id)


@dramatiq.actor
def plan_gitlab_failed(message_data: dict, retry_data: dict) -> None:
    """Mark a GitLab refresh failed when its planning ran out of retries."""
    job_id = message_data["args"][0]
    error = final_error(message_data)
    logger.error("GitLab refresh %s failed while planning, after retries: %s", job_id, error)
    with session_scope() as session:
        refresh_jobs.set_status(session, job_id, "failed", error=error[:500])


@dramatiq.actor(
    retry_when=_retry_when,
    min_backoff=RETRY_MIN_BACKOFF,
    max_backoff=RETRY_MAX_BACKOFF,
    on_retry_exhausted="gitlab_page_failed",
)
def fetch_gitlab_page(page_id: int) -> None:
    """Fetch and store one page of GitLab issues, then index them."""
    try:
        outcome = gitlab_refresh.fetch_page(page_id)
    except PERMANENT_ERRORS as error:
        logger.error("GitLab refresh page %d failed: %s", page_id, error)
        _settle_failed_page(page_id, str(error))
        return
    except pybreaker.CircuitBreakerError:
        logger.warning("GitLab circuit breaker is open; page %d will be retried", page_id)
        raise
    if outcome.next_page_id is not None:
        fetch_gitlab_page.send(outcome.next_page_id)
    elif outcome.job_settled:
        job_id = refresh.job_of_page(page_id)
        if job_id:
            finish_gitlab_refresh.send(job_id)


@dramatiq.actor
def gitlab_page_failed(message_data: dict, retry_data: dict) -> None:
    """Record a GitLab page whose retries ran out, so its refresh can finish."""
    page_id = message_data["args"][0]
    error = final_error(message_data)
    logger.error("GitLab refresh page %d gave up after retries: %s", page_id, error)
    _settle_failed_page(page_id, error)


def _settle_failed_page(page_id: int, error: str) -> None:
    job_id = refresh.fail_page(page_id, error)
    if job_id:
        finish_gitlab_refresh.send(job_id)


@dramatiq.actor(time_limit=1_800_000, max_retries=5, min_backoff=5_000)
def finish_gitlab_refresh(job_id: str) -> None:
    """Reconcile GitLab issues the refresh did not see, then mark the job
    finished."""
    gitlab_refresh.finish_gitlab_refresh(job_id)
