"""REST and GraphQL return the same data for the same operations.

Each GraphQL query aliases its fields to the REST names, so after turning
camelCase keys into snake_case and parsing timestamps, the GraphQL result
must equal the REST body restricted to the fields the query selects.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

import pytest
from fastapi.testclient import TestClient

from alerts.delivery.in_app import store_notification
from alerts.models import AlertDelivery
from alerts.notifications import create_manual_notification
from alerts.schemas import NotifyIn
from core.database import session_scope
from search_api.app import create_app
from tests.graphql_helpers import graphql
from tests.tracking_support import Caller, index_catalog, make_caller, pull_url, track

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

ISSUE_FIELDS = """
  id source repo number title url labels: labelNames language difficulty kinds
  events assigned comment_count: commentCount stars created_at: createdAt
  updated_at: updatedAt snippet bookmarked my_status: myStatus
  bookmark_id: bookmarkId
"""
PROJECT_FIELDS = """
  id name description link member_count: memberCount my_role: myRole
  created_at: createdAt updated_at: updatedAt
"""
SAVED_SEARCH_FIELDS = """
  id name query frequency channels webhook_url: webhookUrl
  webhook_secret: webhookSecret timezone digest_hour: digestHour
  digest_weekday: digestWeekday created_at: createdAt updated_at: updatedAt
  last_alert_at: lastAlertAt
"""
NOTIFICATION_FIELDS = """
  id title body saved_search_id: savedSearchId payload created_at: createdAt
  read_at: readAt
"""
BOOKMARK_FIELDS = """
  id issue_id: issueId project_id: projectId status pr_url: prUrl notes
  created_at: createdAt updated_at: updatedAt status_changed_at: statusChangedAt
  upstream_alerts: upstreamAlerts
  issue { id repo number title url language state assigned closed_at: closedAt }
