"""The GraphQL endpoint: search, issue lookup, viewer, refresh and errors."""

import pytest
from fastapi.testclient import TestClient

from search_api.app import create_app
from tests.factories import make_issue, make_repository, store_and_index
from tests.graphql_helpers import ADMIN_TOKEN, error_codes, graphql, make_user_token

SEARCH = """
query Search($q: String!, $filters: SearchFilters, $sort: SearchSort!, $first: Int!,
             $after: String) {
  search(q: $q, filters: $filters, sort: $sort, first: $first, after: $after) {
    totalCount
    pageInfo { endCursor hasNextPage }
    facets { name values { value count selected } }
    hits {
      id number title url language difficulty kinds labelNames createdAt
      repository { fullName language url stars }
      labels { name color }
      bookmarked myStatus
    }
  }
}
"""


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def catalog() -> None:
    python_repo = make_repository("acme/widgets", "Python")
    rust_repo = make_repository("ferris/crab", "Rust")
    store_and_index(
        [
            make_issue(
                1, "Fix typo in README", ("good first issue", "docs"), python_repo
            ),
            make_issue(
                2, "Add tests for parser", ("good first issue", "tests"), python_repo
            ),
            make_issue(3, "Crash on empty input", ("E-easy", "C-bug"), rust_repo),
            make_issue(4, "Document the CLI flags", ("E-easy", "T-doc"), rust_repo),
            make_issue(
                5,
                "Assigned already",
                ("good first issue",),
                python_repo,
                assignee_count=1,
            ),
        ]
    )


def search(client: TestClient, **variables) -> dict:
    defaults = {"q": "", "filters": None, "sort": "NEWEST", "first": 20, "after": None}
    return graphql(client, SEARCH, {**defaults, **variables})


def test_search_returns_hits_with_repository_and_labels(client, catalog):
    body = search(client)
    assert "errors" not in body
    result = body["data"]["search"]
    assert result["totalCount"] == 4
    assert [hit["number"] for hit in result["hits"]] == [4, 3, 2, 1]
    first = result["hits"][3]
    assert first["repository"] == {
        "fullName": "acme/widgets",
        "language": "Python",
        "url": "https://github.com/acme/widgets",
        "stars": 10,
    }
    assert first["labels"] == [
        {"name": "docs", "color": "7057ff"},
        {"name": "good first issue", "color": "7057ff"},
    ]
    assert first["bookmarked"] is None
    assert first["myStatus"] is None


def test_search_filters_and_facets(client, catalog):
    body = search(client, filters={"languages": ["Rust"], "kinds": ["docs"]})
    result = body["data"]["search"]
    assert [hit["number"] for hit in result["hits"]] == [4]
    languages = next(f for f in result["facets"] if f["name"] == "language")["values"]
    assert {v["value"]: v["count"] for v in languages} == {"Python": 1, "Rust": 1}
    assert [v["value"] for v in languages if v["selected"]] == ["Rust"]


def test_search_include_assigned(client, catalog):
    body = search(client, filters={"includeAssigned": True})
    assert body["data"]["search"]["totalCount"] == 5


def test_search_pages_with_after(client, catalog):
    first_page = search(client, first=3)["data"]["search"]
    assert first_page["pageInfo"]["hasNextPage"] is True
    cursor = first_page["pageInfo"]["endCursor"]
    second_page = search(client, first=3, after=cursor)["data"]["search"]
    assert [hit["number"] for hit in second_page["hits"]] == [1]
    assert second_page["pageInfo"] == {"endCursor": None, "hasNextPage": False}


def test_search_rejects_page_above_maximum(client, catalog):
    body = search(client, first=101)
    assert error_codes(body) == ["INVALID_PARAMETER"]
    assert body["errors"][0]["extensions"]["details"]["maximum"] == 100
    assert body["data"] is None


def test_search_rejects_cursor_of_other_search(client, catalog):
    cursor = search(client, first=1)["data"]["search"]["pageInfo"]["endCursor"]
    body = search(client, first=1, after=cursor, q="typo")
    assert error_codes(body) == ["INVALID_PARAMETER"]


def test_issue_returns_detail(client, catalog):
    hit_id = search(client, first=1)["data"]["search"]["hits"][0]["id"]
    query = """query($id: ID!) { issue(id: $id) {
        id number body state labels { name } repository { fullName } } }"""
    body = graphql(client, query, {"id": hit_id})
    issue = body["data"]["issue"]
    assert issue["number"] == 4
    assert issue["state"] == "open"
    assert issue["repository"] == {"fullName": "ferris/crab"}
    assert [label["name"] for label in issue["labels"]] == ["E-easy", "T-doc"]


def test_unknown_issue_is_not_found(client, catalog):
    body = graphql(client, '{ issue(id: "github:nope") { id } }')
    assert error_codes(body) == ["NOT_FOUND"]
    assert body["errors"][0]["path"] == ["issue"]


def test_viewer_is_null_for_anonymous_callers(client):
    assert graphql(client, "{ viewer { id } }") == {"data": {"viewer": None}}


def test_viewer_returns_token_owner(client):
    user_id, token = make_user_token()
    body = graphql(client, "{ viewer { id email role } }", token=token)
    assert body["data"]["viewer"] == {
        "id": str(user_id),
        "email": "ada@example.com",
        "role": "user",
    }


def test_viewer_with_invalid_token_is_unauthorized(client):
    body = graphql(client, "{ viewer { id } }", token="a.b.c")
    assert error_codes(body) == ["UNAUTHORIZED"]


@pytest.mark.parametrize(
    ("token", "code"),
    [(None, "UNAUTHORIZED"), ("wrong-token", "FORBIDDEN")],
)
def test_refresh_requires_admin(client, token, code):
    body = graphql(client, "mutation { refresh { jobId } }", token=token)
    assert error_codes(body) == [code]


def test_refresh_forbidden_for_plain_user(client):
    _user_id, token = make_user_token()
    body = graphql(client, "mutation { refresh { jobId } }", token=token)
    assert error_codes(body) == ["FORBIDDEN"]


def test_refresh_starts_one_job(client):
    first = graphql(client, "mutation { refresh { jobId status } }", token=ADMIN_TOKEN)
    job = first["data"]["refresh"]
    assert job["status"] == "queued"
    again = graphql(client, "mutation { refresh { jobId } }", token=ADMIN_TOKEN)
    assert again["data"]["refresh"]["jobId"] == job["jobId"]
    query = "query($id: ID!) { refreshJob(id: $id) { jobId source } }"
    progress = graphql(client, query, {"id": job["jobId"]})
    assert progress["data"]["refreshJob"] == {"jobId": job["jobId"], "source": "github"}


def test_refresh_takes_a_source(client):
    query = "mutation { refresh(source: GITLAB) { source status } }"
    body = graphql(client, query, token=ADMIN_TOKEN)
    assert body["data"]["refresh"] == {"source": "gitlab", "status": "queued"}
