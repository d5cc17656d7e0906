"""Refresh jobs and their pages in the database: creation, progress, completion."""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from core.database import session_scope
from indexer import source_state
from indexer.models import Issue, RefreshJob, RefreshPage

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = ("queued", "planning", "running", "reconciling")


@dataclass(frozen=True)
class RefreshProgress:
    job_id: str
    source: str
    status: str
    pages_total: int
    pages_done: int
    pages_failed: int
    issues_seen: int
    issues_indexed: int
    issues_removed: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None


def create_job(
    session: Session, source: str, mode: str = "full"
) -> tuple[RefreshJob, bool]:
    """Return the active job of `source`, or create one in `mode` ("full" or
    "incremental"), and whether the job is new. One refresh per source runs
    at a time."""
    active = (
        session.execute(
            select(RefreshJob)
            .where(RefreshJob.source == source, RefreshJob.status.in_(ACTIVE_STATUSES))
            .with_for_update()
        )
        .scalars()
        .first()
    )
    if active is not None:
        return active, False
    job = RefreshJob(id=str(uuid.uuid4()), source=source, mode=mode)
    session.add(job)
    session.flush()
    return job, True


def add_pages(session: Session, job_id: str, search_queries: list[str], cursor: str = "") -> None:
    if not search_queries:
        return
    session.execute(
        insert(RefreshPage)
        .values(
            [
                {
                    "job_id": job_id,
                    "search_query": query,
                    "cursor": cursor,
                    "updated_at": datetime.now(timezone.utc),
                }
                for query in search_queries
            ]
        )
        .on_conflict_do_nothing()
    )


UNSETTLED_PAGE_STATUSES = ("pending", "stored")


def pending_page_ids(session: Session, job_id: str) -> list[int]:
    """Pages of the job that are not yet indexed or failed."""
    return list(
        session.execute(
            select(RefreshPage.id).where(
                RefreshPage.job_id == job_id,
                RefreshPage.status.in_(UNSETTLED_PAGE_STATUSES),
            )
        ).scalars()
    )


def add_next_page(session: Session, page: RefreshPage, cursor: str) -> int:
    """Record the page after `page`; return its id (the existing one when a
    redelivered job added it before)."""
    session.execute(
        insert(RefreshPage)
        .values(
            job_id=page.job_id,
            search_query=page.search_query,
            cursor=cursor,
            updated_at=datetime.now(timezone.utc),
        )
        .on_conflict_do_nothing()
    )
    return session.execute(
        select(RefreshPage.id).where(
            RefreshPage.job_id == page.job_id,
            RefreshPage.search_query == page.search_query,
            RefreshPage.cursor == cursor,
        )
    ).scalar_one()


def pending_next_page(session: Session, page: RefreshPage) -> int | None:
    """Return the id of the page after `page` while it is still pending."""
    if not page.next_cursor:
        return None
    return session.execute(
        select(RefreshPage.id).where(
            RefreshPage.job_id == page.job_id,
            RefreshPage.search_query == page.search_query,
            RefreshPage.cursor == page.next_cursor,
            RefreshPage.status == "pending",
        )
    ).scalar_one_or_none()


def mark_page(
    session: Session,
    page_id: int,
    status: str,
    *,
    issue_count: int | None = None,
    error: str | None = None,
) -> None:
    values: dict = {"status": status, "updated_at": datetime.now(timezone.utc)}
    if issue_count is not None:
        values["issue_count"] = issue_count
    if error is not None:
        values["error"] = error
    session.execute(update(RefreshPage).where(RefreshPage.id == page_id).values(**values))


def set_status(session: Session, job_id: str, status: str, *, error: str | None = None) -> None:
    values: dict = {"status": status}
    if error is not None:
        values["error"] = error
    if status in ("completed", "partial", "failed"):
        values["finished_at"] = datetime.now(timezone.utc)
    session.execute(update(RefreshJob).where(RefreshJob.id == job_id).values(**values))


def claim_for_reconciliation(session: Session, job_id: str) -> bool:
    """Move a running job whose pages are all settled to `reconciling`.

    Only one caller wins the conditional update, so the final step runs once
    even when the last two pages finish together.
    """
    if pending_page_ids(session, job_id):
        return False
    result = session.execute(
        update(RefreshJob)
        .where(RefreshJob.id == job_id, RefreshJob.status == "running")
        .values(status="reconciling")
    )
    return result.rowcount == 1


def job_progress(session: Session, job_id: str) -> RefreshProgress | None:
    job = session.get(RefreshJob, job_id)
    if job is None:
        return None
    counts = dict(
        session.execute(
            select(RefreshPage.status, func.count())
            .where(RefreshPage.job_id == job_id)
            .group_by(RefreshPage.status)
        ).all()
    )
    seen = session.execute(
        select(func.count()).select_from(Issue).where(Issue.last_seen_job == job_id)
    ).scalar_one()
    return RefreshProgress(
        job_id=job.id,
        source=job.source,
        status=job.status,
        pages_total=sum(counts.values()),
        pages_done=counts.get("done", 0),
        pages_failed=counts.get("failed", 0),
        issues_seen=seen,
        issues_indexed=job.issues_indexed,
        issues_removed=job.issues_removed,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def has_failed_pages(session: Session, job_id: str) -> bool:
    failed = session.execute(
        select(RefreshPage.id).where(
            RefreshPage.job_id == job_id, RefreshPage.status == "failed"
        )
    ).first()
    return failed is not None


def has_stored_pages(session: Session, job_id: str) -> bool:
    """Return whether any page of the job has stored its issues."""
    stored = session.execute(
        select(RefreshPage.id).where(
            RefreshPage.job_id == job_id, RefreshPage.status.in_(("stored", "done"))
        )
    ).first()
    return stored is not None


def finish_partially(job_id: str, source: str) -> None:
    """Close a job some of whose pages failed. Issues on those pages were not
    seen, so their absence proves nothing and nothing is reconciled."""
    error = f"some {source} pages failed; see refresh_page"
    with session_scope() as session:
        set_status(session, job_id, "partial", error=error)
        source_state.record_unsuccessful(session, source, "partial", error)
    logger.warning("refresh %s finished partially: some pages failed", job_id)
