"""Elasticsearch stopped in the middle of a refresh, a request load against
the API and an alert run, all in one outage because the node takes 30 to 60 s
to start. Needs a stack the tests may stop services of (see faults_support).

Without Elasticsearch, searches get a 503 naming it unless the first page is
in the Redis cache, while bookmarks, issue pages and sign-in keep working.
"""

import time

import pytest
from elastic_transport import ConnectionError as ElasticsearchConnectionError

import alerts.tasks  # noqa: F401  (declares the alert actors before the worker starts)
from alerts import matching
from core.broker import broker
from fakes.github.server_thread import run_fake_github
from indexer import refresh
from indexer.routes import start_refresh
from tests.faults_support import (
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
    settle_refresh,
    stored_issue_count,
    user_id_of,
    wait_until,
)
from tests.pipeline import (
    github_url,
    record,
    run_refresh,
    running_worker,
    write_records,
)

pytestmark = [pytest.mark.usefixtures("healthy_stack"), pytest.mark.native_stack]

SERVICE = "elasticsearch"
ISSUES = 60
# Issues stored before the saved search exists, for bookmarks; they are
# never announced.
EARLIER_ISSUES = 3
# Seconds the node stays down after the held jobs failed, so that retries of
# other jobs meet the outage too.
OUTAGE_SECONDS = 4.0


@pytest.mark.usefixtures("quick_alert_retries")
def test_outage_during_refresh_search_load_and_alerts(tmp_path, monkeypatch, settings_env):
    # A cached first page must outlive the node's restart.
    settings_env(GITHUB_PAGE_SIZE="5", SEARCH_CACHE_TTL="900")
    earlier = [
        record(n, repo="acme/widgets", title=f"Earlier issue {n}")
        for n in range(1, EARLIER_ISSUES + 1)
    ]
    later = [
        record(n, repo=f"org{n % 4}/repo{n % 4}", title=f"Later issue {n}")
        for n in range(1, ISSUES + 1)
    ]
    path = write_records(tmp_path / "issues.jsonl", earlier)

    with run_fake_github(path) as github, github_url(github.graphql_url), api_server() as client:
        headers = register(client, "ada@example.org")
        user_id = user_id_of(client, headers)
        with running_worker(threads=2):
            # A first refresh stores the earlier issues before the saved
            # search exists, and the second one, during which the node
            # stops, keeps them because GitHub still has them.
            assert run_refresh().status == "completed"
            earlier_docs = {
                hit["id"]
                for hit in client.get("/v1/search", params={"q": "earlier"}).json()["hits"]
            }
            assert len(earlier_docs) == EARLIER_ISSUES
            bookmarked, other = sorted(earlier_docs)[:2]
            saved = client.post(
                "/v1/saved-searches",
                json={"name": "Python", "query": {"language": ["Python"]}},
                headers=headers,
            )
            assert saved.status_code == 201, saved.text
            bookmark = client.post("/v1/bookmarks", json={"issue_id": bookmarked}, headers=headers)
            assert bookmark.status_code == 201, bookmark.text
            bookmark_url = f"/v1/bookmarks/{bookmark.json()['id']}"
            operations = {
                "search_uncached": lambda c, n: c.get("/v1/search", params={"q": f"issue {n}"}),
                "search_cached": lambda c, n: c.get("/v1/search", params={"q": "earlier"}),
                # Personalized, so never served from the cache.
                "search_signed_in": lambda c, n: c.get(
                    "/v1/search", params={"q": "issue", "hide_tracked": "true"}, headers=headers
                ),
                "bookmarks": lambda c, n: c.get("/v1/bookmarks", headers=headers),
                "bookmark_update": lambda c, n: c.put(
                    bookmark_url, json={"notes": f"note {n}"}, headers=headers
                ),
                "issue": lambda c, n: c.get(f"/v1/issues/{bookmarked}"),
                "login": lambda c, n: c.post(
                    "/v1/auth/login",
                    json={"email": "ada@example.org", "password": "a long test passphrase"},
                ),
            }
            needs_elasticsearch = {"search_uncached", "search_signed_in"}

            # With two worker threads, one waits in a refresh page between
            # storing and indexing and the other waits in an alert run over
            # issues of that refresh. Both are in flight when the node stops,
            # and nothing else writes.
            index_gate = Gate(refresh.index_issues, when=after_pages(2))
            match_gate = Gate(
                matching.match_batch,
                when=lambda session, doc_ids: not set(doc_ids) <= earlier_docs,
            )
            monkeypatch.setattr(refresh, "index_issues", index_gate)
            monkeypatch.setattr(matching, "match_batch", match_gate)
            github.fake.store.put_many(later)
            job_id, _ = start_refresh()
            index_gate.wait_reached()
            match_gate.wait_reached()
            # Both threads wait, so no write changes the cache generation.
            assert client.get("/v1/search", params={"q": "earlier"}).status_code == 200
            with RequestLoad(client, operations) as load:
                time.sleep(1.0)
                with service_outage(SERVICE) as outage:
                    assert_readiness(client, SERVICE)
                    created = client.post(
                        "/v1/bookmarks", json={"issue_id": other}, headers=headers
                    )
                    assert created.status_code == 201, created.text
                    assert_unavailable(
                        client.get("/v1/search", params={"q": "not cached"}), SERVICE
                    )
                    index_error = index_gate.release_and_wait()
                    match_error = match_gate.release_and_wait()
                    wait_until(
                        lambda: {r.operation for r in load.during(outage)} == set(operations),
                        timeout=60,
                        what="every operation to run during the outage",
                    )
                    time.sleep(OUTAGE_SECONDS)
                recovered_at = time.monotonic()
                wait_until(
                    lambda: {r.operation for r in load.after(recovered_at)} == set(operations),
                    timeout=60,
                    what="every operation to run after the restart",
                )
            status, pages = settle_refresh(job_id, timeout=300)
            wait_until(
                lambda: alert_rows(saved.json()["id"])[0] == ISSUES
                and all(s == "sent" for s in alert_rows(saved.json()["id"])[1]),
                timeout=120,
                what="every refresh issue to be matched and every delivery sent",
            )
            broker.join("alerts", timeout=60_000)
        ready = client.get("/readyz")

    # The refresh: every record stored and indexed once, no page given up.
    assert isinstance(index_error, ElasticsearchConnectionError)
    assert status == "completed", f"refresh is {status}; pages by status: {pages}"
    assert pages.get("failed", 0) == 0
    assert stored_issue_count() == ISSUES + EARLIER_ISSUES
    documents = indexed_document_ids()
    assert len(documents) == ISSUES + EARLIER_ISSUES
    assert len(set(documents)) == len(documents)

    # The alert run: every refresh issue announced exactly once.
    assert isinstance(match_error, ElasticsearchConnectionError)
    counts = announced_issue_counts(user_id)
    assert len(counts) == ISSUES
    assert set(counts.values()) == {1}

    # The request load: 503 only for what needs the node, never a 500.
    failures = [r for r in load.results if r.status in (0, 500)]
    assert failures == []
    for result in load.during(outage):
        if result.operation in needs_elasticsearch:
            assert result.status == 503, result
            assert f'"service":"{SERVICE}"' in result.body
        else:
            assert result.status == 200, result
    for result in load.after(recovered_at):
        assert result.status == 200, result
    assert ready.status_code == 200
