"""Outgoing alert webhooks, signed with HMAC-SHA256 like GitHub's.

The receiver recomputes `sha256=` + hex(HMAC-SHA256(secret, raw body)) and
compares it with X-Odyssey-Signature-256 in constant time. X-Odyssey-Delivery
is the same on every attempt of one delivery, so receivers drop repeats.
"""

import hashlib
import hmac
import json
import logging

import httpx

from alerts.delivery.errors import DeliveryFailed
from alerts.models import AlertDelivery
from core.settings import get_settings

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Odyssey-Signature-256"
DELIVERY_HEADER = "X-Odyssey-Delivery"
EVENT_HEADER = "X-Odyssey-Event"


def sign(secret: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def webhook_body(delivery: AlertDelivery) -> bytes:
    document = {"delivery": delivery.key, "event": delivery.kind, **delivery.payload}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def send_webhook(delivery: AlertDelivery, url: str, secret: str) -> None:
    """POST the delivery; raise DeliveryFailed unless the receiver answers 2xx."""
    body = webhook_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "OSS-Odyssey-Alerts",
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_HEADER: delivery.key,
        EVENT_HEADER: delivery.kind,
    }
    try:
        response = httpx.post(
            url,
            content=body,
            headers=headers,
            timeout=get_settings().alert_webhook_timeout,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        raise DeliveryFailed(
            f"webhook request failed: {type(error).__name__}"
        ) from error
    if not response.is_success:
        raise DeliveryFailed(f"webhook receiver returned HTTP {response.status_code}")
    logger.info(
        "delivery %s posted to webhook (HTTP %d)", delivery.id, response.status_code
    )
