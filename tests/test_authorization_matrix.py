"""Authorization matrix: every REST operation and GraphQL mutation that acts on
an account or on admin data, called as anonymous, as another user and as admin.

Alice owns a project, a bookmark and a saved search. "other" is Bob, a plain
user who owns nothing of hers, and "admin" is a user with the admin role.
The webhook tests send unsigned, forged, tampered and replayed deliveries.
"""

from dataclasses import dataclass

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from core.broker import broker
from core.settings import get_settings
from search_api.app import create_app
from tests.graphql_helpers import make_user_token
from tests.tracking_support import index_catalog
from tests.webhook_helpers import GITLAB_TOKEN, SECRET
from webhooks.signatures import github_signature

ANONYMOUS, OTHER, ADMIN = "anonymous", "other", "admin"


@dataclass
class Scenario:
    client: TestClient
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]
    alice_id: int


@pytest.fixture
def scenario(monkeypatch) -> Scenario:
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "matrix-client-id")
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", "matrix-client-secret")
    monkeypatch.setenv("ODYSSEY_TOKEN_ENCRYPTION_KEYS", Fernet.generate_key().decode())
    for name in ("GITHUB_OAUTH_AUTHORIZE_URL", "GITHUB_OAUTH_TOKEN_URL", "GITHUB_OAUTH_API_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9/oauth")
    get_settings.cache_clear()

    client = TestClient(create_app())
    catalog = index_catalog()
    alice_id, alice_token = make_user_token("alice@example.com")
    _bob_id, bob_token = make_user_token("bob@example.com")
    _admin_id, admin_token = make_user_token("root@example.com", role="admin")
    alice = {"Authorization": f"Bearer {alice_token}"}

    project = client.post("/v1/projects", json={"name": "Widgets"}, headers=alice)
    issue_id = next(iter(catalog.values()))
    bookmark = client.post(
        "/v1/bookmarks",
        json={"issue_id": issue_id, "project_id": project.json()["id"]},
        headers=alice,
    )
    search = client.post("/v1/saved-searches", json={"name": "Docs"}, headers=alice)
    for response in (project, bookmark, search):
        assert response.status_code == 201, response.text

    yield Scenario(
        client=client,
        headers={
            ANONYMOUS: {},
            OTHER: {"Authorization": f"Bearer {bob_token}"},
            ADMIN: {"Authorization": f"Bearer {admin_token}"},
        },
        ids={
            "project": project.json()["id"],
            "bookmark": bookmark.json()["id"],
            "search": search.json()["id"],
            "user": alice_id,
        },
        alice_id=alice_id,
    )
    get_settings.cache_clear()


# (method, path, JSON body, status as anonymous, as another user, as admin).
# Paths name Alice's resources with {project}, {bookmark}, {search} and {user}.
# Projects are a public directory that any signed-in user may join, but only
# the owner may change or delete one. The admin role grants no extra rights
# there. Bookmarks and saved searches are private, so any other caller,
# admins included, gets 404 and learns nothing about their existence.
REST_MATRIX = [
    ("GET", "/v1/projects/{project}", None, 200, 200, 200),
    ("PATCH", "/v1/projects/{project}", {"name": "Taken"}, 401, 403, 403),
    ("DELETE", "/v1/projects/{project}", None, 401, 403, 403),
    ("POST", "/v1/projects/{project}/members", None, 401, 200, 200),
    ("DELETE", "/v1/projects/{project}/members/me", None, 401, 404, 404),
    ("GET", "/v1/bookmarks/{bookmark}", None, 401, 404, 404),
    ("PUT", "/v1/bookmarks/{bookmark}", {"status": "completed"}, 401, 404, 404),
    ("DELETE", "/v1/bookmarks/{bookmark}", None, 401, 404, 404),
    ("GET", "/v1/saved-searches/{search}", None, 401, 404, 404),
    ("PUT", "/v1/saved-searches/{search}", {"name": "Taken"}, 401, 404, 404),
    ("DELETE", "/v1/saved-searches/{search}", None, 401, 404, 404),
    ("GET", "/v1/saved-searches/{search}/deliveries", None, 401, 404, 404),
    ("GET", "/v1/projects", None, 200, 200, 200),
    ("GET", "/v1/bookmarks", None, 401, 200, 200),
    ("GET", "/v1/saved-searches", None, 401, 200, 200),
    ("GET", "/v1/notifications", None, 401, 200, 200),
    ("POST", "/v1/notifications/read-all", None, 401, 200, 200),
    ("GET", "/v1/dashboard", None, 401, 200, 200),
    ("GET", "/v1/profile", None, 401, 200, 200),
    ("GET", "/v1/profile/export", None, 401, 200, 200),
    ("GET", "/v1/auth/github/login", None, 302, 302, 302),
    ("POST", "/v1/refresh", None, 401, 403, 202),
    ("GET", "/v1/tracked-repositories", None, 401, 403, 200),
    ("POST", "/v1/tracked-repositories", {"source": "github", "full_name": "acme/x"}, 401, 403, 201),
    ("DELETE", "/v1/tracked-repositories/999", None, 401, 403, 404),
    ("POST", "/v1/notify", {"user_id": "{user}", "title": "Hi", "body": "Hello"}, 401, 403, 202),
    ("GET", "/v1/admin/deliveries", None, 401, 403, 200),
    ("GET", "/v1/search", None, 200, 200, 200),
    ("GET", "/v1/sources", None, 200, 200, 200),
    ("GET", "/v1/analytics", None, 200, 200, 200),
]


