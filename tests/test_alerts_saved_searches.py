"""Saved search CRUD over REST: validation, the webhook secret and isolation."""

import pytest
from sqlmodel import select

from alerts.models import SavedSearch
from core.database import session_scope
from tests.alerts_support import api_client, configure_alert_settings, make_user

BODY = {
    "name": "Python docs",
    "query": {"q": "docs", "language": ["Python"]},
    "frequency": "daily",
    "channels": ["in_app", "email"],
    "timezone": "Europe/Berlin",
    "digest_hour": 7,
}


@pytest.fixture(autouse=True)
def alert_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    configure_alert_settings(monkeypatch)


def stored_search_count() -> int:
    with session_scope() as session:
        return len(session.exec(select(SavedSearch.id)).all())


def test_create_list_get_saved_search() -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    created = client.post("/v1/saved-searches", json=BODY, headers=headers)
    assert created.status_code == 201, created.text
    search = created.json()
    assert search["name"] == "Python docs"
    assert search["query"] == {"q": "docs", "language": ["Python"]}
    assert search["frequency"] == "daily"
    assert search["channels"] == ["in_app", "email"]
    assert search["timezone"] == "Europe/Berlin"
    assert search["webhook_secret"] is None
    listed = client.get("/v1/saved-searches", headers=headers).json()["items"]
    assert [item["id"] for item in listed] == [search["id"]]
    fetched = client.get(f"/v1/saved-searches/{search['id']}", headers=headers)
    assert fetched.json()["digest_hour"] == 7


def test_replace_and_delete_saved_search() -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    search_id = client.post("/v1/saved-searches", json=BODY, headers=headers).json()[
        "id"
    ]
    replaced = client.put(
        f"/v1/saved-searches/{search_id}",
        json={
            **BODY,
            "name": "Go tests",
            "query": {"kind": ["tests"]},
            "frequency": "weekly",
        },
        headers=headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["name"] == "Go tests"
    assert replaced.json()["query"] == {"kind": ["tests"]}
    assert replaced.json()["frequency"] == "weekly"
    deleted = client.delete(f"/v1/saved-searches/{search_id}", headers=headers)
    assert deleted.status_code == 204
    missing = client.get(f"/v1/saved-searches/{search_id}", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_webhook_secret_shown_once() -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    body = {
        **BODY,
        "channels": ["webhook"],
        "webhook_url": "https://hooks.example.org/x",
    }
    created = client.post("/v1/saved-searches", json=body, headers=headers).json()
    assert len(created["webhook_secret"]) == 64
    fetched = client.get(f"/v1/saved-searches/{created['id']}", headers=headers).json()
    assert fetched["webhook_secret"] is None
    kept = client.put(f"/v1/saved-searches/{created['id']}", json=body, headers=headers)
    assert kept.json()["webhook_secret"] is None
    with session_scope() as session:
        stored = session.get(SavedSearch, created["id"])
        assert stored is not None
        assert stored.webhook_secret == created["webhook_secret"]


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (
            {"channels": ["webhook"], "webhook_url": "http://hooks.example.org/x"},
            "webhook_url",
        ),
        ({"channels": ["webhook"], "webhook_url": "https://10.0.0.5/x"}, "webhook_url"),
        (
            {"channels": ["webhook"], "webhook_url": "ftp://hooks.example.org"},
            "webhook_url",
        ),
        ({"channels": ["webhook"]}, "body"),
        ({"query": {"label": [""]}}, "label"),
        ({"query": {"sort": "newest"}}, "body.query.sort"),
        ({"query": {"min_stars": -1}}, "body.query.min_stars"),
        ({"timezone": "Mars/Olympus"}, "body.timezone"),
        ({"digest_hour": 24}, "body.digest_hour"),
        ({"frequency": "hourly"}, "body.frequency"),
        ({"channels": ["sms"]}, "body.channels.0"),
        ({"name": "   "}, "body.name"),
    ],
)
def test_invalid_saved_search_rejected(change: dict, location: str) -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    response = client.post(
        "/v1/saved-searches", json={**BODY, **change}, headers=headers
    )
    assert response.status_code in (400, 422), response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert location in str(error["details"]) or location in error["message"]
    assert stored_search_count() == 0


def test_loopback_http_webhook_needs_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    body = {**BODY, "channels": ["webhook"], "webhook_url": "http://127.0.0.1:9/hook"}
    assert (
        client.post("/v1/saved-searches", json=body, headers=headers).status_code == 201
    )
    configure_alert_settings(monkeypatch, ALERT_WEBHOOK_ALLOW_LOOPBACK_HTTP="false")
    rejected = client.post(
        "/v1/saved-searches", json={**body, "name": "second"}, headers=headers
    )
    assert rejected.status_code == 400
    assert "https" in rejected.json()["error"]["message"]


def test_duplicate_name_conflicts() -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    assert (
        client.post("/v1/saved-searches", json=BODY, headers=headers).status_code == 201
    )
    again = client.post("/v1/saved-searches", json=BODY, headers=headers)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_saved_searches_isolated_per_user() -> None:
    client = api_client()
    _, ada = make_user("ada@example.org")
    _, bob = make_user("bob@example.org")
    search_id = client.post("/v1/saved-searches", json=BODY, headers=ada).json()["id"]
    assert client.get("/v1/saved-searches", headers=bob).json()["items"] == []
    path = f"/v1/saved-searches/{search_id}"
    assert client.get(path, headers=bob).status_code == 404
    assert client.put(path, json=BODY, headers=bob).status_code == 404
    assert client.delete(path, headers=bob).status_code == 404
    assert client.get(f"{path}/deliveries", headers=bob).status_code == 404
    assert client.get(path, headers=ada).status_code == 200


def test_saved_searches_need_sign_in() -> None:
    client = api_client()
    response = client.get("/v1/saved-searches")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_out_of_range_id_rejected() -> None:
    client = api_client()
    _, headers = make_user("ada@example.org")
    response = client.get("/v1/saved-searches/2147483648", headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_parameter"
