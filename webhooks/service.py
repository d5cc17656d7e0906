"""Handling of a received webhook: verify it, parse it, accept it once."""

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import InvalidParameter, ServiceUnavailable, Unauthorized
from core.settings import get_settings
from webhooks import deliveries
from webhooks.signatures import github_signature_valid, gitlab_token_valid

logger = logging.getLogger(__name__)

# GitHub events that can change the index; others are acknowledged and dropped.
GITHUB_EVENTS = ("issues", "label", "repository")
GITLAB_EVENTS = ("Issue Hook", "Confidential Issue Hook")


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event: str
    status: str  # queued, duplicate or ignored


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InvalidParameter("the request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise InvalidParameter("the request body must be a JSON object")
    return payload


def receive_github(body: bytes, headers: Mapping[str, str]) -> Delivery:
    """Verify a GitHub delivery and enqueue it once per delivery id."""
    secret = get_settings().github_webhook_secret
    if not secret:
        raise ServiceUnavailable("GitHub webhooks are disabled: set GITHUB_WEBHOOK_SECRET")
    if not github_signature_valid(secret, body, headers.get("x-hub-signature-256")):
        logger.warning("GitHub delivery %s rejected: invalid signature", headers.get("x-github-delivery"))
        raise Unauthorized("missing or invalid X-Hub-Signature-256 signature")
    delivery_id = headers.get("x-github-delivery")
    event = headers.get("x-github-event")
    if not delivery_id or not event:
        raise InvalidParameter(
            "X-GitHub-Delivery and X-GitHub-Event headers are required",
            details={"headers": ["X-GitHub-Delivery", "X-GitHub-Event"]},
        )
    payload = _json_object(body)
    if event not in GITHUB_EVENTS:
        return Delivery(delivery_id, event, "ignored")
    queued = deliveries.accept(
        "github", delivery_id, "process_github_delivery", event, delivery_id, payload
    )
    return Delivery(delivery_id, event, "queued" if queued else "duplicate")


def receive_gitlab(body: bytes, headers: Mapping[str, str]) -> Delivery:
    """Verify a GitLab delivery and enqueue it once per delivery id.

    The id is `X-Gitlab-Event-UUID`, else `Idempotency-Key`, else the SHA-256
    of the body for GitLab versions that send neither.
    """
    token = get_settings().gitlab_webhook_token
    if not token:
        raise ServiceUnavailable("GitLab webhooks are disabled: set GITLAB_WEBHOOK_TOKEN")
    if not gitlab_token_valid(token, headers.get("x-gitlab-token")):
        logger.warning("GitLab delivery %s rejected: invalid token", headers.get("x-gitlab-event-uuid"))
        raise Unauthorized("missing or invalid X-Gitlab-Token")
    event = headers.get("x-gitlab-event")
    if not event:
        raise InvalidParameter("the X-Gitlab-Event header is required")
    delivery_id = (
        headers.get("x-gitlab-event-uuid")
        or headers.get("idempotency-key")
        or hashlib.sha256(body).hexdigest()
    )
    payload = _json_object(body)
    if event not in GITLAB_EVENTS:
        return Delivery(delivery_id, event, "ignored")
    queued = deliveries.accept(
        "gitlab", delivery_id, "process_gitlab_delivery", event, delivery_id, payload
    )
    return Delivery(delivery_id, event, "queued" if queued else "duplicate")
