"""Registration, login, refresh and logout over HTTP."""

import pytest
from sqlmodel import select

from accounts.models import User
from accounts.passwords import password_hasher
from core.database import session_scope
from core.settings import get_settings
from tests.accounts_support import PASSWORD, accounts_client, bearer, login, register


@pytest.fixture
def client():
    return accounts_client()


def stored_users() -> list[User]:
    with session_scope() as session:
        return list(session.exec(select(User)).all())


def test_register_stores_normalised_email_and_argon2_hash(client):
    body = register(
        client, email="  Ada.Lovelace@Example.ORG ", display_name="  Ada   L. "
    )
    assert body["profile"]["email"] == "ada.lovelace@example.org"
    assert body["profile"]["display_name"] == "Ada L."
    assert body["profile"]["has_password"] is True
    assert body["tokens"]["token_type"] == "bearer"
    [user] = stored_users()
    assert user.email == "ada.lovelace@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert password_hasher.verify(user.password_hash, PASSWORD)
    assert PASSWORD not in user.password_hash


def test_register_tokens_work(client):
    tokens = register(client)["tokens"]
    response = client.get("/v1/profile", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.org"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pw", "password must be 12 to 128 characters long"),
        ("x" * 129, "invalid body.password"),
        ("abababababab", "at least 4 different characters"),
        ("my name is ada, ok?", "must not contain the name part of your email"),
        ("MY NAME IS ADA, OK?", "must not contain the name part of your email"),
    ],
)
def test_register_rejects_weak_password(client, password, message):
    response = client.post(
        "/v1/auth/register",
        json={"email": "ada@example.org", "password": password, "display_name": "Ada"},
    )
    assert response.status_code in (400, 422)
    assert message in response.json()["error"]["message"]
    assert stored_users() == []


def test_register_allows_short_email_name_in_password(client):
    response = client.post(
        "/v1/auth/register",
        json={"email": "a@example.org", "password": "correct horse battery", "display_name": "A"},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", "a@b"),
        ("display_name", "   "),
        ("display_name", "a\x00b"),
    ],
)
def test_register_rejects_invalid_fields(client, field, value):
    body = {"email": "ada@example.org", "password": PASSWORD, "display_name": "Ada"}
    body[field] = value
    response = client.post("/v1/auth/register", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert error["details"]["parameter"] == field
    assert stored_users() == []


def test_register_duplicate_email_conflicts(client):
    register(client, email="ada@example.org")
    response = client.post(
        "/v1/auth/register",
        json={
            "email": "ADA@example.org",
            "password": PASSWORD,
            "display_name": "Other",
        },
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert len(stored_users()) == 1


def test_login_returns_token_pair(client):
    register(client)
    response = login(client, email=" ADA@example.org")
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["expires_in"] == get_settings().access_token_minutes * 60
    assert tokens["refresh_expires_in"] == get_settings().refresh_token_days * 86400
    me = client.get("/v1/profile", headers=bearer(tokens["access_token"]))
    assert me.json()["email"] == "ada@example.org"


def test_login_failures_look_identical(client):
    register(client)
    wrong_password = login(client, password="wrong password 123")
    unknown_email = login(client, email="nobody@example.org")
    malformed_email = login(client, email="nobody")
    for response in (wrong_password, unknown_email, malformed_email):
        assert response.status_code == 401
    assert wrong_password.json() == unknown_email.json() == malformed_email.json()
    assert wrong_password.json()["error"]["message"] == "invalid email or password"


def test_login_locks_account_after_failures(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_failures_per_account", 3)
    register(client)
    for _ in range(3):
        assert login(client, password="wrong password 123").status_code == 401
    locked = login(client)
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_requests"
    retry_after = int(locked.headers["Retry-After"])
    assert 0 < retry_after <= get_settings().login_failure_window
    # The right password does not get through a locked account.
    assert login(client).status_code == 429
    # Unknown emails are counted the same way, so the lock reveals nothing.
    for _ in range(3):
        assert login(client, email="nobody@example.org").status_code == 401
    assert login(client, email="nobody@example.org").status_code == 429


def test_login_locks_address_across_accounts(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 4)
    register(client)
    for number in range(4):
        assert login(client, email=f"user{number}@example.org").status_code == 401
    response = login(client)
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_successful_login_clears_account_failures(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_failures_per_account", 3)
    register(client)
    for _ in range(2):
        login(client, password="wrong password 123")
    assert login(client).status_code == 200
    for _ in range(2):
        login(client, password="wrong password 123")
    assert login(client).status_code == 200


def test_trusted_proxy_address_is_counted(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 2)
    monkeypatch.setattr(get_settings(), "trusted_proxies", "testclient")
    register(client)
    for number in range(2):
        response = client.post(
            "/v1/auth/login",
            json={"email": f"u{number}@example.org", "password": "x"},
            headers={"X-Real-IP": "203.0.113.7"},
        )
        assert response.status_code == 401
    other_client = client.post(
        "/v1/auth/login",
        json={"email": "ada@example.org", "password": PASSWORD},
        headers={"X-Real-IP": "203.0.113.8"},
    )
    assert other_client.status_code == 200
    same_client = client.post(
        "/v1/auth/login",
        json={"email": "ada@example.org", "password": PASSWORD},
        headers={"X-Real-IP": "203.0.113.7"},
    )
    assert same_client.status_code == 429


def test_refresh_rotates_token(client):
    first = register(client)["tokens"]
    response = client.post(
        "/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (
        client.get("/v1/profile", headers=bearer(second["access_token"])).status_code
        == 200
    )
    third = client.post(
        "/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
    )
    assert third.status_code == 200


def test_refresh_rejects_unknown_token(client):
    response = client.post("/v1/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_logout_unknown_token_is_no_content(client):
    assert (
        client.post("/v1/auth/logout", json={"refresh_token": "made-up"}).status_code
        == 204
    )


def test_access_token_endpoint_without_secret_is_unavailable(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "jwt_secret", None)
    response = client.post(
        "/v1/auth/register",
        json={"email": "ada@example.org", "password": PASSWORD, "display_name": "Ada"},
    )
    assert response.status_code == 503
    assert "ODYSSEY_JWT_SECRET" in response.json()["error"]["message"]
    assert stored_users() == []


def test_accounts_routes_are_in_the_app():
    from fastapi.testclient import TestClient

    from search_api.app import create_app

    client = TestClient(create_app())
    tokens = register(client)["tokens"]
    assert (
        client.get("/v1/profile", headers=bearer(tokens["access_token"])).status_code
        == 200
    )
