"""Helpers for webhook tests: the octokit example payloads, signing, delivery."""

import json
import uuid
from functools import cache
from typing import Any

from fastapi.testclient import TestClient

from core.broker import broker
from core.elastic import get_elasticsearch
from core.settings import get_settings
from indexer.search_index import alias_name, ensure_index
from webhooks.signatures import github_signature

SECRET = "test-webhook-secret"
GITLAB_TOKEN = "test-gitlab-token"


@cache
def octokit_examples() -> dict[str, list[dict[str, Any]]]:
    """Examples per event from npm @octokit/webhooks-examples, installed by the stack."""
    path = (
        get_settings().stack_dir
        / "npm/node_modules/@octokit/webhooks-examples/api.github.com/index.json"
    )
    return {event["name"]: event["examples"] for event in json.loads(path.read_text())}


def deliver_github(
    client: TestClient, event: str, payload: dict[str, Any], delivery_id: str | None = None
) -> Any:
    body = json.dumps(payload).encode()
    return client.post(
        "/v1/webhooks/github",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
            "X-Hub-Signature-256": github_signature(SECRET, body),
        },
    )


def wait_for_workers() -> None:
    broker.join("default", timeout=60_000)
    ensure_index()
    get_elasticsearch().indices.refresh(index=alias_name())


def indexed_document(source: str, external_id: str) -> dict[str, Any] | None:
    client = get_elasticsearch()
    result = client.options(ignore_status=404).get(
        index=alias_name(), id=f"{source}:{external_id}"
    )
    return result["_source"] if result.get("found") else None
