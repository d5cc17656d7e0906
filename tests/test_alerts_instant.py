"""Instant alerts end to end: indexing enqueues matching, real workers deliver
in-app, by email to a real SMTP server and to a local webhook receiver."""

import hashlib
import hmac
from collections.abc import Iterator

import pytest
from sqlmodel import select

import alerts.tasks  # noqa: F401  (declares the actors before the worker starts)
from alerts.models import AlertMatch, Notification
from core.broker import enqueue
from core.database import session_scope
from indexer.documents import document_id
from tests.alerts_support import (
    _MailHandler,
    api_client,
    configure_alert_settings,
    deliveries_of,
    make_user,
    settled_deliveries,
    wait_until,
    webhook_receiver,
    smtp_server,
)
from tests.factories import make_issue, make_repository, store_and_index
from tests.pipeline import running_worker

RUST = make_repository("acme/engine", language="Rust")


@pytest.fixture
def mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[_MailHandler]:
    with smtp_server() as handler:
        configure_alert_settings(
            monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(handler.port)
        )
        yield handler


def save_search(client, headers, **fields) -> dict:
    body = {"name": "Python", "query": {"language": ["Python"]}, **fields}
    response = client.post("/v1/saved-searches", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def matches_of(search_id: int) -> list[int]:
    with session_scope() as session:
        rows = session.exec(
            select(AlertMatch.issue_id).where(AlertMatch.saved_search_id == search_id)
        ).all()
    return sorted(rows)


def test_instant_alert_reaches_every_channel(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    _, bob = make_user("bob@example.org")
    old_ids = store_and_index([make_issue(1, title="Old Python issue")])
    with webhook_receiver() as receiver, running_worker():
        search = save_search(
            client,
            ada,
            channels=["in_app", "email", "webhook"],
            webhook_url=receiver.url,
        )
        store_and_index(
            [
                make_issue(1, title="Old Python issue"),
                make_issue(2, title="New Python issue"),
                make_issue(3, title="New Rust issue", repository=RUST),
            ]
        )
        rows = wait_until(lambda: settled_deliveries(ada_id, 3), what="3 deliveries")
    assert {row.channel for row in rows} == {"in_app", "email", "webhook"}
    assert all(row.status == "sent" for row in rows)
    new_issue = matches_of(search["id"])
    assert len(new_issue) == 1
    assert new_issue[0] != old_ids[0]

    notifications = client.get("/v1/notifications", headers=ada).json()
    assert notifications["unread_count"] == 1
    payload = notifications["items"][0]["payload"]
    assert [i["title"] for i in payload["sections"][0]["issues"]] == [
        "New Python issue"
    ]
    assert client.get("/v1/notifications", headers=bob).json()["items"] == []

    assert len(mail.messages) == 1
    recipients, message = mail.messages[0]
    assert recipients == ["ada@example.org"]
    assert "New Python issue" in message.get_content()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://testserver/v1/unsubscribe?token=")

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    secret = search["webhook_secret"].encode()
    expected = "sha256=" + hmac.new(secret, request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Odyssey-Signature-256"] == expected
    webhook_row = next(row for row in rows if row.channel == "webhook")
    assert request.headers["X-Odyssey-Delivery"] == webhook_row.key
    assert request.json()["sections"][0]["issues"][0]["title"] == "New Python issue"

    unsubscribed = client.post(link.removeprefix("http://testserver"))
    assert unsubscribed.status_code == 200
    assert unsubscribed.json()["saved_search_ids"] == [search["id"]]
    channels = client.get(f"/v1/saved-searches/{search['id']}", headers=ada).json()
    assert channels["channels"] == ["in_app", "webhook"]


def test_issue_announced_once_across_redelivery(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    with running_worker():
        search = save_search(client, ada, channels=["in_app"])
        issue = make_issue(5, title="Python parser bug")
        store_and_index([issue])
        wait_until(lambda: settled_deliveries(ada_id, 1), what="the first delivery")
        # The same batch again (a redelivered message) and a re-index.
        enqueue(
            "match_saved_searches",
            [document_id("github", issue.external_id)],
            queue_name="alerts",
        )
        store_and_index([make_issue(5, title="Python parser bug, edited")])
        store_and_index([make_issue(6, title="Python lexer bug")])
        wait_until(lambda: settled_deliveries(ada_id, 2), what="the second delivery")
    with session_scope() as session:
        notes = session.exec(select(Notification.title)).all()
    assert len(notes) == 2
    assert len(matches_of(search["id"])) == 2
    listed = client.get(f"/v1/saved-searches/{search['id']}/deliveries", headers=ada)
    assert [item["issue_count"] for item in listed.json()["items"]] == [1, 1]


def test_newly_qualifying_issue_is_announced(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    with running_worker():
        save_search(client, ada, channels=["in_app"])
        # Without a beginner label the issue is stored but not indexed.
        store_and_index([make_issue(7, labels=("bug",))])
        store_and_index([make_issue(7, labels=("bug", "good first issue"))])
        rows = wait_until(lambda: settled_deliveries(ada_id, 1), what="a delivery")
    assert rows[0].status == "sent"
    assert client.get("/v1/notifications", headers=ada).json()["unread_count"] == 1


def test_webhook_retried_until_success(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    with webhook_receiver(failures=2) as receiver, running_worker():
        save_search(client, ada, channels=["webhook"], webhook_url=receiver.url)
        store_and_index([make_issue(8)])
        rows = wait_until(lambda: settled_deliveries(ada_id, 1), what="a delivery")
    assert rows[0].status == "sent"
    assert rows[0].attempts == 3
    assert len(receiver.requests) == 3
    keys = {request.headers["X-Odyssey-Delivery"] for request in receiver.requests}
    assert keys == {rows[0].key}


def test_failed_webhook_visible_to_user_and_admin(mail: _MailHandler) -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    _, bob = make_user("bob@example.org")
    with webhook_receiver(failures=100) as receiver, running_worker():
        search = save_search(
            client, ada, channels=["webhook"], webhook_url=receiver.url
        )
        store_and_index([make_issue(9)])
        rows = wait_until(lambda: settled_deliveries(ada_id, 1), what="a delivery")
    assert rows[0].status == "failed"
    assert len(receiver.requests) == 3
    log = client.get(f"/v1/saved-searches/{search['id']}/deliveries", headers=ada)
    item = log.json()["items"][0]
    assert item["status"] == "failed"
    assert item["attempts"] == 3
    assert item["last_error"] == "webhook receiver returned HTTP 500"
    admin_headers = {"Authorization": "Bearer test-admin-token"}
    failed = client.get("/v1/admin/deliveries?status=failed", headers=admin_headers)
    assert [row["id"] for row in failed.json()["items"]] == [rows[0].id]
    assert client.get("/v1/admin/deliveries", headers=bob).status_code == 403


def test_email_failure_recorded_when_smtp_down(monkeypatch: pytest.MonkeyPatch) -> None:
    with smtp_server() as handler:
        closed_port = handler.port
    configure_alert_settings(
        monkeypatch, SMTP_HOST="127.0.0.1", SMTP_PORT=str(closed_port)
    )
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    with running_worker():
        save_search(client, ada, channels=["email", "in_app"])
        store_and_index([make_issue(10)])
        rows = wait_until(lambda: settled_deliveries(ada_id, 2), what="2 deliveries")
    status = {row.channel: row.status for row in rows}
    assert status == {"email": "failed", "in_app": "sent"}
    email_row = next(row for row in rows if row.channel == "email")
    assert email_row.last_error is not None
    assert email_row.last_error.startswith("SMTP failed: ConnectionRefusedError")
    assert len(deliveries_of(ada_id)) == 2
