"""A second user can neither read nor change the first user's tracking.

A request for another user's bookmark gets 404, the same as a missing one, so
bookmark ids reveal nothing.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from accounts.data_control import export_sections
from accounts.models import User
from core.database import session_scope
from search_api.app import create_app
from tests.tracking_support import Caller, index_catalog, make_caller, pull_url, track
from tracking.models import Project, ProjectMember, StatusTransition, TrackedIssue
from tracking.personal_data import erase_tracking


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def catalog() -> dict[int, str]:
    return index_catalog()


@pytest.fixture
def alice() -> Caller:
    return make_caller("alice@example.org")


@pytest.fixture
def bob() -> Caller:
    return make_caller("bob@example.org")


def stored(bookmark_id: int) -> TrackedIssue:
    with session_scope() as session:
        tracked = session.get(TrackedIssue, bookmark_id)
        assert tracked is not None
        return tracked


def test_get_other_users_bookmark_is_not_found(client, catalog, alice, bob):
    bookmark = track(client, alice, catalog[1])
    response = client.get(f"/v1/bookmarks/{bookmark['id']}", headers=bob.headers)
    missing = client.get("/v1/bookmarks/99999", headers=bob.headers)
    assert response.status_code == 404
    assert missing.status_code == 404
    assert response.json()["error"]["code"] == missing.json()["error"]["code"]


def test_list_shows_only_own_bookmarks(client, catalog, alice, bob):
    track(client, alice, catalog[1])
    own = track(client, bob, catalog[2])
    body = client.get("/v1/bookmarks", headers=bob.headers).json()
    assert body["total"] == 1
    assert [item["id"] for item in body["items"]] == [own["id"]]


@pytest.mark.parametrize(
    "payload",
    [
        {"status": "in_progress"},
        {"notes": "taken over"},
        {"status": "completed", "pr_url": pull_url(3)},
        {"project_id": None},
    ],
)
def test_update_other_users_bookmark_is_not_found(client, catalog, alice, bob, payload):
    bookmark = track(client, alice, catalog[1], notes="mine", status="in_progress")
    response = client.put(
        f"/v1/bookmarks/{bookmark['id']}", json=payload, headers=bob.headers
    )
    assert response.status_code == 404
    tracked = stored(bookmark["id"])
    assert tracked.status == "in_progress"
    assert tracked.notes == "mine"
    assert tracked.pr_url is None


def test_delete_other_users_bookmark_is_not_found(client, catalog, alice, bob):
    bookmark = track(client, alice, catalog[1])
    response = client.delete(f"/v1/bookmarks/{bookmark['id']}", headers=bob.headers)
    assert response.status_code == 404
    assert stored(bookmark["id"]).user_id == alice.user_id


def test_same_issue_tracked_by_two_users(client, catalog, alice, bob):
    first = track(client, alice, catalog[1])
    second = track(client, bob, catalog[1], status="in_progress")
    assert first["id"] != second["id"]
    assert (
        client.get(f"/v1/bookmarks/{first['id']}", headers=alice.headers).json()[
            "status"
        ]
        == "to_do"
    )


def test_filter_by_other_users_project_shows_nothing(client, catalog, alice, bob):
    project = client.post(
        "/v1/projects", json={"name": "Widgets"}, headers=alice.headers
    )
    project_id = project.json()["id"]
    track(client, alice, catalog[1], project_id=project_id)
    body = client.get(
        "/v1/bookmarks", params={"project_id": project_id}, headers=bob.headers
    ).json()
    assert body == {"total": 0, "items": []}


def test_cannot_move_bookmark_into_foreign_project(client, catalog, alice, bob):
    project = client.post(
        "/v1/projects", json={"name": "Widgets"}, headers=alice.headers
    )
    bookmark = track(client, bob, catalog[1])
    response = client.put(
        f"/v1/bookmarks/{bookmark['id']}",
        json={"project_id": project.json()["id"]},
        headers=bob.headers,
    )
    assert response.status_code == 403
    assert stored(bookmark["id"]).project_id is None


def test_dashboard_and_search_ignore_other_users(client, catalog, alice, bob):
    track(client, alice, catalog[1], status="in_progress")
    dashboard = client.get("/v1/dashboard", headers=bob.headers).json()
    assert sum(dashboard["counts"].values()) == 0
    body = client.get(
        "/v1/search", params={"hide_tracked": "true"}, headers=bob.headers
    ).json()
    assert body["total"] == 5


def test_export_contains_only_own_data(client, catalog, alice, bob):
    client.post("/v1/projects", json={"name": "Widgets"}, headers=alice.headers)
    track(client, alice, catalog[1], notes="alice note")
    track(client, bob, catalog[2], notes="bob note")
    with session_scope() as session:
        exported = export_sections(session, bob.user_id)["tracking"]
    assert [item["issue_id"] for item in exported["bookmarks"]] == [catalog[2]]
    assert exported["bookmarks"][0]["notes"] == "bob note"
    assert exported["bookmarks"][0]["history"][0]["to_status"] == "to_do"
    assert exported["projects"] == []


def test_erase_passes_owned_project_on(client, catalog, alice, bob):
    project = client.post(
        "/v1/projects", json={"name": "Widgets"}, headers=alice.headers
    )
    project_id = project.json()["id"]
    client.post(f"/v1/projects/{project_id}/members", headers=bob.headers)
    client.post("/v1/projects", json={"name": "Solo"}, headers=alice.headers)
    track(client, alice, catalog[1])
    kept = track(client, bob, catalog[2])
    with session_scope() as session:
        erase_tracking(session, alice.user_id)
        session.delete(session.get(User, alice.user_id))
    with session_scope() as session:
        names = session.execute(select(Project.name)).scalars().all()
        owner = session.get(ProjectMember, (project_id, bob.user_id))
        bookmarks = session.execute(select(TrackedIssue.id)).scalars().all()
        transitions = session.execute(
            select(func.count()).select_from(StatusTransition)
        ).scalar_one()
    assert names == ["Widgets"]
    assert owner is not None
    assert owner.role == "owner"
    assert bookmarks == [kept["id"]]
    assert transitions == 1
