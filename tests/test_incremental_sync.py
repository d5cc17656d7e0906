"""Incremental refreshes: watermark, `updated:>=` searches, bounded re-checks."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.database import session_scope
from core.settings import get_settings
from fakes.github.server_thread import run_fake_github
from indexer import refresh, source_state
from indexer.models import Issue, RefreshJob
from indexer.routes import start_refresh
from search_api.app import create_app
from tests.pipeline import (
    github_url,
    indexed_numbers,
    record,
    run_refresh,
    running_worker,
    wait_for_job,
    write_records,
)


@pytest.fixture
def records_file(tmp_path):
    records = [
        record(1, labels=["good first issue"]),
        record(2, labels=["good first issue"]),
        record(3, labels=["good first issue"]),
        record(4, labels=["good first issue"], repo="ferris/crab"),
    ]
    return write_records(tmp_path / "issues.jsonl", records)


@contextmanager
def setting(name: str, value: str) -> Iterator[None]:
    previous = os.environ.get(name)
    os.environ[name] = value
    get_settings.cache_clear()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
        get_settings.cache_clear()


def run_incremental():
    job_id, created = start_refresh("github", source_state.INCREMENTAL)
    assert created
    return wait_for_job(job_id)


def default_search_numbers() -> list[int]:
    response = TestClient(create_app()).get("/v1/search", params={"size": 100})
    assert response.status_code == 200
    return sorted(hit["number"] for hit in response.json()["hits"])


def test_closed_and_assigned_leave_after_one_incremental(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            full = run_refresh()
            assert default_search_numbers() == [1, 2, 3, 4]
            github.fake.store.close_issue("acme/widgets", 1)
            github.fake.store.assign("acme/widgets", 3, ["someone"])
            progress = run_incremental()
    assert full.status == "completed"
    assert progress.status == "completed"
    with session_scope() as session:
        mode = session.get(RefreshJob, progress.job_id).mode
    assert mode == "incremental"
    assert default_search_numbers() == [2, 4]


def test_first_incremental_runs_full(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            progress = run_incremental()
    with session_scope() as session:
        job = session.get(RefreshJob, progress.job_id)
        state = source_state.get_state(session, "github")
    assert job.mode == "full"
    assert state is not None
    assert state.watermark == job.created_at
    assert state.last_sweep_at == job.created_at
    assert len(indexed_numbers()) == 4


def test_incremental_search_uses_watermark_minus_margin(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
    with session_scope() as session:
        watermark = source_state.watermark(session, "github")
    queries = refresh.search_queries(source_state.INCREMENTAL, watermark)
    margin = get_settings().sync_safety_margin
    expected = (watermark - __import__("datetime").timedelta(seconds=margin)).strftime(
        "updated:>=%Y-%m-%dT%H:%M:%SZ"
    )
    assert queries
    assert all(expected in query for query in queries)
    assert all("is:open" not in query for query in queries)


def test_incremental_keeps_unseen_issues_without_recheck(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
            github.fake.store.remove("acme/widgets", 2)
            with setting("ODYSSEY_SYNC_RECHECK_BATCH", "0"):
                progress = run_incremental()
    assert progress.status == "completed"
    with session_scope() as session:
        kept = session.execute(select(Issue.id).where(Issue.number == 2)).first()
    assert kept is not None
    assert ("acme/widgets", 2) in indexed_numbers()


def test_incremental_recheck_finds_deleted_and_relabelled(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
            github.fake.store.remove("acme/widgets", 2)
            github.fake.store.relabel("ferris/crab", 4, ["enhancement"])
            progress = run_incremental()
    assert progress.status == "completed"
    assert progress.issues_removed >= 1
    assert indexed_numbers() == [("acme/widgets", 1), ("acme/widgets", 3)]


def test_incremental_without_changes_costs_few_points(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
            before = github.fake.rate_limiter.peek().used
            run_incremental()
            used = github.fake.rate_limiter.peek().used - before
    # One count per label query plus one re-check batch; nothing is paged.
    label_queries = len(refresh.search_queries(source_state.FULL, None))
    assert used <= label_queries + 1


def test_sources_report_last_success_and_age(records_file):
    client = TestClient(create_app())
    before = client.get("/v1/sources").json()["sources"]
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
    after = client.get("/v1/sources").json()["sources"]
    assert before == [
        {
            "source": "github",
            "last_success_at": None,
            "age_seconds": None,
            "stale": True,
            "watermark": None,
            "last_sweep_at": None,
            "last_status": None,
            "last_error": None,
        }
    ]
    [github_state] = after
    assert github_state["last_status"] == "completed"
    assert github_state["last_success_at"] is not None
    assert github_state["age_seconds"] >= 0
    assert github_state["stale"] is False


def test_failed_refresh_keeps_watermark_and_reports_error(records_file):
    with run_fake_github(records_file) as github, github_url(github.graphql_url):
        with running_worker():
            run_refresh()
    with session_scope() as session:
        watermark = source_state.watermark(session, "github")
    with run_fake_github(records_file, valid_tokens=["other"]) as github:
        with github_url(github.graphql_url), running_worker():
            progress = run_incremental()
    assert progress.status == "failed"
    with session_scope() as session:
        state = source_state.get_state(session, "github")
    assert state.watermark == watermark
    assert state.last_status == "failed"
    assert "GITHUB_TOKEN" in state.last_error