def fill(value, ids: dict[str, int]):
    if isinstance(value, str):
        for name, ident in ids.items():
            if value == f"{{{name}}}":
                return ident
            value = value.replace(f"{{{name}}}", str(ident))
        return value
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    return value


@pytest.mark.parametrize(
    ("method", "path", "body", "identity", "status"),
    [
        pytest.param(method, path, body, identity, status, id=f"{method} {path} {identity}")
        for method, path, body, *statuses in REST_MATRIX
        for identity, status in zip((ANONYMOUS, OTHER, ADMIN), statuses)
    ],
)
def test_rest_matrix(scenario, method, path, body, identity, status):
    response = scenario.client.request(
        method,
        fill(path, scenario.ids),
        json=fill(body, scenario.ids),
        headers=scenario.headers[identity],
        follow_redirects=False,
    )
    assert response.status_code == status, response.text


# (mutation, error code as anonymous, as another user, as admin); None is success.
GRAPHQL_MATRIX = [
    ("refresh { jobId }", "UNAUTHORIZED", "FORBIDDEN", None),
    ('updateProfile(input: {displayName: "X"}) { displayName }', "UNAUTHORIZED", None, None),
    ('createProject(input: {name: "Gadgets"}) { id }', "UNAUTHORIZED", None, None),
    ('updateProject(id: {project}, input: {name: "Taken"}) { id }', "UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN"),
    ("deleteProject(id: {project})", "UNAUTHORIZED", "FORBIDDEN", "FORBIDDEN"),
    ("joinProject(id: {project}) { id }", "UNAUTHORIZED", None, None),
    ("leaveProject(id: {project})", "UNAUTHORIZED", "NOT_FOUND", "NOT_FOUND"),
    ("updateBookmark(id: {bookmark}, input: {status: completed}) { id }", "UNAUTHORIZED", "NOT_FOUND", "NOT_FOUND"),
    ("deleteBookmark(id: {bookmark})", "UNAUTHORIZED", "NOT_FOUND", "NOT_FOUND"),
]


@pytest.mark.parametrize(
    ("mutation", "identity", "code"),
    [
        pytest.param(mutation, identity, code, id=f"{mutation.split('(')[0].split(' ')[0]} {identity}")
        for mutation, *codes in GRAPHQL_MATRIX
        for identity, code in zip((ANONYMOUS, OTHER, ADMIN), codes)
    ],
)
def test_graphql_matrix(scenario, mutation, identity, code):
    response = scenario.client.post(
        "/graphql",
        json={"query": "mutation { " + fill(mutation, scenario.ids) + " }"},
        headers=scenario.headers[identity],
    )
    assert response.status_code == 200, response.text
    codes = [error["extensions"]["code"] for error in response.json().get("errors") or []]
    assert codes == ([code] if code else []), response.text


@pytest.fixture
def webhook_client(monkeypatch) -> TestClient:
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("GITLAB_WEBHOOK_TOKEN", GITLAB_TOKEN)
    get_settings.cache_clear()
    yield TestClient(create_app())
    get_settings.cache_clear()


def queued_jobs() -> int:
    return broker.client.llen(f"{broker.namespace}:default")


def github_headers(body: bytes, signature: str | None, delivery: str = "d-1") -> dict:
    headers = {"X-GitHub-Event": "issues", "X-GitHub-Delivery": delivery}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return headers


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "sha256=" + "0" * 64,
        github_signature("wrong-secret", b'{"action":"opened"}'),
        "sha1=" + "0" * 40,
    ],
    ids=["unsigned", "empty", "zeros", "wrong_secret", "sha1"],
)
def test_github_webhook_forged(webhook_client, signature):
    body = b'{"action":"opened"}'
    response = webhook_client.post(
        "/v1/webhooks/github", content=body, headers=github_headers(body, signature)
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert queued_jobs() == 0


def test_github_webhook_tampered_body(webhook_client):
    signed = b'{"action":"opened"}'
    tampered = b'{"action":"deleted"}'
    response = webhook_client.post(
        "/v1/webhooks/github",
        content=tampered,
        headers=github_headers(tampered, github_signature(SECRET, signed)),
    )
    assert response.status_code == 401
    assert queued_jobs() == 0


def test_github_webhook_replayed(webhook_client):
    body = b'{"action":"opened"}'
    headers = github_headers(body, github_signature(SECRET, body), delivery="replayed")
    first = webhook_client.post("/v1/webhooks/github", content=body, headers=headers)
    replay = webhook_client.post("/v1/webhooks/github", content=body, headers=headers)
    assert first.json()["status"] == "queued"
    assert replay.status_code == 202
    assert replay.json()["status"] == "duplicate"
    assert queued_jobs() == 1


@pytest.mark.parametrize("token", [None, "", "wrong-token", GITLAB_TOKEN + "x"])
def test_gitlab_webhook_forged(webhook_client, token):
    headers = {"X-Gitlab-Event": "Issue Hook", "X-Gitlab-Event-UUID": "u-1"}
    if token is not None:
        headers["X-Gitlab-Token"] = token
    response = webhook_client.post("/v1/webhooks/gitlab", content=b"{}", headers=headers)
    assert response.status_code == 401
    assert queued_jobs() == 0
