"""The fake GitHub GraphQL server over real HTTP on 127.0.0.1."""

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from fakes.github.rate_limit import RateLimiter
from fakes.github.records import encode_node_id, label_color
from fakes.github.server_thread import RunningFakeGitHub, run_fake_github
from fakes.github.testing import TOKEN_HEADERS, make_record, post_graphql
from indexer.github.queries import COUNT_ISSUES, ISSUES_BY_ID, SEARCH_ISSUES

FIXTURE_RECORDS = [
    make_record(
        "acme/widgets",
        1,
        title="Fix typo in README",
        labels=[{"name": "good first issue", "color": "7057ff", "description": "Easy"}],
        created_at="2024-03-10",
        comments=3,
        assignees=["octocat"],
        stars=42,
        repo_description="Widgets for everyone",
    ),
    make_record(
        "acme/widgets",
        2,
        title="Add tests for parser",
        labels=["help wanted"],
        created_at="2024-03-12T08:30:00Z",
        state="closed",
        closed_at="2024-04-01T10:00:00Z",
    ),
    make_record("acme/widgets", 3, title="Speed up build", is_pull_request=True),
    make_record(
        "other/tool", 7, title="Crash on start", language="Rust", created_at=None
    ),
]


@pytest.fixture
def server() -> Iterator[RunningFakeGitHub]:
    with run_fake_github(records=FIXTURE_RECORDS) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as http_client:
        yield http_client


