"""Helpers of the alert tests: users, a real SMTP server, a webhook receiver
that can fail, settings overrides and waiting for workers."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from accounts.models import User
from accounts.tokens import create_access_token
from alerts.models import AlertDelivery
from core.database import session_scope
from core.settings import get_settings
from search_api.app import create_app

T = TypeVar("T")

# Fast retries, an SMTP server without TLS and webhooks to 127.0.0.1.
ALERT_TEST_ENV = {
    "SMTP_TLS_MODE": "none",
    "SMTP_FROM_ADDRESS": "OSS Odyssey <alerts@odyssey.test>",
    "ODYSSEY_PUBLIC_URL": "http://testserver",
    "ALERT_WEBHOOK_ALLOW_LOOPBACK_HTTP": "true",
    "ALERT_RETRY_MIN_BACKOFF": "0.2",
    "ALERT_RETRY_MAX_BACKOFF": "0.5",
    "ALERT_DELIVERY_MAX_ATTEMPTS": "3",
}


def configure_alert_settings(monkeypatch: pytest.MonkeyPatch, **extra: str) -> None:
    for name, value in {**ALERT_TEST_ENV, **extra}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def api_client() -> TestClient:
    return TestClient(create_app())


def make_user(email: str, role: str = "user") -> tuple[int, dict[str, str]]:
    """Store a user; return its id and the Authorization header of a token."""
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0], role=role)
        session.add(user)
        session.flush()
        assert user.id is not None
        user_id = user.id
    token, _ = create_access_token(user_id, role)
    return user_id, {"Authorization": f"Bearer {token}"}


def wait_until(check: Callable[[], T], timeout: float = 60.0, what: str = "") -> T:
    """Poll `check` until it returns a truthy value; raise after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(
        f"gave up waiting for {what or check.__name__} after {timeout} s"
    )


def deliveries_of(user_id: int) -> list[AlertDelivery]:
    from sqlmodel import col, select

    with session_scope() as session:
        return list(
            session.exec(
                select(AlertDelivery)
                .where(AlertDelivery.user_id == user_id)
                .order_by(col(AlertDelivery.id))
            ).all()
        )


def settled_deliveries(user_id: int, count: int) -> list[AlertDelivery] | None:
    """Return the user's deliveries once there are `count`, none pending."""
    rows = deliveries_of(user_id)
    if len(rows) == count and all(row.status != "pending" for row in rows):
        return rows
    return None


class _MailHandler:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.port = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(
                (
                    list(envelope.rcpt_tos),
                    message_from_bytes(envelope.content, policy=policy.default),
                )
            )
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[_MailHandler]:
    """Run a real SMTP server (aiosmtpd) on 127.0.0.1 and a free port."""
    handler = _MailHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        handler.port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@dataclass
class ReceivedWebhook:
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Records every POST and returns HTTP 500 to the first `failures` of them."""

    failures: int = 0
    requests: list[ReceivedWebhook] = field(default_factory=list)
    url: str = ""


@contextmanager
def webhook_receiver(failures: int = 0) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(failures=failures)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                receiver.requests.append(ReceivedWebhook(dict(self.headers), body))
                failing = receiver.failures > 0
                receiver.failures -= 1 if failing else 0
            self.send_response(500 if failing else 204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
