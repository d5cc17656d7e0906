"""A refresh end to end: local GitHub -> Dramatiq workers -> PostgreSQL -> index."""

import pytest
from sqlalchemy import func, select

from core.database import session_scope
from fakes.github.server_thread import run_fake_github
from indexer.models import Issue, RefreshPage
from tests.pipeline import (
    github_url,
    indexed_numbers,
    record,
    run_refresh,
    running_worker,
    write_records,
)


@pytest.fixture
def records_file(tmp_path):
    records = [
        record(1, labels=["good first issue", "documentation"]),
        record(2, labels=["E-easy"], repo="ferris/crab", language="Rust"),
        record(3, labels=["help wanted"]),
        record(4, labels=["good first issue"], state="closed"),
        record(5, labels=["good-first-issue"], locked=True),
        record(6, labels=["good first issue"], repo="old/archived", repo_archived=True),
        record(7, labels=["good first issue"], is_pull_request=True),
        record(8, labels=["difficulty: easy"], assignees=["someone"]),
        record(9, labels=["first-timers-only"], language=None, repo="plain/notes"),
    ]
    return write_records(tmp_path / "issues.jsonl", records)


def test_refresh_indexes_only_open_beginner_issues(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            progress = run_refresh()
    assert progress.status == "completed"
    # 8 is assigned: indexed, and hidden by the default search filter.
    assert indexed_numbers() == [
        ("acme/widgets", 1),
        ("acme/widgets", 8),
        ("ferris/crab", 2),
        ("plain/notes", 9),
    ]


def test_refresh_twice_stores_no_duplicates(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
            with session_scope() as session:
                first = session.execute(select(func.count()).select_from(Issue)).scalar_one()
            second_progress = run_refresh()
    with session_scope() as session:
        second = session.execute(select(func.count()).select_from(Issue)).scalar_one()
    assert second_progress.status == "completed"
    assert first == second
    assert len(indexed_numbers()) == 4


def test_closed_and_relabelled_issues_leave_the_index(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
            github.fake.store.close_issue("acme/widgets", 1)
            github.fake.store.relabel("ferris/crab", 2, ["enhancement"])
            github.fake.store.remove("plain/notes", 9)
            progress = run_refresh()
    assert progress.status == "completed"
    assert progress.issues_removed >= 3
    assert indexed_numbers() == [("acme/widgets", 8)]
    with session_scope() as session:
        closed = session.execute(select(Issue.state).where(Issue.number == 1)).scalar_one()
        deleted = session.execute(select(Issue).where(Issue.number == 9)).first()
    assert closed == "closed"
    assert deleted is None


def test_refresh_pages_through_windows_past_the_search_cap(tmp_path):
    # 1,150 matches in one search: more than GitHub's 1,000-result cap, so the
    # plan must split the created-date range.
    records = [
        record(n, created_at=f"20{20 + n % 5}-0{1 + n % 9}-1{n % 10}") for n in range(1, 1151)
    ]
    path = write_records(tmp_path / "many.jsonl", records)
    with run_fake_github(path) as github, github_url(github.graphql_url):
        with running_worker(threads=8):
            progress = run_refresh(timeout=300)
    assert progress.status == "completed"
    assert progress.issues_indexed == 1150
    with session_scope() as session:
        windows = session.execute(
            select(func.count(func.distinct(RefreshPage.search_query)))
        ).scalar_one()
    assert windows >= 2


def test_planning_sends_each_window_as_found(tmp_path):
    from indexer import refresh, refresh_jobs
    from indexer.github.client import GitHubClient
    from indexer.models import RefreshJob

    records = [
        record(n, created_at=f"20{20 + n % 5}-0{1 + n % 9}-1{n % 10}") for n in range(1, 1151)
    ]
    path = write_records(tmp_path / "many.jsonl", records)
    with session_scope() as session:
        job, _ = refresh_jobs.create_job(session, "github")
        job_id = job.id
    sent: list[tuple[str, list[int]]] = []

    def send_pages(page_ids: list[int]) -> None:
        with session_scope() as session:
            sent.append((session.get(RefreshJob, job_id).status, page_ids))

    with run_fake_github(path) as github, github_url(github.graphql_url):
        with GitHubClient() as client:
            settled = refresh.plan_refresh(job_id, client, send_pages)
    with session_scope() as session:
        job = session.get(RefreshJob, job_id)
        status, windows = job.status, job.windows_planned
    sent_ids = [page_id for _, page_ids in sent for page_id in page_ids]
    assert settled is False
    assert len(sent) == windows
    assert windows >= 2
    assert {status for status, _ in sent} == {"planning"}
    assert len(sent_ids) == len(set(sent_ids)) == windows
    assert status == "running"


def test_refresh_survives_server_errors_and_secondary_limits(records_file, monkeypatch):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        github.fake.faults.fail_next(2, status=502)
        github.fake.faults.secondary_rate_limit(count=1, retry_after=1)
        github.fake.faults.malformed(count=1)
        with running_worker():
            progress = run_refresh(timeout=180)
        outcomes = github.fake.stats.snapshot()
    assert progress.status == "completed"
    assert len(indexed_numbers()) == 4
    assert outcomes["total"] >= 4 + 3


def test_page_failing_once_is_retried(records_file, monkeypatch):
    from indexer import refresh

    real_fetch_page = refresh.fetch_page
    failed_once: set[int] = set()

    def fail_first_attempt(page_id, client, *args, **kwargs):
        if page_id not in failed_once:
            failed_once.add(page_id)
            raise RuntimeError(f"transient failure of page {page_id}")
        return real_fetch_page(page_id, client, *args, **kwargs)

    monkeypatch.setattr(refresh, "fetch_page", fail_first_attempt)
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            progress = run_refresh(timeout=180)
    assert failed_once
    assert progress.status == "completed"
    assert len(indexed_numbers()) == 4
    with session_scope() as session:
        statuses = set(session.execute(select(RefreshPage.status)).scalars())
    assert statuses == {"done"}


def test_refresh_with_rejected_token_fails_clearly(records_file):
    with run_fake_github(records_file, valid_tokens=["another-token"]) as github:
        with github_url(github.graphql_url), running_worker():
            progress = run_refresh()
    assert progress.status == "failed"
    assert "GITHUB_TOKEN" in (progress.error or "")


@pytest.mark.parametrize(("stored", "expected"), [(False, "failed"), (True, "partial")])
def test_planning_failure_keeps_stored_pages_partial(stored, expected):
    from indexer import refresh_jobs
    from indexer.models import RefreshJob
    from indexer.sync_models import SourceState
    from indexer.tasks import _record_failure

    with session_scope() as session:
        job, _ = refresh_jobs.create_job(session, "github")
        job_id = job.id
        refresh_jobs.add_pages(session, job_id, ["label:easy", "label:docs"])
        if stored:
            page_id = refresh_jobs.pending_page_ids(session, job_id)[0]
            refresh_jobs.mark_page(session, page_id, "done", issue_count=100)
    _record_failure(job_id, "GitHub rate limit: the budget resets in 3293 s")
    with session_scope() as session:
        job = session.get(RefreshJob, job_id)
        state = session.get(SourceState, "github")
        assert job.status == expected
        assert "rate limit" in job.error
        assert state.last_status == expected