def search(
    client: httpx.Client, server: RunningFakeGitHub, query: str, first: int = 10
) -> dict[str, Any]:
    response = post_graphql(
        client, server.graphql_url, SEARCH_ISSUES, {"query": query, "first": first}
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_search_document_returns_issue_fields(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    data = search(client, server, "repo:acme/widgets is:issue is:open")

    assert data["search"]["issueCount"] == 1
    issue = data["search"]["nodes"][0]
    assert issue["__typename"] == "Issue"
    assert issue["id"] == encode_node_id("I_", "acme/widgets#1")
    assert issue["number"] == 1
    assert issue["title"] == "Fix typo in README"
    assert issue["url"] == "https://github.com/acme/widgets/issues/1"
    assert issue["state"] == "OPEN"
    assert issue["createdAt"] == "2024-03-10T00:00:00Z"
    assert issue["updatedAt"] == "2024-03-10T00:00:00Z"
    assert issue["closedAt"] is None
    assert issue["locked"] is False
    assert issue["comments"] == {"totalCount": 3}
    assert issue["assignees"] == {"totalCount": 1}
    assert issue["labels"]["nodes"] == [
        {"name": "good first issue", "color": "7057ff", "description": "Easy"}
    ]
    repository = issue["repository"]
    assert repository["id"] == encode_node_id("R_", "acme/widgets")
    assert repository["name"] == "widgets"
    assert repository["nameWithOwner"] == "acme/widgets"
    assert repository["url"] == "https://github.com/acme/widgets"
    assert repository["description"] == "Widgets for everyone"
    assert repository["isArchived"] is False
    assert repository["stargazerCount"] == 42
    assert repository["owner"] == {"login": "acme"}
    assert repository["primaryLanguage"] == {"name": "Python"}
    assert repository["createdAt"] == "2024-03-10T00:00:00Z"


def test_search_document_reports_rate_limit(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    data = search(client, server, "is:issue")

    rate_limit = data["rateLimit"]
    assert rate_limit["limit"] == 5000
    assert rate_limit["remaining"] == 4999
    assert rate_limit["used"] == 1
    assert rate_limit["cost"] == 1
    assert rate_limit["resetAt"].endswith("Z")


def test_closed_issue_has_closed_at(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    data = search(client, server, "repo:acme/widgets is:closed")

    nodes = data["search"]["nodes"]
    assert [node["number"] for node in nodes] == [2]
    assert nodes[0]["state"] == "CLOSED"
    assert nodes[0]["closedAt"] == "2024-04-01T10:00:00Z"
    assert nodes[0]["updatedAt"] == "2024-04-01T10:00:00Z"
    assert nodes[0]["labels"]["nodes"][0]["color"] == label_color("help wanted")


def test_missing_created_at_uses_fallback(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    data = search(client, server, "repo:other/tool")

    assert data["search"]["nodes"][0]["createdAt"] == "2008-04-10T00:00:00Z"


def test_pull_request_node_has_own_typename(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    data = search(client, server, "repo:acme/widgets is:pr")

    assert data["search"]["issueCount"] == 1
    assert data["search"]["nodes"] == [{"__typename": "PullRequest"}]


def test_count_document_returns_total(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    response = post_graphql(
        client, server.graphql_url, COUNT_ISSUES, {"query": "is:issue"}
    )

    body = response.json()
    assert "errors" not in body
    assert body["data"]["search"] == {"issueCount": 3}
    assert body["data"]["rateLimit"]["used"] == 1


def test_issues_by_id_document_returns_nodes(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    ids = [encode_node_id("I_", "acme/widgets#2"), encode_node_id("I_", "other/tool#7")]

    response = post_graphql(client, server.graphql_url, ISSUES_BY_ID, {"ids": ids})

    body = response.json()
    assert "errors" not in body
    nodes = body["data"]["nodes"]
    assert [node["number"] for node in nodes] == [2, 7]
    assert nodes[1]["repository"]["primaryLanguage"] == {"name": "Rust"}


def test_issues_by_id_unknown_id_is_null(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    ids = [
        encode_node_id("I_", "acme/widgets#1"),
        encode_node_id("I_", "acme/widgets#99"),
    ]

    response = post_graphql(client, server.graphql_url, ISSUES_BY_ID, {"ids": ids})

    body = response.json()
    assert body["data"]["nodes"][0]["number"] == 1
    assert body["data"]["nodes"][1] is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["nodes", 1]


def test_node_lookup_for_pull_request_id(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    node_id = encode_node_id("PR_", "acme/widgets#3")
    query = (
        "query($id: ID!) { node(id: $id) { __typename ... on PullRequest { number } } }"
    )

    body = post_graphql(client, server.graphql_url, query, {"id": node_id}).json()

    assert body["data"]["node"] == {"__typename": "PullRequest", "number": 3}


def test_repository_issues_connection(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    query = """
    query {
      repository(owner: "acme", name: "widgets") {
        nameWithOwner
        issues(first: 10, states: [OPEN, CLOSED], labels: ["Help Wanted", "x"]) {
          totalCount
          nodes { number state }
        }
        all: issues(first: 1) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { number }
        }
      }
    }
    """

    body = post_graphql(client, server.graphql_url, query).json()

    assert "errors" not in body, body
    repository = body["data"]["repository"]
    assert repository["issues"] == {
        "totalCount": 1,
        "nodes": [{"number": 2, "state": "CLOSED"}],
    }
    assert repository["all"]["totalCount"] == 2
    assert repository["all"]["nodes"] == [{"number": 1}]
    assert repository["all"]["pageInfo"]["hasNextPage"] is True


def test_repository_unknown_is_not_found(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    query = '{ repository(owner: "nobody", name: "nothing") { id } }'

    body = post_graphql(client, server.graphql_url, query).json()

    assert body["data"] == {"repository": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["repository"]


def test_unknown_field_rejected_like_github(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    query = """query Broken {
  search(query: "x", type: ISSUE, first: 1) {
    issueCount
    bogus
  }
}"""

    response = post_graphql(client, server.graphql_url, query)

    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": (
                "Field 'bogus' doesn't exist on type 'SearchResultItemConnection'"
            ),
            "locations": [{"line": 4, "column": 5}],
            "path": ["query Broken", "search", "bogus"],
            "extensions": {
                "code": "undefinedField",
                "typeName": "SearchResultItemConnection",
                "fieldName": "bogus",
            },
        }
    ]


def test_invalid_document_is_not_charged(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    post_graphql(client, server.graphql_url, "{ viewer { nope } }")

    assert server.fake.rate_limiter.peek().used == 0


def test_unknown_argument_rejected(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    query = '{ search(query: "x", type: ISSUE, first: 1, bogus: 1) { issueCount } }'

    body = post_graphql(client, server.graphql_url, query).json()

    assert (
        body["errors"][0]["message"] == "Field 'search' doesn't accept argument 'bogus'"
    )
    assert body["errors"][0]["extensions"]["code"] == "argumentNotAccepted"


def test_syntax_error_has_location(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    body = post_graphql(client, server.graphql_url, "{ search(").json()

    assert "data" not in body
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 10}]


@pytest.mark.parametrize("first", [0, 101])
def test_first_outside_range_rejected(
    server: RunningFakeGitHub, client: httpx.Client, first: int
) -> None:
    response = post_graphql(
        client, server.graphql_url, SEARCH_ISSUES, {"query": "is:issue", "first": first}
    )

    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["type"] == "EXCESSIVE_PAGINATION"
    assert "`search`" in body["errors"][0]["message"]


def test_missing_first_rejected_for_nodes(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    query = '{ search(query: "x", type: ISSUE) { nodes { __typename } } }'

    body = post_graphql(client, server.graphql_url, query).json()

    assert body["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"


def test_missing_query_attribute(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    response = client.post(
        server.graphql_url, json={"variables": {}}, headers=TOKEN_HEADERS
    )

    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {"message": "A query attribute must be specified and must be a string."}
        ]
    }


def test_invalid_json_body(server: RunningFakeGitHub, client: httpx.Client) -> None:
    response = client.post(
        server.graphql_url, content=b"{not json", headers=TOKEN_HEADERS
    )

    assert response.status_code == 400
    assert response.json()["message"] == "Problems parsing JSON"


# Authentication


def test_missing_token_rejected(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    response = post_graphql(
        client, server.graphql_url, COUNT_ISSUES, {"query": "x"}, {}
    )

    assert response.status_code == 401
    assert (
        response.json()["message"] == "This endpoint requires you to be authenticated."
    )


def test_malformed_token_rejected(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    headers = {"Authorization": "bearer"}

    response = post_graphql(
        client, server.graphql_url, COUNT_ISSUES, {"query": "x"}, headers
    )

    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"


def test_unlisted_token_rejected(client: httpx.Client) -> None:
    with run_fake_github(records=FIXTURE_RECORDS, valid_tokens={"good"}) as running:
        bad = post_graphql(client, running.graphql_url, COUNT_ISSUES, {"query": "x"})
        good = post_graphql(
            client,
            running.graphql_url,
            COUNT_ISSUES,
            {"query": "x"},
            {"Authorization": "token good"},
        )

    assert bad.status_code == 401
    assert bad.json()["message"] == "Bad credentials"
    assert good.status_code == 200


def test_token_optional_when_configured(client: httpx.Client) -> None:
    with run_fake_github(records=FIXTURE_RECORDS, require_token=False) as running:
        response = post_graphql(
            client, running.graphql_url, COUNT_ISSUES, {"query": "is:issue"}, {}
        )

    assert response.status_code == 200
    assert response.json()["data"]["search"]["issueCount"] == 3


# Rate limits


def test_rate_limit_headers_decrease(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    first = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
    second = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})

    assert first.headers["x-ratelimit-limit"] == "5000"
    assert first.headers["x-ratelimit-remaining"] == "4999"
    assert second.headers["x-ratelimit-remaining"] == "4998"
    assert second.headers["x-ratelimit-used"] == "2"
    assert second.headers["x-ratelimit-resource"] == "graphql"
    reset = int(second.headers["x-ratelimit-reset"])
    assert time.time() < reset <= time.time() + 3600
    assert second.json()["data"]["rateLimit"]["remaining"] == 4998


def test_rate_limit_exhaustion(client: httpx.Client) -> None:
    with run_fake_github(records=FIXTURE_RECORDS, rate_limit=2) as running:
        responses = [
            post_graphql(client, running.graphql_url, COUNT_ISSUES, {"query": "x"})
            for _ in range(3)
        ]
        stats = running.fake.stats.snapshot()

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert responses[1].json()["data"]["rateLimit"]["remaining"] == 0
    limited = responses[2]
    assert limited.headers["x-ratelimit-remaining"] == "0"
    assert limited.json() == {
        "errors": [
            {
                "type": "RATE_LIMITED",
                "message": "API rate limit exceeded for user ID 1.",
            }
        ]
    }
    assert stats["by_outcome"] == {"ok": 2, "rate_limited": 1}


def test_rate_limit_window_resets(client: httpx.Client) -> None:
    now = [1_700_000_000.0]
    limiter = RateLimiter(1, window_seconds=60, clock=lambda: now[0])
    with run_fake_github(records=FIXTURE_RECORDS, rate_limiter=limiter) as running:
        post_graphql(client, running.graphql_url, COUNT_ISSUES, {"query": "x"})
        limited = post_graphql(
            client, running.graphql_url, COUNT_ISSUES, {"query": "x"}
        )
        now[0] += 61
        after_reset = post_graphql(
            client, running.graphql_url, COUNT_ISSUES, {"query": "x"}
        )

    assert limited.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert limited.headers["x-ratelimit-reset"] == "1700000060"
    assert after_reset.json()["data"]["rateLimit"]["remaining"] == 0
    assert after_reset.headers["x-ratelimit-reset"] == "1700000121"


def test_rate_limit_control_endpoint(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    control = client.post(f"{server.base_url}/_fake/rate-limit", json={"remaining": 0})
    response = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})

    assert control.json()["remaining"] == 0
    assert response.json()["errors"][0]["type"] == "RATE_LIMITED"


# Faults


def test_server_error_fault(server: RunningFakeGitHub, client: httpx.Client) -> None:
    server.fake.faults.fail_next(2, status=503)

    statuses = [
        post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
        for _ in range(3)
    ]

    assert [response.status_code for response in statuses] == [503, 503, 200]
    assert statuses[0].headers["content-type"].startswith("text/html")
    assert "503 Service Unavailable" in statuses[0].text
    assert server.fake.stats.snapshot()["by_outcome"] == {"server_error": 2, "ok": 1}


def test_fraction_fault_is_seeded(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    server.fake.faults.fail_fraction(0.5, status=502, count=None)

    statuses = [
        post_graphql(
            client, server.graphql_url, COUNT_ISSUES, {"query": "x"}
        ).status_code
        for _ in range(40)
    ]

    assert statuses.count(502) > 5
    assert statuses.count(200) > 5
    assert set(statuses) == {200, 502}


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_fault(
    server: RunningFakeGitHub, client: httpx.Client, status: int
) -> None:
    server.fake.faults.secondary_rate_limit(status=status, retry_after=7)

    limited = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
    after = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})

    assert limited.status_code == status
    assert limited.headers["retry-after"] == "7"
    assert limited.headers["x-ratelimit-remaining"] == "5000"
    assert limited.json()["message"].startswith(
        "You have exceeded a secondary rate limit."
    )
    assert "documentation_url" in limited.json()
    assert after.status_code == 200


def test_secondary_rate_limit_without_retry_after(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    server.fake.faults.secondary_rate_limit(retry_after=None)

    limited = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})

    assert limited.status_code == 403
    assert "retry-after" not in limited.headers


def test_slow_fault_delays_answer(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    server.fake.faults.slow(0.5)

    started = time.monotonic()
    slow = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
    slow_seconds = time.monotonic() - started
    started = time.monotonic()
    fast = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
    fast_seconds = time.monotonic() - started

    assert slow.status_code == 200
    assert slow_seconds >= 0.5
    assert fast.status_code == 200
    assert fast_seconds < 0.5
    assert server.fake.stats.snapshot()["delayed"] == 1


def test_slow_fault_times_out_client(server: RunningFakeGitHub) -> None:
    server.fake.faults.slow(1.0)

    with httpx.Client(timeout=0.3) as impatient, pytest.raises(httpx.ReadTimeout):
        post_graphql(impatient, server.graphql_url, COUNT_ISSUES, {"query": "x"})


def test_slow_fault_delay_is_bounded(server: RunningFakeGitHub) -> None:
    with pytest.raises(ValueError, match="slow delay"):
        server.fake.faults.slow(3600)


def test_malformed_fault_truncates_json(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    server.fake.faults.malformed()

    response = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    assert server.fake.stats.snapshot()["by_outcome"] == {"malformed": 1}


def test_fault_control_endpoint(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    added = client.post(
        f"{server.base_url}/_fake/faults",
        json={"kind": "server_error", "count": 1, "status": 502},
    )
    failed = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
    client.post(
        f"{server.base_url}/_fake/faults",
        json={"kind": "secondary_rate_limit", "count": None, "status": 429},
    )
    reset = client.post(f"{server.base_url}/_fake/faults", json={"kind": "reset"})
    recovered = post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})

    assert added.status_code == 200
    assert added.json()["active"][0]["kind"] == "server_error"
    assert failed.status_code == 502
    assert reset.json() == {"active": []}
    assert recovered.status_code == 200


def test_fault_control_rejects_invalid_status(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    response = client.post(
        f"{server.base_url}/_fake/faults", json={"kind": "server_error", "status": 200}
    )

    assert response.status_code == 422
    assert server.fake.faults.active() == []


# Test controls for data and counts


def test_records_endpoint_adds_and_replaces(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    new = make_record("acme/widgets", 50, title="Brand new")
    replaced = make_record("acme/widgets", 1, title="Renamed", state="closed")

    response = client.post(f"{server.base_url}/_fake/records", json=[new, replaced])
    data = search(client, server, "repo:acme/widgets is:issue")

    assert response.json() == {"stored": 2, "total": 5}
    titles = {node["number"]: node["title"] for node in data["search"]["nodes"]}
    assert titles == {50: "Brand new", 1: "Renamed", 2: "Add tests for parser"}


def test_records_endpoint_rejects_invalid(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    response = client.post(f"{server.base_url}/_fake/records", json={"repo": "bad"})

    assert response.status_code == 422
    assert "repo must be 'owner/name'" in response.json()["detail"]


def test_stats_endpoint_counts_outcomes(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"})
    post_graphql(client, server.graphql_url, "{ nope }")
    post_graphql(client, server.graphql_url, COUNT_ISSUES, {"query": "x"}, {})

    stats = client.get(f"{server.base_url}/_fake/stats").json()

    assert stats["total"] == 3
    assert stats["by_outcome"] == {"ok": 1, "graphql_error": 1, "unauthorized": 1}
    assert stats["by_operation"] == {"CountIssues": 1}


def test_store_changes_visible_live(
    server: RunningFakeGitHub, client: httpx.Client
) -> None:
    store = server.fake.store

    store.close_issue("acme/widgets", 1)
    store.assign("other/tool", 7, ["mona"])
    store.relabel("other/tool", 7, ["bug", {"name": "good first issue"}])
    store.archive_repo("other/tool")

    assert search(client, server, "is:issue is:open")["search"]["issueCount"] == 1
    unassigned = search(client, server, "is:issue no:assignee")["search"]["nodes"]
    assert [node["number"] for node in unassigned] == [2]
    assert (
        search(client, server, "archived:false is:issue")["search"]["issueCount"] == 2
    )
    node = search(client, server, "repo:other/tool")["search"]["nodes"][0]
    assert node["assignees"] == {"totalCount": 1}
    assert [label["name"] for label in node["labels"]["nodes"]] == [
        "bug",
        "good first issue",
    ]
    assert node["repository"]["isArchived"] is True


def test_demo_data_file_serves(client: httpx.Client) -> None:
    data_path = (
        Path(__file__).resolve().parents[2] / "shared" / "data" / "github_issues.jsonl"
    )
    if not data_path.is_file():
        pytest.skip(f"demo data not found at {data_path}")

    started = time.monotonic()
    with run_fake_github(data_path) as running:
        load_seconds = time.monotonic() - started
        total = post_graphql(client, running.graphql_url, COUNT_ISSUES, {"query": ""})
        good_first = post_graphql(
            client,
            running.graphql_url,
            SEARCH_ISSUES,
            {"query": 'is:issue label:"good first issue"', "first": 100},
        )
        record_count = len(running.fake.store)

    assert load_seconds < 10
    assert total.json()["data"]["search"]["issueCount"] == record_count
    body = good_first.json()
    assert "errors" not in body
    for node in body["data"]["search"]["nodes"]:
        names = [label["name"].lower() for label in node["labels"]["nodes"]]
        assert "good first issue" in names


def test_document_cache_keeps_only_valid_documents():
    from fakes.github.app import FakeGitHub
    from fakes.github.records import IssueStore
    from fakes.github.schema import load_github_schema

    fake = FakeGitHub(IssueStore([]), load_github_schema())
    first, errors = fake.validated_document(COUNT_ISSUES)
    again, _ = fake.validated_document(COUNT_ISSUES)
    assert errors == []
    assert again is first

    broken = "query { search(type: ISSUE, first: 1) { issueCount } }"
    for _ in range(2):
        document, errors = fake.validated_document(broken)
        assert document is None
        assert "query" in errors[0]["message"]
