"""Access tokens and the user dependencies."""

import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jose import jwt

from accounts.dependencies import AdminDep, CurrentUser, OptionalUser
from accounts.models import User
from accounts.tokens import ALGORITHM, AUDIENCE, ISSUER, create_access_token
from core.database import session_scope
from core.errors import install_error_handlers
from core.settings import get_settings


@pytest.fixture
def client() -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/me")
    def me(user: CurrentUser) -> dict:
        return {"id": user.id, "email": user.email}

    @app.get("/maybe")
    def maybe(user: OptionalUser) -> dict:
        return {"id": user.id if user else None}

    @app.get("/admin")
    def admin(_: AdminDep) -> dict:
        return {"ok": True}

    return TestClient(app)


def make_user(role: str = "user") -> User:
    with session_scope() as session:
        user = User(email=f"{role}@example.com", display_name=role.title(), role=role)
        session.add(user)
        session.flush()
        return user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forge(claims: dict, secret: str | None = None, algorithm: str = ALGORITHM) -> str:
    base = {
        "typ": "access",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time()) + 60,
    }
    return jwt.encode({**base, **claims}, secret or get_settings().jwt_secret, algorithm=algorithm)


def test_valid_token_identifies_user(client):
    user = make_user()
    token, _ = create_access_token(user.id, user.role)
    assert client.get("/me", headers=bearer(token)).json() == {
        "id": user.id,
        "email": "user@example.com",
    }
    assert client.get("/maybe", headers=bearer(token)).json() == {"id": user.id}


def test_anonymous_caller(client):
    assert client.get("/me").status_code == 401
    assert client.get("/maybe").json() == {"id": None}


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user_id: forge({"sub": str(user_id)}, secret="another-secret-" + "y" * 32),
        lambda user_id: forge({"sub": str(user_id), "exp": int(time.time()) - 5}),
        lambda user_id: forge({"sub": str(user_id), "aud": "someone-else"}),
        lambda user_id: forge({"sub": str(user_id), "iss": "someone-else"}),
        lambda user_id: forge({"sub": str(user_id), "typ": "refresh"}),
        lambda user_id: forge({"sub": str(user_id)}, algorithm="HS512"),
        lambda user_id: jwt.encode({"sub": str(user_id)}, "", algorithm="HS256")[:-10] + "tampered00",
    ],
    ids=["wrong-secret", "expired", "wrong-audience", "wrong-issuer", "refresh-type", "other-alg", "tampered"],
)
def test_bad_tokens_are_rejected(client, make_token):
    user = make_user()
    response = client.get("/me", headers=bearer(make_token(user.id)))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_alg_none_token_is_rejected(client):
    user = make_user()
    header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  # {"alg":"none","typ":"JWT"}
    payload = jwt.encode({"sub": str(user.id)}, "k", algorithm="HS256").split(".")[1]
    response = client.get("/me", headers=bearer(f"{header}.{payload}."))
    assert response.status_code == 401


def test_admin_role_or_service_token(client):
    admin = make_user("admin")
    user = make_user("user")
    admin_token, _ = create_access_token(admin.id, admin.role)
    user_token, _ = create_access_token(user.id, user.role)
    assert client.get("/admin", headers=bearer(admin_token)).status_code == 200
    assert client.get("/admin", headers=bearer("test-admin-token")).status_code == 200
    assert client.get("/admin", headers=bearer(user_token)).status_code == 403
    assert client.get("/admin").status_code == 401


def test_token_of_deleted_user_is_rejected(client):
    user = make_user()
    token, _ = create_access_token(user.id, user.role)
    with session_scope() as session:
        session.delete(session.get(User, user.id))
    assert client.get("/me", headers=bearer(token)).status_code == 401
