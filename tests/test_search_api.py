"""Search over the real Elasticsearch node through the REST API."""

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from tests.factories import make_issue, make_repository, store_and_index


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def catalog() -> None:
    """Eight searchable issues over three repositories, plus ones that are not."""
    python_repo = make_repository("acme/widgets", "Python")
    rust_repo = make_repository("ferris/crab", "Rust")
    bare_repo = make_repository("plain/notes", None)
    store_and_index(
        [
            make_issue(1, "Fix typo in README", ("good first issue", "docs"), python_repo),
            make_issue(2, "Add tests for parser", ("good first issue", "tests"), python_repo),
            make_issue(3, "Crash on empty input", ("E-easy", "C-bug"), rust_repo),
            make_issue(4, "Document the CLI flags", ("E-easy", "T-doc"), rust_repo),
            make_issue(5, "Spelling in notes", ("beginner",), bare_repo),
            make_issue(6, "Assigned already", ("good first issue",), python_repo, assignee_count=1),
            make_issue(7, "Closed one", ("good first issue",), python_repo, state="closed"),
            make_issue(8, "Needs a design", ("help wanted",), python_repo),
            make_issue(9, "Locked thread", ("good first issue",), python_repo, locked=True),
        ]
    )


def facet(body: dict, name: str) -> dict[str, int]:
    values = next(f for f in body["facets"] if f["name"] == name)["values"]
    return {value["value"]: value["count"] for value in values}


def test_search_serves_only_open_unassigned_beginner_issues(client, catalog):
    body = client.get("/v1/search").json()
    numbers = sorted(hit["number"] for hit in body["hits"])
    assert numbers == [1, 2, 3, 4, 5]
    assert body["total"] == 5


def test_search_include_assigned_shows_assigned(client, catalog):
    body = client.get("/v1/search", params={"include_assigned": "true"}).json()
    assert body["total"] == 6
    assert any(hit["assigned"] for hit in body["hits"])


def test_full_text_ranks_title_match_first(client, catalog):
    body = client.get("/v1/search", params={"q": "typo readme"}).json()
    assert body["hits"][0]["number"] == 1
    assert body["hits"][0]["snippet"] is None or "<mark>" in body["hits"][0]["snippet"]


def test_full_text_tolerates_a_typo(client, catalog):
    body = client.get("/v1/search", params={"q": "documnet"}).json()
    assert [hit["number"] for hit in body["hits"]] == [4]


def test_facet_values_combine_with_or_inside_and_across(client, catalog):
    params = [("language", "Python"), ("language", "Rust"), ("kind", "docs")]
    body = client.get("/v1/search", params=params).json()
    assert sorted(hit["number"] for hit in body["hits"]) == [1, 4]


def test_facet_counts_ignore_their_own_selection(client, catalog):
    body = client.get("/v1/search", params={"language": "Rust"}).json()
    assert body["total"] == 2
    assert facet(body, "language") == {"Python": 2, "Rust": 2, "(none)": 1}
    assert facet(body, "kind") == {"bug": 1, "docs": 1}
    selected = [v for f in body["facets"] if f["name"] == "language" for v in f["values"] if v["selected"]]
    assert [v["value"] for v in selected] == ["Rust"]


def test_no_language_bucket_filters(client, catalog):
    body = client.get("/v1/search", params={"language": "(none)"}).json()
    assert [hit["number"] for hit in body["hits"]] == [5]
    assert body["hits"][0]["language"] is None


def test_facet_values_round_trip_any_characters(client):
    odd_labels = ('good first issue', 'needs "quotes", commas & slashes/ü', '🐛 bug')
    repo = make_repository("odd/chars-repo", "C++")
    store_and_index([make_issue(1, "Odd labels", odd_labels, repo)])
    body = client.get("/v1/search").json()
    for value in facet(body, "label"):
        narrowed = client.get("/v1/search", params={"label": value}).json()
        assert narrowed["total"] == 1, value
    assert client.get("/v1/search", params={"language": "C++"}).json()["total"] == 1


def test_selected_value_without_hits_stays_listed(client, catalog):
    body = client.get("/v1/search", params={"label": "no-such-label"}).json()
    assert body["total"] == 0
    assert facet(body, "label")["no-such-label"] == 0


def test_sort_newest_is_stable(client, catalog):
    body = client.get("/v1/search", params={"sort": "newest"}).json()
    assert [hit["number"] for hit in body["hits"]] == [5, 4, 3, 2, 1]


