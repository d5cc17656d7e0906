"""Saved searches and in-app notifications through GraphQL."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from alerts.delivery.in_app import store_notification
from alerts.models import AlertDelivery
from alerts.notifications import create_manual_notification
from alerts.schemas import NotifyIn
from core.database import session_scope
from search_api.app import create_app
from tests.graphql_helpers import error_codes, graphql, make_user_token

SAVED_FIELDS = "id name query frequency channels webhookUrl timezone digestHour"

CREATE = f"""mutation($input: SavedSearchInput!) {{
    createSavedSearch(input: $input) {{ {SAVED_FIELDS} }} }}"""
UPDATE = f"""mutation($id: Int!, $input: SavedSearchInput!) {{
    updateSavedSearch(id: $id, input: $input) {{ {SAVED_FIELDS} }} }}"""
DELETE = "mutation($id: Int!) { deleteSavedSearch(id: $id) }"
LIST = f"{{ savedSearches {{ {SAVED_FIELDS} }} }}"
GET = f"query($id: Int!) {{ savedSearch(id: $id) {{ {SAVED_FIELDS} }} }}"
NOTIFICATIONS = """query($unreadOnly: Boolean!) {
    notifications(unreadOnly: $unreadOnly, first: 10) {
        unreadCount items { id title readAt } } }"""


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


def notify(user_id: int, title: str) -> None:
    """Create an in-app notification as a delivery worker would."""
    with session_scope() as session:
        data = NotifyIn(user_id=user_id, title=title)
        for delivery_id in create_manual_notification(session, data):
            delivery = session.get(AlertDelivery, delivery_id)
            assert delivery is not None
            store_notification(session, delivery)


def data_of(body: dict[str, Any]) -> Any:
    assert "errors" not in body, body["errors"]
    (value,) = body["data"].values()
    return value


def test_saved_search_lifecycle(client: TestClient) -> None:
    _, token = make_user_token("ada@example.com")
    created = data_of(
        graphql(
            client,
            CREATE,
            {
                "input": {
                    "name": "  Python docs ",
                    "q": "docs",
                    "filters": {"languages": ["Python"], "freshness": "WEEK"},
                    "frequency": "daily",
                    "channels": ["in_app", "email"],
                }
            },
            token=token,
        )
    )
    assert created["name"] == "Python docs"
    assert created["query"] == {
        "q": "docs",
        "language": ["Python"],
        "freshness": "week",
    }
    assert created["frequency"] == "daily"
    assert created["channels"] == ["in_app", "email"]
    assert created["timezone"] == "UTC"
    search_id = created["id"]

    listed = data_of(graphql(client, LIST, token=token))
    assert listed == [created]
    assert data_of(graphql(client, GET, {"id": search_id}, token=token)) == created

    updated = data_of(
        graphql(
            client,
            UPDATE,
            {
                "id": search_id,
                "input": {"name": "Rust", "filters": {"languages": ["Rust"]}},
            },
            token=token,
        )
    )
    assert updated["name"] == "Rust"
    assert updated["query"] == {"language": ["Rust"]}
    # Replacing resets omitted fields to their defaults, as PUT does.
    assert updated["frequency"] == "instant"
    assert updated["channels"] == ["in_app"]

    assert data_of(graphql(client, DELETE, {"id": search_id}, token=token)) is True
    assert data_of(graphql(client, LIST, token=token)) == []
    missing = graphql(client, GET, {"id": search_id}, token=token)
    assert error_codes(missing) == ["NOT_FOUND"]


def test_saved_search_of_other_user_not_found(client: TestClient) -> None:
    _, ada = make_user_token("ada@example.com")
    _, bob = make_user_token("bob@example.com")
    created = data_of(graphql(client, CREATE, {"input": {"name": "Mine"}}, token=ada))
    for query in (GET, DELETE):
        body = graphql(client, query, {"id": created["id"]}, token=bob)
        assert error_codes(body) == ["NOT_FOUND"]
    body = graphql(
        client, UPDATE, {"id": created["id"], "input": {"name": "x"}}, token=bob
    )
    assert error_codes(body) == ["NOT_FOUND"]
    assert len(data_of(graphql(client, LIST, token=ada))) == 1


@pytest.mark.parametrize(
    "input",
    [
        {"name": " "},
        {"name": "Hook", "channels": ["webhook"]},
        {"name": "Zone", "timezone": "Mars/Olympus"},
        {"name": "Hour", "digestHour": 24},
    ],
)
def test_invalid_saved_search_rejected(client: TestClient, input: dict) -> None:
    _, token = make_user_token("ada@example.com")
    body = graphql(client, CREATE, {"input": input}, token=token)
    assert error_codes(body) == ["INVALID_PARAMETER"]
    assert data_of(graphql(client, LIST, token=token)) == []


def test_alert_operations_need_sign_in(client: TestClient) -> None:
    for query in (LIST, "{ unreadNotificationCount }"):
        assert error_codes(graphql(client, query)) == ["UNAUTHORIZED"]
    body = graphql(client, CREATE, {"input": {"name": "x"}})
    assert error_codes(body) == ["UNAUTHORIZED"]


def test_notifications_list_and_mark_read(client: TestClient) -> None:
    ada_id, ada = make_user_token("ada@example.com")
    _, bob = make_user_token("bob@example.com")
    notify(ada_id, "First")
    notify(ada_id, "Second")
    notify(ada_id, "Third")

    listed = data_of(graphql(client, NOTIFICATIONS, {"unreadOnly": False}, token=ada))
    assert [item["title"] for item in listed["items"]] == ["Third", "Second", "First"]
    assert listed["unreadCount"] == 3
    count = data_of(graphql(client, "{ unreadNotificationCount }", token=ada))
    assert count == 3
    first_id = listed["items"][2]["id"]

    mark = "mutation($id: Int!) { markNotificationRead(id: $id) { id readAt } }"
    assert error_codes(graphql(client, mark, {"id": first_id}, token=bob)) == [
        "NOT_FOUND"
    ]
    read = data_of(graphql(client, mark, {"id": first_id}, token=ada))
    assert read["readAt"] is not None
    again = data_of(graphql(client, mark, {"id": first_id}, token=ada))
    assert again["readAt"] == read["readAt"]

    unread = data_of(graphql(client, NOTIFICATIONS, {"unreadOnly": True}, token=ada))
    assert [item["title"] for item in unread["items"]] == ["Third", "Second"]
    assert unread["unreadCount"] == 2

    read_all = "mutation { markAllNotificationsRead { markedRead } }"
    assert data_of(graphql(client, read_all, token=ada)) == {"markedRead": 2}
    assert data_of(graphql(client, read_all, token=ada)) == {"markedRead": 0}
    count = data_of(graphql(client, "{ unreadNotificationCount }", token=ada))
    assert count == 0
    bob_list = data_of(graphql(client, NOTIFICATIONS, {"unreadOnly": False}, token=bob))
    assert bob_list == {"unreadCount": 0, "items": []}


def test_notifications_page_size_checked(client: TestClient) -> None:
    _, token = make_user_token("ada@example.com")
    for query in (
        "{ notifications(first: 0) { unreadCount } }",
        "{ notifications(first: 101) { unreadCount } }",
        "{ notifications(offset: -1) { unreadCount } }",
    ):
        assert error_codes(graphql(client, query, token=token)) == ["INVALID_PARAMETER"]
