"""Helpers for the account tests: an app with the account routes and sign-up calls."""

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from accounts.routes import router
from core.errors import install_error_handlers

PASSWORD = "correct horse battery staple"


def accounts_client() -> TestClient:
    """A client of an app with only the account routes and the error handlers.

    Other packages' middleware (request rate limits) stays out of these tests.
    """
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    return TestClient(app)


def register(
    client: TestClient,
    email: str = "ada@example.org",
    password: str = PASSWORD,
    display_name: str = "Ada",
) -> dict[str, Any]:
    response = client.post(
        "/v1/auth/register",
        json={"email": email, "password": password, "display_name": display_name},
    )
    assert response.status_code == 201, response.text
    return response.json()


def login(client: TestClient, email: str = "ada@example.org", password: str = PASSWORD):
    return client.post("/v1/auth/login", json={"email": email, "password": password})


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}
