"""GitLab webhooks: token check and Issue Hook payloads mapped to upserts."""

import json

import pytest
from fastapi.testclient import TestClient

from core.settings import get_settings
from search_api.app import create_app
from tests.pipeline import running_worker
from tests.webhook_helpers import GITLAB_TOKEN, indexed_document, wait_for_workers


@pytest.fixture(autouse=True)
def gitlab_token(monkeypatch):
    monkeypatch.setenv("GITLAB_WEBHOOK_TOKEN", GITLAB_TOKEN)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def issue_hook(state: str = "opened", **attributes) -> dict:
    """An Issue Hook body with the fields GitLab's webhook documentation lists."""
    values = {
        "id": 301,
        "iid": 23,
        "title": "Document the setup on Windows",
        "description": "The guide misses a step.",
        "state": state,
        "action": "open" if state == "opened" else "close",
        "created_at": "2024-05-01 10:00:00 UTC",
        "updated_at": "2024-05-02 10:00:00 UTC",
        "url": "https://gitlab.com/group/project/-/issues/23",
        "confidential": False,
        "assignee_ids": [],
    }
    values.update(attributes)
    return {
        "object_kind": "issue",
        "event_type": "issue",
        "user": {"name": "Admin", "username": "root"},
        "project": {
            "id": 15,
            "name": "project",
            "path_with_namespace": "group/project",
            "web_url": "https://gitlab.com/group/project",
            "description": "A project",
            "namespace": "group",
        },
        "object_attributes": values,
        "labels": [{"id": 206, "title": "good first issue", "color": "#428BCA"}],
        "assignees": [],
    }


def deliver(client: TestClient, payload: dict, token: str | None = GITLAB_TOKEN, uuid: str = "u-1"):
    headers = {"X-Gitlab-Event": "Issue Hook", "X-Gitlab-Event-UUID": uuid}
    if token is not None:
        headers["X-Gitlab-Token"] = token
    return client.post("/v1/webhooks/gitlab", content=json.dumps(payload), headers=headers)


def test_issue_hook_opens_then_closes_issue():
    client = TestClient(create_app())
    with running_worker():
        opened = deliver(client, issue_hook())
        wait_for_workers()
        document = indexed_document("gitlab", "gitlab.com:301")
        closed = deliver(
            client, issue_hook("closed", updated_at="2024-05-03T10:00:00Z"), uuid="u-2"
        )
        wait_for_workers()
    assert opened.status_code == 202
    assert closed.status_code == 202
    assert document is not None
    assert document["repo"] == "group/project"
    assert document["number"] == 23
    assert document["labels"] == ["good first issue"]
    assert indexed_document("gitlab", "gitlab.com:301") is None


def test_confidential_issue_is_never_stored():
    client = TestClient(create_app())
    with running_worker():
        deliver(client, issue_hook())
        wait_for_workers()
        deliver(client, issue_hook(confidential=True, updated_at="2024-05-03T10:00:00Z"), uuid="u-3")
        wait_for_workers()
    assert indexed_document("gitlab", "gitlab.com:301") is None


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_bad_token_gets_401(token):
    client = TestClient(create_app())
    response = deliver(client, issue_hook(), token=token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_duplicate_uuid_is_ignored():
    client = TestClient(create_app())
    first = deliver(client, issue_hook(), uuid="same")
    second = deliver(client, issue_hook(), uuid="same")
    assert first.json()["status"] == "queued"
    assert second.json()["status"] == "duplicate"
