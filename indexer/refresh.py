"""The steps of a GitHub refresh. Each step is idempotent, because Dramatiq
delivers a message at least once; the actors in `indexer.tasks` call them.

plan: split the label searches into windows and record one first page each.
fetch: store one search page, record the next page, then index the issues.
finish: once no page is pending, re-check issues that the refresh did not see
(closed, relabelled or deleted upstream) and drop them from the index.

A full refresh searches every open issue and its finish step re-checks every
stored open issue it did not see (the reconciliation sweep). An incremental
refresh searches only issues updated since the source's watermark, closed ones
included, and its finish step re-checks a bounded batch of the open issues
checked longest ago, because absence from an incremental search proves nothing.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, update

from core.broker import enqueue
from core.database import session_scope
from core.settings import get_settings
from indexer import refresh_jobs, search_index, source_state, store
from indexer.documents import build_document, document_id, is_searchable
from indexer.github import queries
from indexer.github.client import GitHubClient
from indexer.github.parse import SOURCE, parse_issue
from indexer.github.search_plan import INCREMENTAL_QUALIFIERS, iter_windows, label_queries
from indexer.models import Issue, RefreshJob, RefreshPage
from indexer.normalize import BEGINNER_SEARCH_LABELS
from indexer.tracked.github import tracked_repository_queries
from indexer.write_lock import shared_write

logger = logging.getLogger(__name__)

# GitHub's `nodes(ids:)` takes at most 100 ids.
RECONCILE_BATCH = 100


@dataclass
class PageOutcome:
    issue_ids: list[int] = field(default_factory=list)
    next_page_id: int | None = None
    job_settled: bool = False


def plan_refresh(
    job_id: str, client: GitHubClient, send_pages: Callable[[list[int]], None]
) -> bool:
    """Find the search windows of a refresh and pass each window's first page
    to `send_pages` as soon as the window is known, so fetching overlaps
    planning. Return True when planning ended with no page left to fetch.

    The job is `planning` meanwhile, and pages that finish early cannot
    claim it for the final step; it becomes `running` once every window is
    recorded. A redelivered plan records the same pages again, which adds
    nothing, and sends the pending ones again, which page jobs tolerate.
    """
    with session_scope() as session:
        job = session.get(RefreshJob, job_id)
        if job is None or job.status not in ("queued", "planning", "running"):
            logger.info("refresh %s is not waiting to be planned; skipping", job_id)
            return False
        mode = job.mode
        since = source_state.watermark(session, SOURCE)
        if mode == source_state.INCREMENTAL and since is None:
            # Nothing to be incremental to: the first refresh is a full one.
            logger.info("refresh %s has no watermark; running a full refresh", job_id)
            job.mode = mode = source_state.FULL
        if job.status == "queued":
            job.status = "planning"
    start = date.fromisoformat(get_settings().github_search_since)
    queries = search_queries(mode, since)
    if mode == source_state.FULL:
        queries += tracked_repository_queries(client)
    sent: set[int] = set()
    windows = 0
    for query in queries:
        for window in iter_windows(client, query, start, date.today()):
            windows += 1
            with session_scope() as session:
                refresh_jobs.add_pages(session, job_id, [window.query])
                new = [i for i in refresh_jobs.pending_page_ids(session, job_id) if i not in sent]
            send_pages(new)
            sent.update(new)
    with session_scope() as session:
        session.execute(
            update(RefreshJob)
            .where(RefreshJob.id == job_id)
            .values(status="running", windows_planned=windows)
        )
    with session_scope() as session:
        settled = not refresh_jobs.pending_page_ids(session, job_id)
    logger.info("refresh %s planned %d windows", job_id, windows)
    return settled


def search_queries(mode: str, since: datetime | None) -> list[str]:
    """Build the label queries of a refresh; an incremental one adds `updated:>=`."""
    labels = list(BEGINNER_SEARCH_LABELS)
    if mode != source_state.INCREMENTAL or since is None:
        return label_queries(labels)
    margin = timedelta(seconds=get_settings().sync_safety_margin)
    moment = (since - margin).astimezone(timezone.utc)
    updated = f"updated:>={moment.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    return label_queries(labels, extra=updated, qualifiers=INCREMENTAL_QUALIFIERS)


def fetch_page(
    page_id: int,
    client: GitHubClient | None,
    store_page: Callable[[int, str, str, str], None] | None = None,
) -> PageOutcome:
    """Fetch one search page, store it, index it and record the next page.

    The page row moves pending -> stored -> done. A redelivered job resumes
    where the last one stopped: a stored page is indexed from its recorded
    issue ids without fetching it again. Another source passes its own
    `store_page(page_id, job_id, search_query, cursor)`.
    """
    with session_scope() as session:
        page = session.get(RefreshPage, page_id)
        if page is None:
            logger.warning("refresh page %s does not exist; skipping", page_id)
            return PageOutcome()
        status, job_id = page.status, page.job_id
        search_query, cursor = page.search_query, page.cursor
        # A redelivered job of a finished page passes on a next page that
        # is still pending, in case sending it failed the first time.
        next_pending = refresh_jobs.pending_next_page(session, page) if status == "done" else None
    if next_pending is not None:
        return PageOutcome(next_page_id=next_pending)
    if status in ("done", "failed"):
        return PageOutcome(job_settled=True)
    if status == "pending" and store_page is not None:
        store_page(page_id, job_id, search_query, cursor)
    elif status == "pending":
        assert client is not None
        _fetch_and_store(page_id, job_id, search_query, cursor, client)

    with session_scope() as session:
        page = session.get(RefreshPage, page_id)
        assert page is not None
        issue_ids, next_cursor = list(page.issue_ids or []), page.next_cursor
    index_issues(issue_ids)
    outcome = PageOutcome(issue_ids=issue_ids)
    with session_scope() as session:
        page = session.get(RefreshPage, page_id, with_for_update=True)
        assert page is not None
        if next_cursor:
            outcome.next_page_id = refresh_jobs.add_next_page(session, page, next_cursor)
        refresh_jobs.mark_page(session, page_id, "done", issue_count=len(issue_ids))
    outcome.job_settled = outcome.next_page_id is None
    logger.info(
        "refresh %s page %d indexed %d issues (next page: %s)",
        job_id,
        page_id,
        len(issue_ids),
        outcome.next_page_id,
    )
    return outcome


def _fetch_and_store(
    page_id: int, job_id: str, search_query: str, cursor: str, client: GitHubClient
) -> None:
    data = client.execute(
        queries.SEARCH_ISSUES,
        {
            "query": search_query,
            "first": get_settings().github_page_size,
            "after": cursor or None,
        },
    )
    search = data["search"]
    issues = [issue for node in search["nodes"] if (issue := parse_issue(node))]
    page_info = search["pageInfo"]
    next_cursor = page_info["endCursor"] if page_info["hasNextPage"] else None
    with session_scope() as session:
        page = session.get(RefreshPage, page_id, with_for_update=True)
        if page is None or page.status != "pending":
            return  # another delivery of this job stored it first
        page.issue_ids = store.upsert_issues(session, issues, job_id)
        page.next_cursor = next_cursor
        page.status = "stored"
        page.issue_count = len(issues)


def fail_page(page_id: int, error: str) -> str | None:
    """Record a page whose retries are spent; return its job id."""
    with session_scope() as session:
        page = session.get(RefreshPage, page_id)
        if page is None:
            return None
        refresh_jobs.mark_page(session, page_id, "failed", error=error[:500])
        return page.job_id


def job_of_page(page_id: int) -> str | None:
    with session_scope() as session:
        page = session.get(RefreshPage, page_id)
        return page.job_id if page else None


def index_issues(issue_ids: list[int]) -> tuple[int, int]:
    """Write searchable issues to the index and delete the others from it.

    Waits briefly for the index-writer lock that a rebuild holds; raises
    `IndexLocked` when it stays taken, so the job retries later.
    """
    with shared_write():
        return _index_issues(issue_ids)


def _index_issues(issue_ids: list[int]) -> tuple[int, int]:
    with session_scope() as session:
        loaded = store.load_issues_for_index(session, issue_ids)
    documents = []
    deletions = []
    for issue, repository, labels in loaded:
        if is_searchable(issue, repository):
            documents.append(build_document(issue, repository, labels))
        else:
            deletions.append(document_id(issue.source, issue.external_id))
    written = search_index.write_documents(documents, deletions)
    if documents:  # saved-search alerts match the documents just written
        doc_ids = [document["doc_id"] for document in documents]
        enqueue("match_saved_searches", doc_ids, queue_name="alerts")
    return written


def finish_refresh(job_id: str, client: GitHubClient) -> None:
    """Reconcile and close a job once all of its pages are settled."""
    with session_scope() as session:
        if not refresh_jobs.claim_for_reconciliation(session, job_id):
            return
        job = session.get(RefreshJob, job_id)
        assert job is not None  # the claim above updated its row
        mode, started_at, source = job.mode, job.created_at, job.source
        failed = refresh_jobs.has_failed_pages(session, job_id)
    if failed:
        refresh_jobs.finish_partially(job_id, source)
        return
    try:
        if mode == source_state.INCREMENTAL:
            removed = recheck_oldest(job_id, client)
        else:
            removed = reconcile_unseen(job_id, client)
    except Exception:
        # Hand the job back, so the retried message can claim it again.
        with session_scope() as session:
            refresh_jobs.set_status(session, job_id, "running")
        raise
    with session_scope() as session:
        session.execute(
            update(RefreshJob)
            .where(RefreshJob.id == job_id)
            .values(
                issues_removed=removed,
                issues_indexed=search_index.index_document_count(),
            )
        )
        refresh_jobs.set_status(session, job_id, "completed")
        source_state.record_completed(session, source, started_at, mode)
    logger.info(
        "%s refresh %s completed; %d issues left the index", mode, job_id, removed
    )


def reconcile_unseen(job_id: str, client: GitHubClient) -> int:
    """Re-fetch open issues the refresh did not see and update or delete them;
    return how many left the index."""
    with session_scope() as session:
        unseen = session.execute(
            select(Issue.id, Issue.external_id).where(
                Issue.source == SOURCE,
                Issue.state == "open",
                (Issue.last_seen_job != job_id) | Issue.last_seen_job.is_(None),
            )
        ).all()
    removed = 0
    for start in range(0, len(unseen), RECONCILE_BATCH):
        batch = [(row[0], row[1]) for row in unseen[start : start + RECONCILE_BATCH]]
        removed += recheck_issues(batch, client)
    return removed


def recheck_oldest(job_id: str, client: GitHubClient) -> int:
    """Re-fetch the open issues checked longest ago, at most
    `sync_recheck_batch` of them and none that this refresh saw; return how
    many left the index. Over successive incremental refreshes this finds
    issues that were relabelled, deleted or transferred, which an `updated:`
    search cannot return."""
    limit = get_settings().sync_recheck_batch
    if limit == 0:
        return 0
    with session_scope() as session:
        oldest = session.execute(
            select(Issue.id, Issue.external_id)
            .where(
                Issue.source == SOURCE,
                Issue.state == "open",
                (Issue.last_seen_job != job_id) | Issue.last_seen_job.is_(None),
            )
            .order_by(Issue.last_checked_at.asc().nulls_first(), Issue.id)
            .limit(limit)
        ).all()
    removed = 0
    for start in range(0, len(oldest), RECONCILE_BATCH):
        batch = [(row[0], row[1]) for row in oldest[start : start + RECONCILE_BATCH]]
        removed += recheck_issues(batch, client)
    logger.info("refresh %s re-checked %d open issues", job_id, len(oldest))
    return removed


def recheck_issues(batch: list[tuple[int, str]], client: GitHubClient) -> int:
    """Fetch up to 100 issues by id, store the ones GitHub returns, delete the
    others, and update the index; return how many left the index."""
    if not batch:
        return 0
    data = client.execute(
        queries.ISSUES_BY_ID,
        {"ids": [external_id for _, external_id in batch]},
        allow_not_found=True,
    )
    fetched = {}
    for node in data["nodes"]:
        issue = parse_issue(node)
        if issue is not None:
            fetched[issue.external_id] = issue
    deleted_ids = [issue_id for issue_id, ext in batch if ext not in fetched]
    deleted_docs = [document_id(SOURCE, ext) for _, ext in batch if ext not in fetched]
    with session_scope() as session:
        updated_ids = store.upsert_issues(session, list(fetched.values()))
        store.delete_issues(session, deleted_ids)
    with shared_write():
        _, deleted_updated = _index_issues(updated_ids)
        search_index.write_documents([], deleted_docs)
    return deleted_updated + len(deleted_docs)
