"""Helpers shared by the GraphQL tests."""

from typing import Any

from fastapi.testclient import TestClient

from accounts.models import User
from accounts.tokens import create_access_token
from core.database import session_scope

ADMIN_TOKEN = "test-admin-token"


def graphql(
    client: TestClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """POST one operation to /graphql and return the JSON body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def make_user_token(
    email: str = "ada@example.com", role: str = "user"
) -> tuple[int, str]:
    """Create a user row and return its id and an access token."""
    with session_scope() as session:
        user = User(email=email, display_name=email.split("@")[0], role=role)
        session.add(user)
        session.flush()
        user_id = user.id
    assert user_id is not None
    token, _expires = create_access_token(user_id, role)
    return user_id, token
