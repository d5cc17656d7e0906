"""GitHub webhooks: every `issues`, `label` and `repository` example payload of
@octokit/webhooks-examples replayed through the endpoint and a worker."""

import copy
import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from core.database import session_scope
from core.settings import get_settings
from indexer import store
from indexer.models import Issue, Repository
from indexer.search_index import ensure_index
from search_api.app import create_app
from tests.factories import make_issue, make_repository, store_and_index
from tests.pipeline import running_worker
from tests.webhook_helpers import (
    SECRET,
    deliver_github,
    indexed_document,
    octokit_examples,
    wait_for_workers,
)
from webhooks.github_events import parse_rest_issue, parse_rest_repository

BEGINNER = {"name": "good first issue", "color": "7057ff", "default": True}


@pytest.fixture(autouse=True)
def webhook_secret(monkeypatch):
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def client():
    return TestClient(create_app())


def with_beginner_label(issue: dict) -> dict:
    """Add a beginner label, so the issue qualifies for the index unless the
    event closes, locks or removes it."""
    if "labels" in issue:
        issue["labels"] = list(issue["labels"]) + [BEGINNER]
    return issue


def seed_open_issue(issue: dict, repository: dict) -> None:
    """Store the issue as it was before the event: open, unlocked, unassigned,
    with a beginner label and an hour older."""
    before = copy.deepcopy(issue)
    before.update(state="open", locked=False, assignees=[], closed_at=None)
    before["labels"] = [label for label in before.get("labels", []) if label != BEGINNER]
    before["labels"].append(BEGINNER)
    record = parse_rest_issue(before, repository)
    older = record.updated_at - timedelta(hours=1)
    ensure_index()
    store_and_index([record.__class__(**{**record.__dict__, "updated_at": older})])


def examples(event: str) -> list:
    return [
        pytest.param(example, id=f"{event}-{example['action']}-{number}")
        for number, example in enumerate(octokit_examples()[event])
    ]


@pytest.mark.parametrize("example", examples("issues"))
def test_issues_example_updates_index(client, example):
    payload = copy.deepcopy(example)
    issue, repository = payload["issue"], payload["repository"]
    is_pull_request = "pull_request" in issue
    if not is_pull_request and "state" in issue:
        seed_open_issue(issue, repository)
    before = indexed_document("github", issue["node_id"])
    seeded = not is_pull_request and "state" in issue
    assert (before is not None) == seeded
    with_beginner_label(issue)
    if payload["action"] == "transferred":
        with_beginner_label(payload["changes"]["new_issue"])

    with running_worker():
        response = deliver_github(client, "issues", payload)
        wait_for_workers()

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    document = indexed_document("github", issue["node_id"])
    action = payload["action"]
    if is_pull_request:
        assert document is None
    elif action in ("pinned", "unpinned", "milestoned", "demilestoned"):
        assert document == before
    elif action in ("deleted", "transferred"):
        assert document is None
        with session_scope() as session:
            row = session.execute(
                select(Issue.id).where(Issue.external_id == issue["node_id"])
            ).first()
        assert row is None
        if action == "transferred":
            new_issue = payload["changes"]["new_issue"]
            moved = indexed_document("github", new_issue["node_id"])
            assert moved is not None
            assert moved["repo"] == payload["changes"]["new_repository"]["full_name"]
    else:
        searchable = issue["state"] == "open" and not issue["locked"]
        assert (document is not None) == searchable
        if document is not None:
            assert document["assigned"] == bool(issue["assignees"])
            assert document["labels"] == sorted(label["name"] for label in issue["labels"])
            assert document["title"] == issue["title"]
            assert document["repo"] == repository["full_name"]


def test_issue_closed_event_removes_issue(client):
    payload = copy.deepcopy(octokit_examples()["issues"][0])
    issue = payload["issue"]
    seed_open_issue(issue, payload["repository"])
    assert indexed_document("github", issue["node_id"]) is not None
    with_beginner_label(issue)
    payload["action"] = "closed"
    issue.update(state="closed", closed_at=issue["updated_at"])
    with running_worker():
        deliver_github(client, "issues", payload)
        wait_for_workers()
    assert indexed_document("github", issue["node_id"]) is None
    with session_scope() as session:
        state = session.execute(
            select(Issue.state).where(Issue.external_id == issue["node_id"])
        ).scalar_one()
    assert state == "closed"


