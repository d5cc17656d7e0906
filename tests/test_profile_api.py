"""Profile reads and updates, data export and account erasure."""

import pytest
from sqlalchemy import text
from sqlmodel import select

from accounts import data_control
from accounts.models import User
from core.database import get_engine, session_scope
from core.redis_client import get_redis
from tests.accounts_support import accounts_client, bearer, login, register


@pytest.fixture
def client():
    return accounts_client()


@pytest.fixture
def signed_in(client) -> dict[str, str]:
    return bearer(register(client)["tokens"]["access_token"])


def test_profile_requires_sign_in(client):
    assert client.get("/v1/profile").status_code == 401
    assert client.patch("/v1/profile", json={}).status_code == 401
    assert client.get("/v1/profile/export").status_code == 401
    assert client.delete("/v1/profile").status_code == 401


def test_get_profile(client, signed_in):
    profile = client.get("/v1/profile", headers=signed_in).json()
    assert profile["email"] == "ada@example.org"
    assert profile["role"] == "user"
    assert profile["preferred_languages"] == []
    assert profile["preferred_difficulty"] is None
    assert profile["github"] is None


def test_patch_profile_normalises_languages(client, signed_in):
    response = client.patch(
        "/v1/profile",
        headers=signed_in,
        json={
            "display_name": " Ada  L. ",
            "preferred_languages": ["python", "Python", "c++", "typescript"],
            "preferred_difficulty": "intermediate",
        },
    )
    assert response.status_code == 200
    profile = response.json()
    assert profile["display_name"] == "Ada L."
    assert profile["preferred_languages"] == ["Python", "C++", "TypeScript"]
    assert profile["preferred_difficulty"] == "intermediate"
    assert client.get("/v1/profile", headers=signed_in).json() == profile


def test_patch_profile_keeps_omitted_fields(client, signed_in):
    client.patch(
        "/v1/profile", headers=signed_in, json={"preferred_difficulty": "beginner"}
    )
    profile = client.patch(
        "/v1/profile", headers=signed_in, json={"display_name": "Countess"}
    ).json()
    assert profile["preferred_difficulty"] == "beginner"
    cleared = client.patch(
        "/v1/profile", headers=signed_in, json={"preferred_difficulty": None}
    ).json()
    assert cleared["preferred_difficulty"] is None
    assert cleared["display_name"] == "Countess"


@pytest.mark.parametrize(
    "body",
    [
        {"preferred_difficulty": "expert"},
        {"preferred_languages": ["Python", "   "]},
        {"preferred_languages": ["x" * 51]},
        {"preferred_languages": [f"Lang{number}" for number in range(21)]},
        {"display_name": ""},
        {"display_name": None},
        {"display_name": "Valid", "preferred_difficulty": "expert"},
        {"role": "admin"},
        {"email": "other@example.org"},
    ],
)
def test_patch_profile_rejects_bad_input_and_stores_nothing(client, signed_in, body):
    before = client.get("/v1/profile", headers=signed_in).json()
    response = client.patch("/v1/profile", headers=signed_in, json=body)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == "invalid_parameter"
    assert client.get("/v1/profile", headers=signed_in).json() == before


def test_export_contains_registered_sections(client, signed_in):
    def export_notes(session, user_id):
        return [{"user_id": user_id, "note": "hello"}]

    data_control.register_exporter("notes", export_notes)
    try:
        export = client.get("/v1/profile/export", headers=signed_in).json()
    finally:
        data_control.unregister("notes")
    assert export["account"]["email"] == "ada@example.org"
    assert export["account"]["has_password"] is True
    assert export["github"] is None
    assert export["notes"] == [{"user_id": export["account"]["id"], "note": "hello"}]
    assert "password_hash" not in str(export)
    assert "$argon2" not in str(export)


def test_reserved_export_section_is_rejected():
    with pytest.raises(ValueError):
        data_control.register_exporter("account", lambda session, user_id: None)


def test_delete_profile_erases_account_and_sessions(client):
    tokens = register(client)["tokens"]
    erased: list[int] = []

    def erase_notes(session, user_id):
        erased.append(user_id)

    data_control.register_eraser(erase_notes)
    try:
        response = client.delete("/v1/profile", headers=bearer(tokens["access_token"]))
    finally:
        data_control.unregister(erase_notes)
    assert response.status_code == 204
    assert erased == [1]
    with session_scope() as session:
        assert session.exec(select(User)).all() == []
    refresh = client.post(
        "/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refresh.status_code == 401
    assert get_redis().keys("auth:family:*") == []
    assert login(client).status_code == 401
    # The email can be registered again, as a new account.
    assert register(client)["profile"]["id"] != 1


def test_delete_profile_removes_github_identity(client):
    tokens = register(client)["tokens"]
    with session_scope() as session:
        session.execute(
            text(
                "INSERT INTO github_identity (user_id, github_user_id, "
                "github_login, encrypted_token, scope, linked_at) "
                "VALUES (1, 42, 'ada', 'x', '', now())"
            )
        )
    client.delete("/v1/profile", headers=bearer(tokens["access_token"]))
    with get_engine().connect() as connection:
        assert (
            connection.execute(text("SELECT count(*) FROM github_identity")).scalar()
            == 0
        )


def test_failing_eraser_keeps_account(client):
    tokens = register(client)["tokens"]

    def broken_eraser(session, user_id):
        raise RuntimeError("eraser failed")

    data_control.register_eraser(broken_eraser)
    try:
        # The test client re-raises server errors instead of returning the 500.
        with pytest.raises(RuntimeError):
            client.delete("/v1/profile", headers=bearer(tokens["access_token"]))
    finally:
        data_control.unregister(broken_eraser)
    with session_scope() as session:
        assert len(session.exec(select(User)).all()) == 1
