"""PostgreSQL stopped in the middle of a refresh, a request load against the
API and an alert run: what keeps working, the 503s, and the counts after it
is back. Needs a stack the tests may stop services of (see faults_support)."""

import time

import pytest
from sqlalchemy.exc import OperationalError

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
    alert_rows,
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
    stored_issue_count,
    wait_until,
)
from tests.pipeline import (
    github_url,
    record,
    running_worker,
    wait_for_job,
    write_records,
)

pytestmark = [pytest.mark.usefixtures("healthy_stack"), pytest.mark.native_stack]

SERVICE = "postgres"
ISSUES = 60
# Seconds the service stays down after the held job failed, so that retries
# of other jobs meet the outage too.
OUTAGE_SECONDS = 4.0


def test_refresh_resumes_after_postgres_outage(tmp_path, monkeypatch, settings_env):
    settings_env(GITHUB_PAGE_SIZE="5")
    path = write_records(
        tmp_path / "issues.jsonl",
        [record(n, repo=f"org{n % 4}/repo{n % 4}") for n in range(1, ISSUES + 1)],
    )
    # The third page waits between being stored and being indexed.
    gate = Gate(refresh.index_issues, when=after_pages(2))
    monkeypatch.setattr(refresh, "index_issues", gate)
    with run_fake_github(path) as github, github_url(github.graphql_url):
        with running_worker(threads=2):
            job_id, _ = start_refresh()
            gate.wait_reached()
            with service_outage(SERVICE):
                error = gate.release_and_wait()
                time.sleep(OUTAGE_SECONDS)
            progress = wait_for_job(job_id, timeout=180)

    assert isinstance(error, OperationalError)
    assert progress.status == "completed"
    assert progress.pages_failed == 0
    assert progress.issues_indexed == ISSUES
    assert stored_issue_count() == ISSUES
    documents = indexed_document_ids()
    assert len(documents) == ISSUES
    assert len(set(documents)) == ISSUES


def test_api_during_postgres_outage():
    issue_id = "github:I_acme_widgets_1"
    store_and_index([make_issue(n) for n in range(1, 6)])
    with api_server() as client:
        headers = register(client, "ada@example.org")
        bookmark = client.post("/v1/bookmarks", json={"issue_id": issue_id}, headers=headers)
        assert bookmark.status_code == 201, bookmark.text
        bookmark_url = f"/v1/bookmarks/{bookmark.json()['id']}"
        # Computed now, served from the Redis cache during the outage.
        assert client.get("/v1/analytics").status_code == 200
        operations = {
            "search_anonymous": lambda c, n: c.get("/v1/search", params={"q": f"typo {n}"}),
            "search_signed_in": lambda c, n: c.get(
                "/v1/search", params={"q": "typo"}, headers=headers
            ),
            "bookmarks": lambda c, n: c.get("/v1/bookmarks", headers=headers),
            "bookmark_update": lambda c, n: c.put(
                bookmark_url, json={"notes": f"note {n}"}, headers=headers
            ),
            "issue": lambda c, n: c.get(f"/v1/issues/{issue_id}"),
            "login": lambda c, n: c.post(
                "/v1/auth/login",
                json={"email": "ada@example.org", "password": "a long test passphrase"},
            ),
        }
        needs_postgres = {"search_signed_in", "bookmarks", "bookmark_update", "issue", "login"}
        with RequestLoad(client, operations) as load:
            time.sleep(1.0)
            with service_outage(SERVICE) as outage:
                assert_readiness(client, SERVICE)
                assert client.get("/v1/analytics").status_code == 200
                assert_unavailable(
                    client.post(
                        "/v1/bookmarks",
                        json={"issue_id": "github:I_acme_widgets_2"},
                        headers=headers,
                    ),
                    SERVICE,
                )
                assert_unavailable(
                    client.post(
                        "/v1/refresh", headers={"Authorization": "Bearer test-admin-token"}
                    ),
                    SERVICE,
                )
                projects = client.post(
                    "/graphql", json={"query": "{ projects { total } }"}, headers=headers
                ).json()
                [error] = projects["errors"]
                assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
                assert error["extensions"]["details"] == {"service": SERVICE}
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
    during = load.during(outage)
    for result in during:
        if result.operation in needs_postgres:
            assert result.status == 503, result
            assert f'"service":"{SERVICE}"' in result.body
        else:
            assert result.status == 200, result
    for result in load.after(recovered_at):
        assert result.status == 200, result
    assert ready.status_code == 200


@pytest.mark.usefixtures("quick_alert_retries")
def test_alerts_delivered_once_after_postgres_outage(monkeypatch):
    run = alert_run_across_outage(monkeypatch, SERVICE, OUTAGE_SECONDS)

    assert isinstance(run.match_error, OperationalError)
    assert isinstance(run.delivery_error, OperationalError)
    counts = announced_issue_counts(run.user_id)
    assert sorted(counts) == sorted(run.issue_ids)
    assert set(counts.values()) == {1}
    _, statuses = alert_rows(run.search_id)
    assert statuses == ["sent", "sent"]