"""


@dataclass
class Operation:
    name: str
    method: str
    path: str
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    params: Any = None
    json: dict[str, Any] | None = None
    signed_in: bool = True
    # Turns the GraphQL result into the REST shape where aliases cannot.
    reshape: Callable[[Any], Any] = lambda data: data


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def normalise(value: Any) -> Any:
    if isinstance(value, dict):
        return {snake(key): normalise(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, str) and TIMESTAMP.match(value):
        return datetime.fromisoformat(value)
    return value


def restrict(rest: Any, selected: Any) -> Any:
    """Keep only the REST fields that the GraphQL query selected."""
    if isinstance(selected, dict) and isinstance(rest, dict):
        missing = set(selected) - set(rest)
        assert not missing, f"GraphQL fields missing in REST: {missing}"
        return {key: restrict(rest[key], selected[key]) for key in selected}
    if isinstance(selected, list) and isinstance(rest, list):
        assert len(rest) == len(selected)
        return [restrict(r, s) for r, s in zip(rest, selected, strict=True)]
    return rest


def counts_as_dict(data: dict[str, Any]) -> dict[str, Any]:
    counts = {entry["status"]: entry["count"] for entry in data["counts"]}
    return {**data, "counts": counts}


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def state(client) -> dict[str, Any]:
    """A user with a project and two bookmarks, one completed, over five issues."""
    ids = index_catalog()
    caller = make_caller("ada@example.com", ("Python",))
    response = client.post(
        "/v1/projects",
        json={"name": "Widgets", "description": "d"},
        headers=caller.headers,
    )
    assert response.status_code == 201, response.text
    project_id = response.json()["id"]
    first = track(client, caller, ids[1], project_id=project_id)
    second = track(client, caller, ids[2], status="in_progress")
    response = client.put(
        f"/v1/bookmarks/{second['id']}",
        json={"status": "completed", "pr_url": pull_url(9)},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text
    response = client.post(
        "/v1/saved-searches",
        json={"name": "Python docs", "query": {"q": "docs", "language": ["Python"]}},
        headers=caller.headers,
    )
    assert response.status_code == 201, response.text
    saved_search_id = response.json()["id"]
    with session_scope() as session:
        for title in ("First", "Second"):
            notice = NotifyIn(user_id=caller.user_id, title=title)
            for delivery_id in create_manual_notification(session, notice):
                delivery = session.get(AlertDelivery, delivery_id)
                assert delivery is not None
                store_notification(session, delivery)
    return {
        "caller": caller,
        "ids": ids,
        "project_id": project_id,
        "bookmark_id": first["id"],
        "saved_search_id": saved_search_id,
    }


def operations(state: dict[str, Any]) -> list[Operation]:
    search = f"""query($q: String!) {{ search(q: $q, first: 3, sort: NEWEST) {{
        total: totalCount hits {{ {ISSUE_FIELDS} }}
        facets {{ name values {{ value count selected }} }} }} }}"""
    return [
        Operation(
            "search anonymous",
            "GET",
            "/v1/search",
            search,
            {"q": ""},
            params={"size": 3, "sort": "newest"},
            signed_in=False,
        ),
        Operation(
            "search signed in",
            "GET",
            "/v1/search",
            search,
            {"q": "typo"},
            params={"q": "typo", "size": 3, "sort": "newest"},
        ),
        Operation(
            "search filtered",
            "GET",
            "/v1/search",
            """{ search(filters: {languages: ["Rust"], includeAssigned: true}) {
                total: totalCount hits { id number } } }""",
            params={"language": "Rust", "include_assigned": "true"},
        ),
        Operation(
            "issue",
            "GET",
            f"/v1/issues/{state['ids'][3]}",
            """query($id: ID!) { issue(id: $id) { id source repo number title body url
                state locked assigned labels { name color description } language
                difficulty kinds events beginner_friendly: beginnerFriendly
                comment_count: commentCount stars created_at: createdAt
                updated_at: updatedAt closed_at: closedAt } }""",
            {"id": state["ids"][3]},
        ),
        Operation(
            "profile",
            "GET",
            "/v1/profile",
            """{ profile { id email display_name: displayName role
                preferred_languages: preferredLanguages
                preferred_difficulty: preferredDifficulty has_password: hasPassword
                github { login } created_at: createdAt } }""",
        ),
        Operation(
            "projects",
            "GET",
            "/v1/projects",
            f"{{ projects(mine: true) {{ total items {{ {PROJECT_FIELDS} }} }} }}",
            params={"mine": "true"},
        ),
        Operation(
            "project",
            "GET",
            f"/v1/projects/{state['project_id']}",
            f"query($id: Int!) {{ project(id: $id) {{ {PROJECT_FIELDS} }} }}",
            {"id": state["project_id"]},
        ),
        Operation(
            "bookmarks",
            "GET",
            "/v1/bookmarks",
            f"{{ bookmarks {{ total items {{ {BOOKMARK_FIELDS} }} }} }}",
        ),
        Operation(
            "bookmarks by status",
            "GET",
            "/v1/bookmarks",
            f"""{{ bookmarks(status: completed) {{
                total items {{ {BOOKMARK_FIELDS} }} }} }}""",
            params={"status": "completed"},
        ),
        Operation(
            "bookmark with history",
            "GET",
            f"/v1/bookmarks/{state['bookmark_id']}",
            f"""query($id: Int!) {{ bookmark(id: $id) {{ {BOOKMARK_FIELDS}
                history {{ from_status: fromStatus to_status: toStatus
                changed_at: changedAt }} }} }}""",
            {"id": state["bookmark_id"]},
        ),
        Operation(
            "dashboard",
            "GET",
            "/v1/dashboard",
            """{ dashboard { counts { status count }
                completions_per_month: completionsPerMonth { month count }
                languages { name count } repositories { name count }
                current_streak_days: currentStreakDays
                last_active_on: lastActiveOn } }""",
            reshape=counts_as_dict,
        ),
        Operation(
            "analytics",
            "GET",
            "/v1/analytics",
            """{ analytics(period: week) { period bucket since
                generated_at: generatedAt issues_indexed: issuesIndexed { start count }
                issues_by_language: issuesByLanguage { value count }
                issues_by_difficulty: issuesByDifficulty { value count }
                most_bookmarked_repositories: mostBookmarkedRepositories {
                    repo bookmarks }
                completions { start count } } }""",
            params={"period": "week"},
        ),
        Operation(
            "saved searches",
            "GET",
            "/v1/saved-searches",
            f"{{ savedSearches {{ {SAVED_SEARCH_FIELDS} }} }}",
            reshape=lambda data: {"items": data},
        ),
        Operation(
            "saved search",
            "GET",
            f"/v1/saved-searches/{state['saved_search_id']}",
            f"""query($id: Int!) {{ savedSearch(id: $id) {{
                {SAVED_SEARCH_FIELDS} }} }}""",
            {"id": state["saved_search_id"]},
        ),
        Operation(
            "notifications",
            "GET",
            "/v1/notifications",
            f"""{{ notifications(unreadOnly: true, first: 1) {{
                unread_count: unreadCount items {{ {NOTIFICATION_FIELDS} }} }} }}""",
            params={"unread": "true", "limit": 1},
        ),
        Operation(
            "unread notification count",
            "GET",
            "/v1/notifications",
            "{ unreadNotificationCount }",
            reshape=lambda count: {"unread_count": count},
        ),
    ]


def test_rest_and_graphql_return_same_data(client, state):
    caller: Caller = state["caller"]
    token = caller.headers["Authorization"].removeprefix("Bearer ")
    for operation in operations(state):
        headers = caller.headers if operation.signed_in else {}
        response = client.request(
            operation.method,
            operation.path,
            params=operation.params,
            json=operation.json,
            headers=headers,
        )
        assert response.status_code == 200, f"{operation.name}: {response.text}"
        body = graphql(
            client,
            operation.query,
            operation.variables,
            token=token if operation.signed_in else None,
        )
        assert "errors" not in body, f"{operation.name}: {body.get('errors')}"
        (data,) = body["data"].values()
        selected = normalise(operation.reshape(data))
        rest = normalise(response.json())
        assert restrict(rest, selected) == selected, operation.name


@pytest.mark.parametrize(
    ("name", "rest_status", "graphql_code"),
    [
        ("invalid transition", 400, "INVALID_PARAMETER"),
        ("unknown bookmark", 404, "NOT_FOUND"),
        ("duplicate bookmark", 409, "CONFLICT"),
    ],
)
def test_rest_and_graphql_fail_alike(client, state, name, rest_status, graphql_code):
    caller: Caller = state["caller"]
    token = caller.headers["Authorization"].removeprefix("Bearer ")
    bookmark_id = state["bookmark_id"]
    update = """mutation($id: Int!, $input: BookmarkUpdateInput!) {
        updateBookmark(id: $id, input: $input) { id } }"""
    create = """mutation($input: BookmarkCreateInput!) {
        createBookmark(input: $input) { id } }"""
    cases = {
        "invalid transition": (
            ("PUT", f"/v1/bookmarks/{bookmark_id}", {"status": "completed"}),
            (update, {"id": bookmark_id, "input": {"status": "completed"}}),
        ),
        "unknown bookmark": (
            ("PUT", "/v1/bookmarks/999999", {"notes": "x"}),
            (update, {"id": 999999, "input": {"notes": "x"}}),
        ),
        "duplicate bookmark": (
            ("POST", "/v1/bookmarks", {"issue_id": state["ids"][1]}),
            (create, {"input": {"issueId": state["ids"][1]}}),
        ),
    }
    (method, path, payload), (query, variables) = cases[name]

    response = client.request(method, path, json=payload, headers=caller.headers)
    assert response.status_code == rest_status
    rest_error = response.json()["error"]

    body = graphql(client, query, variables, token=token)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == graphql_code
    assert error["message"] == rest_error["message"]
    assert error["extensions"]["details"] == rest_error["details"]
