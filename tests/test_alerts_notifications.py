"""In-app notifications, admin notifications, resumed deliveries and the
personal data of alerts."""

import pytest
from sqlmodel import select

import alerts.tasks  # noqa: F401  (declares the actors before the worker starts)
from accounts.data_control import erase_personal_data, export_sections
from alerts.deliveries import create_delivery, enqueue_deliveries
from alerts.models import AlertDelivery, Notification, SavedSearch
from core.database import session_scope
from tests.alerts_support import (
    api_client,
    configure_alert_settings,
    make_user,
    settled_deliveries,
    wait_until,
)
from tests.pipeline import running_worker

ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture(autouse=True)
def alert_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_alert_settings(monkeypatch)


def notification_count() -> int:
    with session_scope() as session:
        return len(session.exec(select(Notification.id)).all())


def test_admin_notify_then_mark_read() -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    _, bob = make_user("bob@example.org")
    with running_worker():
        for title in ("First", "Second"):
            sent = client.post(
                "/v1/notify", json={"user_id": ada_id, "title": title}, headers=ADMIN
            )
            assert sent.status_code == 202, sent.text
        wait_until(lambda: settled_deliveries(ada_id, 2), what="2 deliveries")
    listed = client.get("/v1/notifications", headers=ada).json()
    assert sorted(item["title"] for item in listed["items"]) == ["First", "Second"]
    assert listed["unread_count"] == 2
    first_id = next(item["id"] for item in listed["items"] if item["title"] == "First")
    assert (
        client.post(f"/v1/notifications/{first_id}/read", headers=bob).status_code
        == 404
    )
    read = client.post(f"/v1/notifications/{first_id}/read", headers=ada)
    assert read.json()["read_at"] is not None
    unread = client.get("/v1/notifications?unread=true", headers=ada).json()
    assert [item["title"] for item in unread["items"]] == ["Second"]
    assert unread["unread_count"] == 1
    assert client.post("/v1/notifications/read-all", headers=ada).json() == {
        "marked_read": 1
    }
    assert client.get("/v1/notifications", headers=ada).json()["unread_count"] == 0
    assert client.get("/v1/notifications", headers=bob).json()["items"] == []


def test_notify_needs_admin_and_known_user() -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    body = {"user_id": ada_id, "title": "Hello"}
    assert client.post("/v1/notify", json=body, headers=ada).status_code == 403
    unknown = client.post("/v1/notify", json={**body, "user_id": 999}, headers=ADMIN)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    blank = client.post("/v1/notify", json={**body, "title": ""}, headers=ADMIN)
    assert blank.status_code == 422
    with session_scope() as session:
        assert session.exec(select(AlertDelivery.id)).all() == []


def test_delivery_resumes_after_worker_died() -> None:
    ada_id, _ = make_user("ada@example.org")
    with session_scope() as session:
        delivery = create_delivery(
            session,
            user_id=ada_id,
            saved_search_id=None,
            channel="in_app",
            kind="manual",
            payload={"kind": "manual", "title": "Resumed", "sections": []},
        )
        # A worker counted an attempt, then died before marking the row sent.
        delivery.attempts = 1
        delivery_id = delivery.id
    assert delivery_id is not None
    with running_worker():
        enqueue_deliveries([delivery_id, delivery_id])
        rows = wait_until(lambda: settled_deliveries(ada_id, 1), what="the delivery")
        wait_until(lambda: notification_count() == 1, what="the notification")
    assert rows[0].status == "sent"
    assert rows[0].attempts == 2
    assert notification_count() == 1


def test_alerts_exported_and_erased() -> None:
    client = api_client()
    ada_id, ada = make_user("ada@example.org")
    body = {
        "name": "Docs",
        "channels": ["webhook"],
        "webhook_url": "https://h.example.org/",
    }
    assert client.post("/v1/saved-searches", json=body, headers=ada).status_code == 201
    with session_scope() as session:
        exported = export_sections(session, ada_id)["alerts"]
    assert [search["name"] for search in exported["saved_searches"]] == ["Docs"]
    assert "webhook_secret" not in exported["saved_searches"][0]
    with session_scope() as session:
        erase_personal_data(session, ada_id)
    with session_scope() as session:
        assert session.exec(select(SavedSearch.id)).all() == []
