"""No secret in logs or responses: one run through failing and succeeding
requests that carry every kind of secret, then a search of the captured log
records and of every response body."""

import logging

from cryptography.fernet import Fernet
from fastapi.testclient import TestClient

from core.settings import get_settings
from search_api.app import create_app
from tests.graphql_helpers import make_user_token
from tests.webhook_helpers import GITLAB_TOKEN, SECRET
from webhooks.signatures import github_signature

PASSWORD = "correct horse battery staple"
OAUTH_SECRET = "oauth-client-secret-value"


def test_no_secret_in_logs_or_responses(monkeypatch, caplog):
    encryption_key = Fernet.generate_key().decode()
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("GITLAB_WEBHOOK_TOKEN", GITLAB_TOKEN)
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_ID", "oauth-client-id")
    monkeypatch.setenv("GITHUB_OAUTH_CLIENT_SECRET", OAUTH_SECRET)
    monkeypatch.setenv("ODYSSEY_TOKEN_ENCRYPTION_KEYS", encryption_key)
    get_settings.cache_clear()
    caplog.set_level(logging.DEBUG)
    client = TestClient(create_app())
    _user_id, user_token = make_user_token("ada@example.com")
    _admin_id, admin_token = make_user_token("root@example.com", role="admin")
    body = b'{"action":"opened"}'
    forged = "sha256=" + "1" * 64
    responses = [
        client.post(
            "/v1/auth/register",
            json={"email": "eve@example.org", "password": PASSWORD, "display_name": "Eve"},
        ),
        client.post("/v1/auth/login", json={"email": "eve@example.org", "password": PASSWORD + "!"}),
        client.get("/v1/profile", headers={"Authorization": f"Bearer {user_token}x"}),
        client.get("/v1/profile", headers={"Authorization": f"Bearer {user_token}"}),
        client.post("/v1/refresh", headers={"Authorization": "Bearer wrong-admin-token"}),
        client.post("/v1/refresh", headers={"Authorization": "Bearer test-admin-token"}),
        client.get("/v1/admin/deliveries", headers={"Authorization": f"Bearer {admin_token}"}),
        client.post(
            "/v1/webhooks/github",
            content=body,
            headers={"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-1", "X-Hub-Signature-256": forged},
        ),
        client.post(
            "/v1/webhooks/github",
            content=body,
            headers={
                "X-GitHub-Event": "issues",
                "X-GitHub-Delivery": "d-2",
                "X-Hub-Signature-256": github_signature(SECRET, body),
            },
        ),
        client.post(
            "/v1/webhooks/gitlab",
            content=b"{}",
            headers={"X-Gitlab-Event": "Issue Hook", "X-Gitlab-Token": GITLAB_TOKEN + "x"},
        ),
        client.get("/v1/auth/github/login", headers={"Authorization": f"Bearer {user_token}"}, follow_redirects=False),
        client.post("/graphql", json={"query": f'mutation {{ login(email: "eve@example.org", password: "{PASSWORD}") {{ accessToken }} }}'}),
    ]
    get_settings.cache_clear()
    secrets = {
        "password": PASSWORD,
        "user token": user_token,
        "admin token": admin_token,
        "service admin token": "test-admin-token",
        "JWT secret": get_settings().jwt_secret,
        "GitHub webhook secret": SECRET,
        "GitLab webhook token": GITLAB_TOKEN,
        "OAuth client secret": OAUTH_SECRET,
        "token encryption key": encryption_key,
    }
    assert caplog.records, "the requests logged nothing, so the check proves nothing"
    for name, secret in secrets.items():
        assert secret not in caplog.text, f"the log contains the {name}"
    for response in responses:
        for name, secret in secrets.items():
            assert secret not in response.text, f"{response.request.url.path} returns the {name}"
