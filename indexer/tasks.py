"""Dramatiq actors of the refresh pipeline. Run them with `odyssey worker`.

Every actor is idempotent, and each enqueues its follow-up jobs only after
its database transaction committed.
"""

import logging

import dramatiq
import pybreaker

from core.broker import broker  # noqa: F401  (binds the actors to the Redis broker)
from indexer import refresh, refresh_jobs, search_index
from indexer.github.client import GitHubClient
from indexer.github.errors import GitHubAuthError, GitHubQueryError, RateLimitExhausted
from core.database import session_scope

logger = logging.getLogger(__name__)

# Errors that another attempt cannot fix; the page is marked failed at once.
PERMANENT_ERRORS = (GitHubAuthError, GitHubQueryError, RateLimitExhausted)
PAGE_RETRIES = 8
# Milliseconds; a breaker that is open stays so for 30 s, so late retries wait longer.
RETRY_MIN_BACKOFF = 1_000
RETRY_MAX_BACKOFF = 120_000


def _retry_when(retries: int, exception: Exception) -> bool:
    return retries < PAGE_RETRIES and not isinstance(exception, PERMANENT_ERRORS)


@dramatiq.actor(max_retries=3, time_limit=600_000, on_failure="plan_failed")
def plan_refresh(job_id: str) -> None:
    """Plan the search windows of a refresh and enqueue their first pages."""
    try:
        search_index.ensure_index()
        with GitHubClient() as client:
            page_ids = refresh.plan_refresh(job_id, client)
    except PERMANENT_ERRORS as error:
        logger.error("refresh %s failed while planning: %s", job_id, error)
        with session_scope() as session:
            refresh_jobs.set_status(session, job_id, "failed", error=str(error))
        return
    for page_id in page_ids:
        fetch_page.send(page_id)
    if not page_ids:
        finish_refresh.send(job_id)


@dramatiq.actor
def plan_failed(message_data: dict, exception_data: dict) -> None:
    """Mark a refresh failed when its planning ran out of retries."""
    job_id = message_data["args"][0]
    error = f"{exception_data.get('type')}: {exception_data.get('message')}"
    logger.error("refresh %s failed while planning, after retries: %s", job_id, error)
    with session_scope() as session:
        refresh_jobs.set_status(session, job_id, "failed", error=error[:500])


@dramatiq.actor(
    retry_when=_retry_when,
    min_backoff=RETRY_MIN_BACKOFF,
    max_backoff=RETRY_MAX_BACKOFF,
    on_failure="page_failed",
)
def fetch_page(page_id: int) -> None:
    """Fetch and store one search page, then index its issues."""
    try:
        with GitHubClient() as client:
            outcome = refresh.fetch_page(page_id, client)
    except PERMANENT_ERRORS as error:
        logger.error("refresh page %d failed: %s", page_id, error)
        _settle_failed_page(page_id, str(error))
        return
    except pybreaker.CircuitBreakerError:
        logger.warning("GitHub circuit breaker is open; page %d will be retried", page_id)
        raise
    if outcome.next_page_id is not None:
        fetch_page.send(outcome.next_page_id)
    elif outcome.job_settled:
        job_id = refresh.job_of_page(page_id)
        if job_id:
            finish_refresh.send(job_id)


@dramatiq.actor
def page_failed(message_data: dict, exception_data: dict) -> None:
    """Record a page whose retries ran out, so its refresh can still finish."""
    page_id = message_data["args"][0]
    error = f"{exception_data.get('type')}: {exception_data.get('message')}"
    logger.error("refresh page %d gave up after retries: %s", page_id, error)
    _settle_failed_page(page_id, error)


def _settle_failed_page(page_id: int, error: str) -> None:
    job_id = refresh.fail_page(page_id, error)
    if job_id:
        finish_refresh.send(job_id)


@dramatiq.actor(min_backoff=500, max_backoff=30_000, max_retries=10)
def index_issues(issue_ids: list[int]) -> None:
    """Index stored issues, or delete them from the index when they no longer
    qualify."""
    indexed, deleted = refresh.index_issues(issue_ids)
    logger.info("indexed %d issues, removed %d from the index", indexed, deleted)


@dramatiq.actor(time_limit=1_800_000, max_retries=5, min_backoff=5_000)
def finish_refresh(job_id: str) -> None:
    """Reconcile issues the refresh did not see, then mark the job finished."""
    with GitHubClient() as client:
        refresh.finish_refresh(job_id, client)