def seed_repository_issue(repository: dict, labels: tuple[str, ...]) -> str:
    """Store one searchable issue in the payload's repository; return its id."""
    repo = parse_rest_repository(repository)
    repo = make_repository(
        repo.full_name, external_id=repo.external_id, url=repo.url, archived=False
    )
    issue = make_issue(1, labels=labels, repository=repo)
    store_and_index([issue])
    return issue.external_id


@pytest.mark.parametrize("example", examples("label"))
def test_label_example_updates_index(client, example):
    payload = copy.deepcopy(example)
    label = payload["label"]
    external_id = seed_repository_issue(
        payload["repository"], ("good first issue", label["name"])
    )
    with running_worker():
        response = deliver_github(client, "label", payload)
        wait_for_workers()
    assert response.status_code == 202
    document = indexed_document("github", external_id)
    assert document is not None
    if payload["action"] == "deleted":
        assert document["labels"] == ["good first issue"]
    else:
        assert sorted(document["labels"]) == sorted(["good first issue", label["name"]])


def test_label_rename_and_delete_update_facets(client):
    payload = copy.deepcopy(
        next(e for e in octokit_examples()["label"] if e["action"] == "edited")
    )
    external_id = seed_repository_issue(payload["repository"], ("easy", "docs"))
    payload["label"]["name"] = "good first issue"
    payload["changes"] = {"name": {"from": "easy"}}
    with running_worker():
        deliver_github(client, "label", payload)
        wait_for_workers()
        renamed = indexed_document("github", external_id)
        deleted = copy.deepcopy(payload)
        deleted["action"] = "deleted"
        deleted.pop("changes")
        deliver_github(client, "label", deleted)
        wait_for_workers()
    assert renamed["labels"] == ["docs", "good first issue"]
    # Without its only beginner label the issue no longer qualifies.
    assert indexed_document("github", external_id) is None


@pytest.mark.parametrize("example", examples("repository"))
def test_repository_example_updates_index(client, example):
    payload = copy.deepcopy(example)
    repository = payload["repository"]
    external_id = seed_repository_issue(repository, ("good first issue",))
    with running_worker():
        response = deliver_github(client, "repository", payload)
        wait_for_workers()
    assert response.status_code == 202
    document = indexed_document("github", external_id)
    action = payload["action"]
    if action in ("privatized", "deleted"):
        assert document is None
        with session_scope() as session:
            assert session.execute(select(Repository.id)).first() is None
        return
    assert document is not None
    if action in ("renamed", "transferred", "edited"):
        assert document["repo"] == repository["full_name"]
        assert document["repo_description"] == repository["description"]
        assert document["url"] == f"{repository['html_url']}/issues/1" or action == "edited"


@pytest.mark.parametrize("action", ["archived", "unarchived", "deleted"])
def test_repository_archive_and_delete(client, action):
    payload = copy.deepcopy(octokit_examples()["repository"][0])
    payload["action"] = action
    payload["repository"]["archived"] = action == "archived"
    external_id = seed_repository_issue(payload["repository"], ("good first issue",))
    with running_worker():
        deliver_github(client, "repository", payload)
        wait_for_workers()
    document = indexed_document("github", external_id)
    assert (document is None) == (action in ("archived", "deleted"))


def test_bad_signature_is_rejected_and_changes_nothing(client):
    payload = copy.deepcopy(octokit_examples()["issues"][0])
    body = json.dumps(payload).encode()
    headers = {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-1"}
    missing = client.post("/v1/webhooks/github", content=body, headers=headers)
    wrong = client.post(
        "/v1/webhooks/github",
        content=body,
        headers={**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64},
    )
    assert missing.status_code == 401
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "unauthorized"
    with session_scope() as session:
        assert session.execute(select(Issue.id)).first() is None


def test_duplicate_delivery_is_processed_once(client):
    payload = copy.deepcopy(octokit_examples()["issues"][0])
    with_beginner_label(payload["issue"])
    first = deliver_github(client, "issues", payload, delivery_id="same-id")
    second = deliver_github(client, "issues", payload, delivery_id="same-id")
    assert first.json()["status"] == "queued"
    assert second.json()["status"] == "duplicate"
    from core.broker import broker

    assert broker.client.llen(f"{broker.namespace}:default") == 1


def test_invalid_json_with_valid_signature_gets_400(client):
    body = b"{not json"
    from webhooks.signatures import github_signature

    response = client.post(
        "/v1/webhooks/github",
        content=body,
        headers={
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": "d-2",
            "X-Hub-Signature-256": github_signature(SECRET, body),
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_parameter"
