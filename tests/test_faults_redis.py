"""Redis stopped in the middle of a refresh, a request load against the API
and an alert run. Redis holds the Dramatiq queues, sign-in sessions, login
limits, request rate limits, the search cache and job locks.

What the code does without Redis, on purpose: anonymous searches, issue
pages and analytics run without the cache, and requests pass the rate limit
unlimited (each logs a limited number of warnings). Everything that needs a
session or the job queue gets a 503 naming Redis, because without Redis a
session that was ended looks the same as a live one. Needs a stack the tests may
stop services of (see faults_support).
"""

import time

import pytest

import alerts.tasks  # noqa: F401  (declares the alert actors before the worker starts)
from fakes.github.server_thread import run_fake_github
from indexer import refresh
from indexer.routes import start_refresh
from tests.factories import make_issue, store_and_index
from tests.faults_support import (
    alert_run_across_outage,
    Gate,
    RequestLoad,
    after_pages,
    announced_issue_counts,
    api_server,
    assert_readiness,
    assert_unavailable,
    healthy_stack,  # noqa: F401  (fixture, used by name)
    indexed_document_ids,
    quick_alert_retries,  # noqa: F401  (fixture, used by name)
    register,
    service_outage,
    settings_env,  # noqa: F401  (fixture)
    settle_refresh,
    stored_issue_count,
    wait_until,
)
from tests.pipeline import github_url, record, running_worker, write_records

pytestmark = [pytest.mark.usefixtures("healthy_stack"), pytest.mark.native_stack]

SERVICE = "redis"
ISSUES = 60
# Seconds the service stays down after the held job failed.
OUTAGE_SECONDS = 4.0
ADMIN = {"Authorization": "Bearer test-admin-token"}


def test_refresh_resumes_after_redis_outage(tmp_path, monkeypatch, settings_env):
    settings_env(GITHUB_PAGE_SIZE="5")
    path = write_records(
        tmp_path / "issues.jsonl",
        [record(n, repo=f"org{n % 4}/repo{n % 4}") for n in range(1, ISSUES + 1)],
    )
    # The third page waits between being stored and being indexed; its index
    # step then needs the index-writer lock in Redis.
    gate = Gate(refresh.index_issues, when=after_pages(2))
    monkeypatch.setattr(refresh, "index_issues", gate)
    with run_fake_github(path) as github, github_url(github.graphql_url):
        with running_worker(threads=2):
            job_id, _ = start_refresh()
            gate.wait_reached()
            with service_outage(SERVICE):
                error = gate.release_and_wait()
                time.sleep(OUTAGE_SECONDS)
            status, pages = settle_refresh(job_id, timeout=60)

    assert error is not None
    assert status == "completed", f"refresh is {status}; pages by status: {pages}"
    assert stored_issue_count() == ISSUES
    documents = indexed_document_ids()
    assert len(documents) == ISSUES
    assert len(set(documents)) == ISSUES


def test_refresh_requested_during_redis_outage_runs_later(tmp_path):
    path = write_records(tmp_path / "issues.jsonl", [record(n) for n in range(1, 6)])
    with run_fake_github(path) as github, github_url(github.graphql_url):
        with api_server() as client:
            with service_outage(SERVICE):
                assert_unavailable(client.post("/v1/refresh", headers=ADMIN), SERVICE)
            later = client.post("/v1/refresh", headers=ADMIN)
        assert later.status_code == 202, later.text
        with running_worker():
            status, pages = settle_refresh(later.json()["job_id"], timeout=60)

    assert status == "completed", f"refresh is {status}; pages by status: {pages}"
    assert len(indexed_document_ids()) == 5


def test_api_during_redis_outage(settings_env):
    # Limits far above this test's load, so requests go through the rate
    # limiter without being throttled.
    settings_env(RATE_LIMIT_ANONYMOUS_PER_MINUTE="100000", RATE_LIMIT_USER_PER_MINUTE="100000")
    issue_id = "github:I_acme_widgets_1"
    store_and_index([make_issue(n) for n in range(1, 6)])
    with api_server() as client:
        headers = register(client, "ada@example.org")
        assert client.get("/v1/search", params={"q": "typo"}).status_code == 200
        operations = {
            "search_anonymous": lambda c, n: c.get("/v1/search", params={"q": f"typo {n}"}),
            "search_cached": lambda c, n: c.get("/v1/search", params={"q": "typo"}),
            "search_signed_in": lambda c, n: c.get(
                "/v1/search", params={"q": "typo"}, headers=headers
            ),
            "bookmarks": lambda c, n: c.get("/v1/bookmarks", headers=headers),
            "issue": lambda c, n: c.get(f"/v1/issues/{issue_id}"),
            "analytics": lambda c, n: c.get("/v1/analytics"),
            "login": lambda c, n: c.post(
                "/v1/auth/login",
                json={"email": "ada@example.org", "password": "a long test passphrase"},
            ),
        }
        needs_redis = {"search_signed_in", "bookmarks", "login"}
        with RequestLoad(client, operations) as load:
            time.sleep(1.0)
            with service_outage(SERVICE) as outage:
                assert_readiness(client, SERVICE)
                assert_unavailable(
                    client.post("/v1/bookmarks", json={"issue_id": issue_id}, headers=headers),
                    SERVICE,
                )
                wait_until(
                    lambda: {r.operation for r in load.during(outage)} == set(operations),
                    timeout=60,
                    what="every operation to run during the outage",
                )
            recovered_at = time.monotonic()
            wait_until(
                lambda: {r.operation for r in load.after(recovered_at)} == set(operations),
                timeout=60,
                what="every operation to run after the restart",
            )
        ready = client.get("/readyz")

    failures = [r for r in load.results if r.status in (0, 500)]
    assert failures == []
    for result in load.during(outage):
        if result.operation in needs_redis:
            assert result.status == 503, result
            assert f'"service":"{SERVICE}"' in result.body
        else:
            assert result.status == 200, result
    for result in load.after(recovered_at):
        assert result.status == 200, result
    assert ready.status_code == 200


@pytest.mark.usefixtures("quick_alert_retries")
def test_alerts_delivered_once_after_redis_outage(monkeypatch):
    run = alert_run_across_outage(monkeypatch, SERVICE, OUTAGE_SECONDS)

    # Both held jobs finish without Redis: the matching job then waits to
    # enqueue its delivery, and the sent delivery cannot release its lock
    # (which expires by itself).
    assert run.match_error is None
    assert run.delivery_error is None
    counts = announced_issue_counts(run.user_id)
    assert sorted(counts) == sorted(run.issue_ids)
    assert set(counts.values()) == {1}