def test_cursor_paging_returns_every_hit_once(client):
    repo = make_repository("many/issues", "Go")
    # Equal creation times force the tie-breaker to order the pages.
    issues = [make_issue(n, f"Issue {n}", repository=repo, age_days=n) for n in range(1, 24)]
    store_and_index(issues)
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params = {"size": 5, "sort": "newest"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/v1/search", params=params).json()
        seen += [hit["number"] for hit in body["hits"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == list(range(1, 24))
    assert len(seen) == len(set(seen))


def test_cursor_paging_by_relevance_returns_every_hit_once(client):
    repo = make_repository("many/words", "Go")
    issues = [make_issue(n, "Parser word" + " word" * (n % 4), repository=repo) for n in range(1, 15)]
    store_and_index(issues)
    seen: list[int] = []
    cursor = None
    for _ in range(10):
        params = {"size": 4, "q": "parser word"}
        if cursor:
            params["cursor"] = cursor
        body = client.get("/v1/search", params=params).json()
        seen += [hit["number"] for hit in body["hits"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == list(range(1, 15))


def test_cursor_of_another_search_is_rejected(client, catalog):
    first = client.get("/v1/search", params={"size": 2}).json()
    response = client.get(
        "/v1/search", params={"size": 2, "language": "Rust", "cursor": first["next_cursor"]}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("cursor", ["garbage", "eyJ2IjoxfQ", "-1", "%%%"])
def test_invalid_cursor_gets_clear_error(client, catalog, cursor):
    response = client.get("/v1/search", params={"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["error"]["message"]


def test_page_size_above_cap_is_rejected(client, catalog):
    response = client.get("/v1/search", params={"size": 10_000})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["maximum"] == 100


@pytest.mark.parametrize(
    "params",
    [{"size": 0}, {"sort": "sideways"}, {"freshness": "decade"}, {"created_after": "yesterday"}],
)
def test_invalid_parameters_use_the_error_format(client, catalog, params):
    response = client.get("/v1/search", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["message"].startswith("invalid query.")


def test_injection_text_is_searched_as_words(client, catalog):
    for text in ['title:*', '") OR 1=1 --', '{"match_all":{}}', "<script>", "a" * 500]:
        response = client.get("/v1/search", params={"q": text})
        assert response.status_code == 200, text


def test_freshness_filter_and_counts(client):
    from datetime import datetime, timedelta, timezone

    now = datetime.now(timezone.utc)
    repo = make_repository("fresh/repo", "Python")
    store_and_index(
        [
            make_issue(1, "Recent", repository=repo, updated_at=now - timedelta(hours=2)),
            make_issue(2, "Older", repository=repo, updated_at=now - timedelta(days=20)),
            make_issue(3, "Ancient", repository=repo, updated_at=now - timedelta(days=900)),
        ]
    )
    body = client.get("/v1/search", params={"freshness": "week"}).json()
    assert [hit["number"] for hit in body["hits"]] == [1]
    assert facet(body, "freshness") == {"day": 1, "week": 1, "month": 2, "year": 2}


def test_cache_is_dropped_when_the_index_changes(client, catalog):
    assert client.get("/v1/search").json()["total"] == 5
    store_and_index([make_issue(20, "Brand new issue")])
    assert client.get("/v1/search").json()["total"] == 6


def test_issue_detail_and_missing_issue(client, catalog):
    hit = client.get("/v1/search", params={"q": "typo"}).json()["hits"][0]
    detail = client.get(f"/v1/issues/{hit['id']}").json()
    assert detail["title"] == "Fix typo in README"
    assert [label["name"] for label in detail["labels"]] == ["docs", "good first issue"]
    missing = client.get("/v1/issues/github:I_nothing")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    malformed = client.get("/v1/issues/no-colon")
    assert malformed.status_code == 400


def test_issues_endpoint_matches_search(client, catalog):
    assert client.get("/v1/issues").json()["total"] == client.get("/v1/search").json()["total"]


def edited_cursor(cursor: str, **changes) -> str:
    import base64
    import json

    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data.update(changes)
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "changes",
    [
        {"after": [{}]},
        {"after": [1]},
        {"after": ["x", "y", "z"]},
        {"after": [1e308, 10**30, "z"]},
        {"after": [None, None, None]},
        {"pit": "bogus"},
        {"v": True},
        {"v": 1.0},
    ],
)
def test_edited_cursor_is_rejected_as_invalid(client, catalog, changes):
    cursor = client.get("/v1/search", params={"size": 2}).json()["next_cursor"]
    response = client.get("/v1/search", params={"size": 2, "cursor": edited_cursor(cursor, **changes)})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"] == {"parameter": "cursor"}


def test_last_full_page_has_no_next_cursor(client, catalog):
    first = client.get("/v1/search", params={"size": 3, "sort": "newest"}).json()
    second = client.get(
        "/v1/search", params={"size": 3, "sort": "newest", "cursor": first["next_cursor"]}
    ).json()
    assert len(first["hits"]) + len(second["hits"]) == 5
    exact = client.get("/v1/search", params={"size": 5}).json()
    assert exact["next_cursor"] is None


def test_first_page_cursor_holds_no_snapshot(client, catalog):
    import base64
    import json

    def pit_of(cursor: str) -> str:
        return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["pit"]

    first = client.get("/v1/search", params={"size": 2}).json()["next_cursor"]
    assert pit_of(first) == ""
    second = client.get("/v1/search", params={"size": 2, "cursor": first}).json()
    assert pit_of(second["next_cursor"]) != ""


def test_nul_character_in_ids_is_rejected(client, catalog):
    assert client.get("/v1/issues/github:%00").status_code == 400
    assert client.get("/v1/refresh/%00").status_code == 400


def test_cached_first_page_matches_a_fresh_one(client, catalog):
    from search_api.params import SearchParams
    from search_api.service import _run_search

    first = client.get("/v1/search", params={"q": "parser"})
    second = client.get("/v1/search", params={"q": "parser"})
    params = SearchParams(q="parser")
    fresh = _run_search(params, params.fingerprint(), None, None)
    assert first.headers["content-type"] == "application/json"
    assert second.content == first.content
    assert second.json() == fresh.model_dump(mode="json")


def test_facets_with_same_filters_share_bucket():
    from search_api.params import SearchParams
    from search_api.query_builder import FACET_NAMES, facet_aggregations

    assert not any(name.startswith("_") for name in FACET_NAMES)

    unfiltered = facet_aggregations(SearchParams())
    assert set(unfiltered) == set(FACET_NAMES)

    both = facet_aggregations(
        SearchParams(facets={"language": ("Python",), "label": ("docs",)})
    )
    assert set(both) == {"_unselected", "_without_language", "_without_label"}
    assert set(both["_unselected"]["aggs"]) == set(FACET_NAMES) - {"language", "label"}
    assert both["_without_language"]["filter"]["bool"]["filter"] == [
        {"terms": {"labels": ["docs"]}}
    ]
