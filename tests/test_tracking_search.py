"""Search results merged with the caller's bookmarks, hiding and ranking."""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from core.database import get_engine
from core.redis_client import get_redis
from search_api.app import create_app
from search_api.cache import PREFIX
from tests.tracking_support import Caller, index_catalog, make_caller, pull_url, track


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def catalog() -> dict[int, str]:
    return index_catalog()


@pytest.fixture
def alice() -> Caller:
    return make_caller("alice@example.org", languages=("rust",))


@pytest.fixture
def bob() -> Caller:
    return make_caller("bob@example.org")


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """SQL statements sent while the test runs."""
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        sent.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def hits_by_number(body: dict) -> dict[int, dict]:
    return {hit["number"]: hit for hit in body["hits"]}


def cached_pages() -> list[str]:
    return list(get_redis().scan_iter(f"{PREFIX}:*"))


@pytest.mark.parametrize("path", ["/v1/search", "/v1/issues"])
def test_hits_carry_caller_state(client, catalog, alice, path):
    first = track(client, alice, catalog[1])
    client.put(
        f"/v1/bookmarks/{first['id']}",
        json={"status": "in_progress"},
        headers=alice.headers,
    )
    third = track(client, alice, catalog[3])
    hits = hits_by_number(client.get(path, headers=alice.headers).json())
    assert hits[1]["bookmarked"] is True
    assert hits[1]["my_status"] == "in_progress"
    assert hits[1]["bookmark_id"] == first["id"]
    assert hits[3]["my_status"] == "to_do"
    assert hits[3]["bookmark_id"] == third["id"]
    assert hits[2]["bookmarked"] is False
    assert hits[2]["my_status"] is None
    assert hits[2]["bookmark_id"] is None


def test_hit_bookmark_id_updates_status(client, catalog, alice):
    track(client, alice, catalog[2])
    hit = hits_by_number(client.get("/v1/search", headers=alice.headers).json())[2]
    response = client.put(
        f"/v1/bookmarks/{hit['bookmark_id']}",
        json={"status": "in_progress"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    hit = hits_by_number(client.get("/v1/search", headers=alice.headers).json())[2]
    assert hit["my_status"] == "in_progress"


def test_anonymous_hits_have_no_state(client, catalog, alice):
    track(client, alice, catalog[1])
    hits = hits_by_number(client.get("/v1/search").json())
    assert len(hits) == 5
    assert all(hit["bookmarked"] is None for hit in hits.values())
    assert all(hit["my_status"] is None for hit in hits.values())
    assert all(hit["bookmark_id"] is None for hit in hits.values())


def test_state_belongs_to_the_caller(client, catalog, alice, bob):
    track(client, alice, catalog[1])
    hits = hits_by_number(client.get("/v1/search", headers=bob.headers).json())
    assert hits[1]["bookmarked"] is False
    assert hits[1]["my_status"] is None
    assert hits[1]["bookmark_id"] is None


def test_state_loads_with_one_query(client, catalog, alice, statements):
    for number in (1, 2, 3):
        track(client, alice, catalog[number])
    statements.clear()
    body = client.get("/v1/search", headers=alice.headers).json()
    assert len(body["hits"]) == 5
    tracked_queries = [s for s in statements if "tracked_issue" in s]
    assert len(tracked_queries) == 1
    assert sum(hit["bookmark_id"] is not None for hit in body["hits"]) == 3


def test_signed_in_page_is_cached_without_state(client, catalog, alice):
    track(client, alice, catalog[1])
    client.get("/v1/search", headers=alice.headers)
    keys = cached_pages()
    assert len(keys) == 1
    cached = json.loads(get_redis().get(keys[0]))
    assert all(hit["bookmarked"] is None for hit in cached["hits"])
    assert all(hit["bookmark_id"] is None for hit in cached["hits"])
    hits = hits_by_number(client.get("/v1/search", headers=alice.headers).json())
    assert hits[1]["bookmarked"] is True


def test_hide_tracked_hides_and_counts(client, catalog, alice):
    track(client, alice, catalog[1])
    track(client, alice, catalog[3])
    body = client.get(
        "/v1/search", params={"hide_tracked": "true"}, headers=alice.headers
    ).json()
    assert body["total"] == 3
    assert sorted(hits_by_number(body)) == [2, 4, 5]
    languages = next(f for f in body["facets"] if f["name"] == "language")["values"]
    assert {v["value"]: v["count"] for v in languages} == {"Python": 2, "Rust": 1}
    assert cached_pages() == []


def test_hide_tracked_pages_through_all(client, catalog, alice):
    track(client, alice, catalog[2])
    params = {"hide_tracked": "true", "size": 2, "sort": "newest"}
    seen: list[int] = []
    cursor = None
    for _ in range(5):
        page_params = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(
            "/v1/search", params=page_params, headers=alice.headers
        ).json()
        assert body["total"] == 4
        seen += [hit["number"] for hit in body["hits"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [5, 4, 3, 1]


def test_hide_tracked_does_nothing_for_anonymous(client, catalog, alice):
    track(client, alice, catalog[1])
    body = client.get("/v1/search", params={"hide_tracked": "true"}).json()
    assert body["total"] == 5


def test_hidden_results_do_not_leak_into_shared_cache(client, catalog, alice):
    track(client, alice, catalog[1])
    client.get("/v1/search", params={"hide_tracked": "true"}, headers=alice.headers)
    body = client.get("/v1/search", params={"hide_tracked": "true"}).json()
    assert body["total"] == 5


def test_rank_by_preferred_languages(client, catalog, alice):
    body = client.get(
        "/v1/search", params={"rank": "preferences"}, headers=alice.headers
    ).json()
    languages = [hit["language"] for hit in body["hits"]]
    assert languages == ["Rust", "Rust", "Python", "Python", "Python"]
    assert cached_pages() == []


def test_default_rank_ignores_preferences(client, catalog, alice):
    body = client.get("/v1/search", headers=alice.headers).json()
    numbers = [hit["number"] for hit in body["hits"]]
    assert numbers == [5, 4, 3, 2, 1]


def test_completed_status_shows_in_search(client, catalog, alice):
    bookmark = track(client, alice, catalog[1], status="in_progress")
    client.put(
        f"/v1/bookmarks/{bookmark['id']}",
        json={"status": "completed", "pr_url": pull_url(7)},
        headers=alice.headers,
    )
    hits = hits_by_number(client.get("/v1/issues", headers=alice.headers).json())
    assert hits[1]["my_status"] == "completed"
