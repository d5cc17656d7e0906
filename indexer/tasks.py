"""Dramatiq actors of the refresh pipeline. Run them with `odyssey worker`.

Every actor is idempotent, and each enqueues its follow-up jobs only after
its database transaction committed.
"""

import logging

import dramatiq
import pybreaker

from core.broker import broker, final_error  # noqa: F401  (binds the actors to the Redis broker)
from indexer import refresh, refresh_jobs, search_index, source_state
from indexer.github.client import GitHubClient
from indexer.github.errors import GitHubAuthError, GitHubQueryError, RateLimitExhausted
from core.database import session_scope
from indexer.models import RefreshJob
from indexer.write_lock import IndexLocked

logger = logging.getLogger(__name__)

# Errors that another attempt cannot fix; the page is marked failed at once.
PERMANENT_ERRORS = (GitHubAuthError, GitHubQueryError, RateLimitExhausted)
PAGE_RETRIES = 8
INDEX_RETRIES = 10
FINISH_RETRIES = 5
# Milliseconds; a breaker that is open stays so for 30 s, so late retries wait longer.
RETRY_MIN_BACKOFF = 1_000
RETRY_MAX_BACKOFF = 120_000


def _retry_when(retries: int, exception: Exception) -> bool:
    if isinstance(exception, IndexLocked):
        return True
    return retries < PAGE_RETRIES and not isinstance(exception, PERMANENT_ERRORS)


def retry_index_write(retries: int, exception: Exception) -> bool:
    """Retry without a count limit while a rebuild holds the index-writer lock.

    The rebuild lock expires after `indexer.rebuild.REBUILD_LOCK_TIMEOUT`, so
    the retries end; a count limit could drop an update during a long rebuild.
    """
    return isinstance(exception, IndexLocked) or retries < INDEX_RETRIES


def _record_failure(job_id: str, error: str) -> None:
    """Close a job whose planning failed: `partial` when some of its pages
    were already stored (they stay stored and searchable), else `failed`."""
    with session_scope() as session:
        status = "partial" if refresh_jobs.has_stored_pages(session, job_id) else "failed"
        refresh_jobs.set_status(session, job_id, status, error=error[:500])
        job = session.get(RefreshJob, job_id)
        if job is not None:
            source_state.record_unsuccessful(session, job.source, status, error)


@dramatiq.actor(max_retries=3, time_limit=600_000, on_retry_exhausted="plan_failed")
def plan_refresh(job_id: str) -> None:
    """Plan the search windows of a refresh and enqueue their first pages."""
    try:
        search_index.ensure_index()
        with GitHubClient() as client:
            settled = refresh.plan_refresh(job_id, client, _send_pages)
    except PERMANENT_ERRORS as error:
        logger.error("refresh %s failed while planning: %s", job_id, error)
        _record_failure(job_id, str(error))
        return
    if settled:
        finish_refresh.send(job_id)


def _send_pages(page_ids: list[int]) -> None:
    for page_id in page_ids:
        fetch_page.send(page_id)


@dramatiq.actor
def plan_failed(message_data: dict, retry_data: dict) -> None:
    """Mark a refresh failed when its planning ran out of retries."""
    job_id = message_data["args"][0]
    error = final_error(message_data)
    logger.error("refresh %s failed while planning, after retries: %s", job_id, error)
    _record_failure(job_id, error)


@dramatiq.actor(
    retry_when=_retry_when,
    min_backoff=RETRY_MIN_BACKOFF,
    max_backoff=RETRY_MAX_BACKOFF,
    on_retry_exhausted="page_failed",
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
def page_failed(message_data: dict, retry_data: dict) -> None:
    """Record a page whose retries ran out, so its refresh can still finish."""
    page_id = message_data["args"][0]
    error = final_error(message_data)
    logger.error("refresh page %d gave up after retries: %s", page_id, error)
    _settle_failed_page(page_id, error)


def _settle_failed_page(page_id: int, error: str) -> None:
    job_id = refresh.fail_page(page_id, error)
    if job_id:
        finish_refresh.send(job_id)


@dramatiq.actor(min_backoff=500, max_backoff=30_000, retry_when=retry_index_write)
def index_issues(issue_ids: list[int]) -> None:
    """Index stored issues, or delete them from the index when they no longer
    qualify."""
    indexed, deleted = refresh.index_issues(issue_ids)
    logger.info("indexed %d issues, removed %d from the index", indexed, deleted)


@dramatiq.actor(
    time_limit=1_800_000,
    min_backoff=5_000,
    max_backoff=60_000,
    retry_when=lambda retries, error: (
        isinstance(error, IndexLocked) or retries < FINISH_RETRIES
    ),
)
def finish_refresh(job_id: str) -> None:
    """Reconcile issues the refresh did not see, then mark the job finished."""
    with GitHubClient() as client:
        refresh.finish_refresh(job_id, client)


import indexer.gitlab.tasks  # noqa: E402,F401  (declares the GitLab actors)
import webhooks.tasks  # noqa: E402,F401  (declares the webhook actors)
