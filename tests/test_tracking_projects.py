"""Projects: create, list, search, join, leave, rename and delete."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.database import session_scope
from search_api.app import create_app
from tests.tracking_support import Caller, index_catalog, make_caller, track
from tracking.models import Project


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture
def alice() -> Caller:
    return make_caller("alice@example.org")


@pytest.fixture
def bob() -> Caller:
    return make_caller("bob@example.org")


def create(client: TestClient, caller: Caller, name: str, **fields) -> dict:
    response = client.post(
        "/v1/projects", json={"name": name, **fields}, headers=caller.headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def stored_projects() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(Project)).scalar_one()


def test_create_project_makes_owner(client, alice):
    body = create(
        client,
        alice,
        "Kubernetes",
        description="Orchestration",
        link="https://github.com/kubernetes/",
    )
    assert body["my_role"] == "owner"
    assert body["member_count"] == 1
    assert body["link"] == "https://github.com/kubernetes"


def test_project_name_rejects_format_characters(client, alice):
    response = client.post("/v1/projects", json={"name": "abc\u202edef"}, headers=alice.headers)
    assert response.status_code == 400
    assert "format characters" in response.json()["error"]["message"]
    assert stored_projects() == 0


def test_project_name_unique_ignoring_case(client, alice, bob):
    create(client, alice, "Linux")
    response = client.post("/v1/projects", json={"name": "linux"}, headers=bob.headers)
    assert response.status_code == 409
    assert stored_projects() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "Apache", "link": "https://example.org/apache"},
        {"name": "Apache", "link": "https://github.com/apache/httpd"},
        {"name": "Apache", "link": "http://github.com/apache"},
    ],
)
def test_create_project_rejects_bad_input(client, alice, payload):
    response = client.post("/v1/projects", json=payload, headers=alice.headers)
    assert response.status_code in (400, 422), response.text
    assert "error" in response.json()
    assert stored_projects() == 0


def test_gitlab_group_link_accepted(client, alice):
    body = create(client, alice, "GitLab", link="https://gitlab.com/gitlab-org/ui")
    assert body["link"] == "https://gitlab.com/gitlab-org/ui"


def test_list_and_search_projects(client, alice, bob):
    create(client, alice, "Kubernetes", description="container orchestration")
    create(client, alice, "Linux", description="a kernel")
    create(client, bob, "Apache HTTPD")
    body = client.get("/v1/projects").json()
    assert [item["name"] for item in body["items"]] == [
        "Apache HTTPD",
        "Kubernetes",
        "Linux",
    ]
    assert all(item["my_role"] is None for item in body["items"])

    body = client.get("/v1/projects", params={"q": "KERNEL"}).json()
    assert [item["name"] for item in body["items"]] == ["Linux"]
    body = client.get("/v1/projects", params={"q": "100%"}).json()
    assert body["total"] == 0

    body = client.get(
        "/v1/projects", params={"mine": "true"}, headers=bob.headers
    ).json()
    assert [item["name"] for item in body["items"]] == ["Apache HTTPD"]


def test_join_and_leave_project(client, alice, bob):
    project = create(client, alice, "Linux")
    url = f"/v1/projects/{project['id']}/members"
    body = client.post(url, headers=bob.headers).json()
    assert body["my_role"] == "member"
    assert body["member_count"] == 2
    assert client.post(url, headers=bob.headers).status_code == 409

    assert client.delete(f"{url}/me", headers=bob.headers).status_code == 204
    assert client.delete(f"{url}/me", headers=bob.headers).status_code == 404
    body = client.get(f"/v1/projects/{project['id']}", headers=bob.headers).json()
    assert body["member_count"] == 1
    assert body["my_role"] is None


def test_owner_cannot_leave(client, alice):
    project = create(client, alice, "Linux")
    response = client.delete(
        f"/v1/projects/{project['id']}/members/me", headers=alice.headers
    )
    assert response.status_code == 409


def test_leaving_moves_bookmarks_to_personal_list(client, alice, bob):
    catalog = index_catalog()
    project = create(client, alice, "Widgets")
    client.post(f"/v1/projects/{project['id']}/members", headers=bob.headers)
    bookmark = track(client, bob, catalog[1], project_id=project["id"])
    assert bookmark["project_id"] == project["id"]
    client.delete(f"/v1/projects/{project['id']}/members/me", headers=bob.headers)
    body = client.get(f"/v1/bookmarks/{bookmark['id']}", headers=bob.headers).json()
    assert body["project_id"] is None


def test_tracking_in_project_needs_membership(client, alice, bob):
    catalog = index_catalog()
    project = create(client, alice, "Widgets")
    response = client.post(
        "/v1/bookmarks",
        json={"issue_id": catalog[1], "project_id": project["id"]},
        headers=bob.headers,
    )
    assert response.status_code == 403


def test_owner_renames_member_cannot(client, alice, bob):
    project = create(client, alice, "Linux")
    url = f"/v1/projects/{project['id']}"
    client.post(f"{url}/members", headers=bob.headers)
    response = client.patch(url, json={"name": "Linux kernel"}, headers=bob.headers)
    assert response.status_code == 403
    response = client.patch(url, json={"name": "Linux kernel"}, headers=alice.headers)
    assert response.status_code == 200
    assert response.json()["name"] == "Linux kernel"


def test_rename_to_taken_name_conflicts(client, alice):
    create(client, alice, "Linux")
    project = create(client, alice, "Kernel")
    response = client.patch(
        f"/v1/projects/{project['id']}", json={"name": "LINUX"}, headers=alice.headers
    )
    assert response.status_code == 409
    assert client.get(f"/v1/projects/{project['id']}").json()["name"] == "Kernel"


def test_owner_deletes_project_bookmarks_stay(client, alice, bob):
    catalog = index_catalog()
    project = create(client, alice, "Widgets")
    url = f"/v1/projects/{project['id']}"
    bookmark = track(client, alice, catalog[1], project_id=project["id"])
    assert client.delete(url, headers=bob.headers).status_code == 403
    assert client.delete(url, headers=alice.headers).status_code == 204
    assert client.get(url).status_code == 404
    body = client.get(f"/v1/bookmarks/{bookmark['id']}", headers=alice.headers).json()
    assert body["project_id"] is None


def test_projects_need_sign_in_to_change(client, alice):
    project = create(client, alice, "Linux")
    url = f"/v1/projects/{project['id']}"
    assert client.post("/v1/projects", json={"name": "X"}).status_code == 401
    assert client.patch(url, json={"name": "Y"}).status_code == 401
    assert client.delete(url).status_code == 401
    assert client.post(f"{url}/members").status_code == 401
    assert client.delete(f"{url}/members/me").status_code == 401
    assert client.get("/v1/projects", params={"mine": "true"}).status_code == 401
    assert client.get(url).status_code == 200
