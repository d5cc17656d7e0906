"""Bookmarks: creation, status transitions, pull-request checks, upstream state."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.database import session_scope
from indexer.models import Issue
from search_api.app import create_app
from tests.tracking_support import Caller, index_catalog, make_caller, pull_url, track
from tracking.models import StatusTransition, TrackedIssue


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def catalog() -> dict[int, str]:
    return index_catalog()


@pytest.fixture
def alice() -> Caller:
    return make_caller("alice@example.org")


def stored_bookmarks() -> int:
    with session_scope() as session:
        return session.execute(
            select(func.count()).select_from(TrackedIssue)
        ).scalar_one()


def test_create_bookmark_returns_issue(client, catalog, alice):
    body = track(client, alice, catalog[1], notes="ask first")
    assert body["status"] == "to_do"
    assert body["issue_id"] == catalog[1]
    assert body["project_id"] is None
    assert body["notes"] == "ask first"
    assert body["issue"]["repo"] == "acme/widgets"
    assert body["issue"]["state"] == "open"
    assert body["upstream_alerts"] == []


def test_create_bookmark_twice_conflicts(client, catalog, alice):
    first = track(client, alice, catalog[1])
    response = client.post(
        "/v1/bookmarks", json={"issue_id": catalog[1]}, headers=alice.headers
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"]["bookmark_id"] == first["id"]
    assert stored_bookmarks() == 1


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"issue_id": "github:I_missing"}, 404),
        ({"issue_id": "no-colon"}, 400),
        ({"issue_id": "PLACEHOLDER", "status": "completed"}, 400),
        ({"issue_id": "PLACEHOLDER", "project_id": 999}, 404),
        ({"issue_id": "PLACEHOLDER", "unknown": 1}, 422),
        ({"issue_id": "PLACEHOLDER", "status": "finished"}, 422),
    ],
)
def test_create_bookmark_rejects_bad_input(client, catalog, alice, payload, status):
    if payload["issue_id"] == "PLACEHOLDER":
        payload = {**payload, "issue_id": catalog[1]}
    response = client.post("/v1/bookmarks", json=payload, headers=alice.headers)
    assert response.status_code == status, response.text
    assert set(response.json()["error"]) == {"code", "message", "details"}
    assert stored_bookmarks() == 0


def test_bookmarks_need_sign_in(client, catalog):
    assert client.get("/v1/bookmarks").status_code == 401
    response = client.post("/v1/bookmarks", json={"issue_id": catalog[1]})
    assert response.status_code == 401
    assert client.put("/v1/bookmarks/1", json={"notes": "x"}).status_code == 401
    assert client.delete("/v1/bookmarks/1").status_code == 401
    assert client.get("/v1/dashboard").status_code == 401


def test_status_moves_to_completed_with_history(client, catalog, alice):
    bookmark = track(client, alice, catalog[1])
    url = f"/v1/bookmarks/{bookmark['id']}"
    response = client.put(url, json={"status": "in_progress"}, headers=alice.headers)
    assert response.json()["status"] == "in_progress"
    response = client.put(
        url,
        json={"status": "completed", "pr_url": pull_url(9), "notes": "merged"},
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "completed"
    assert body["pr_url"] == pull_url(9)
    assert body["notes"] == "merged"

    detail = client.get(url, headers=alice.headers).json()
    steps = [(step["from_status"], step["to_status"]) for step in detail["history"]]
    assert steps == [
        (None, "to_do"),
        ("to_do", "in_progress"),
        ("in_progress", "completed"),
    ]
    times = [step["changed_at"] for step in detail["history"]]
    assert times == sorted(times)


def test_completed_needs_pull_request_url(client, catalog, alice):
    bookmark = track(client, alice, catalog[1], status="in_progress")
    url = f"/v1/bookmarks/{bookmark['id']}"
    response = client.put(url, json={"status": "completed"}, headers=alice.headers)
    assert response.status_code == 400
    assert response.json()["error"]["details"]["parameter"] == "pr_url"
    assert client.get(url, headers=alice.headers).json()["status"] == "in_progress"


@pytest.mark.parametrize(
    "pr_url",
    [
        "https://gitlab.com/acme/widgets/-/merge_requests/3",
        "https://github.com/other/widgets/pull/3",
        "https://github.com/acme/widgets/issues/3",
        "http://github.com/acme/widgets/pull/3",
        "not a url",
    ],
)
def test_pull_request_url_must_match_repository(client, catalog, alice, pr_url):
    bookmark = track(client, alice, catalog[1], status="in_progress")
    url = f"/v1/bookmarks/{bookmark['id']}"
    response = client.put(
        url, json={"status": "completed", "pr_url": pr_url}, headers=alice.headers
    )
    assert response.status_code == 400, response.text
    body = client.get(url, headers=alice.headers).json()
    assert body["status"] == "in_progress"
    assert body["pr_url"] is None
    assert len(body["history"]) == 1


def test_pull_request_url_ignores_case_of_repository(client, catalog, alice):
    bookmark = track(client, alice, catalog[1], status="in_progress")
    response = client.put(
        f"/v1/bookmarks/{bookmark['id']}",
        json={
            "status": "completed",
            "pr_url": "https://github.com/ACME/Widgets/pull/3",
        },
        headers=alice.headers,
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["in_progress", "to_do"], True),
        (["dropped", "to_do"], True),
        (["dropped", "in_progress"], True),
        (["in_progress", "completed", "in_progress"], True),
        (["in_progress", "completed", "dropped"], False),
        (["in_progress", "completed", "to_do"], False),
        (["completed"], False),
    ],
)
def test_transition_table(client, catalog, alice, path, allowed):
    bookmark = track(client, alice, catalog[1])
    url = f"/v1/bookmarks/{bookmark['id']}"
    statuses = []
    for status in path:
        payload = {"status": status}
        if status == "completed":
            payload["pr_url"] = pull_url(4)
        statuses.append(
            client.put(url, json=payload, headers=alice.headers).status_code
        )
    if allowed:
        assert statuses == [200] * len(path)
    else:
        assert statuses[:-1] == [200] * (len(path) - 1)
        assert statuses[-1] == 400
    with session_scope() as session:
        transitions = session.execute(
            select(func.count()).select_from(StatusTransition)
        ).scalar_one()
    assert transitions == 1 + statuses.count(200)


def test_same_status_stores_no_transition(client, catalog, alice):
    bookmark = track(client, alice, catalog[1])
    url = f"/v1/bookmarks/{bookmark['id']}"
    response = client.put(
        url, json={"status": "to_do", "notes": "x"}, headers=alice.headers
    )
    assert response.status_code == 200
    assert len(client.get(url, headers=alice.headers).json()["history"]) == 1


def test_upstream_close_and_assignment_show(client, catalog, alice):
    bookmark = track(client, alice, catalog[1])
    with session_scope() as session:
        issue = session.execute(
            select(Issue).where(Issue.external_id == catalog[1].split(":", 1)[1])
        ).scalar_one()
        issue.state = "closed"
        issue.assignee_count = 1
    body = client.get(f"/v1/bookmarks/{bookmark['id']}", headers=alice.headers).json()
    assert body["issue"]["state"] == "closed"
    assert body["issue"]["assigned"] is True
    assert body["upstream_alerts"] == ["closed_upstream", "assigned_upstream"]


def test_list_bookmarks_filters_by_status(client, catalog, alice):
    first = track(client, alice, catalog[1])
    track(client, alice, catalog[2], status="in_progress")
    body = client.get("/v1/bookmarks", headers=alice.headers).json()
    assert body["total"] == 2
    body = client.get(
        "/v1/bookmarks", params={"status": "to_do"}, headers=alice.headers
    ).json()
    assert [item["id"] for item in body["items"]] == [first["id"]]


def test_delete_bookmark_removes_history(client, catalog, alice):
    bookmark = track(client, alice, catalog[1])
    url = f"/v1/bookmarks/{bookmark['id']}"
    assert client.delete(url, headers=alice.headers).status_code == 204
    assert client.get(url, headers=alice.headers).status_code == 404
    with session_scope() as session:
        left = session.execute(
            select(func.count()).select_from(StatusTransition)
        ).scalar_one()
    assert left == 0
