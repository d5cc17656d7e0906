"""Rate limits, request body limits, CORS and versioned paths of the HTTP API."""

import types

import pytest
from fastapi.testclient import TestClient

from accounts.tokens import create_access_token
from core.settings import get_settings
from search_api import rate_limit
from search_api.app import create_app

# A fixed clock in the middle of a rate-limit window, so no test crosses one.
FIXED_NOW = 1_800_000_030.0


@pytest.fixture
def limits(monkeypatch):
    """Turn rate limits on (the suite runs with them off) with a fixed clock."""
    settings = get_settings()
    monkeypatch.setattr(settings, "rate_limit_anonymous_per_minute", 3)
    monkeypatch.setattr(settings, "rate_limit_user_per_minute", 5)
    monkeypatch.setattr(settings, "trusted_proxies", "testclient")
    clock = types.SimpleNamespace(time=lambda: FIXED_NOW, monotonic=lambda: 0.0)
    monkeypatch.setattr(rate_limit, "time", clock)
    return settings


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


def statuses(client: TestClient, count: int, **kwargs) -> list[int]:
    return [client.get("/v1/issues/github:none", **kwargs).status_code for _ in range(count)]


def test_anonymous_client_gets_429_over_limit(limits, client):
    assert statuses(client, 3) == [404, 404, 404]
    response = client.get("/v1/issues/github:none")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert response.headers["x-ratelimit-limit"] == "3"
    error = response.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["details"] == {"limit": 3, "retry_after": 30}


def test_rate_limit_counts_each_address_apart(limits, client):
    first = {"headers": {"X-Real-IP": "203.0.113.1"}}
    second = {"headers": {"X-Real-IP": "203.0.113.2"}}
    assert statuses(client, 4, **first) == [404, 404, 404, 429]
    assert statuses(client, 3, **second) == [404, 404, 404]


def test_rate_limit_ignores_real_ip_from_untrusted_peer(limits, client, monkeypatch):
    monkeypatch.setattr(limits, "trusted_proxies", "127.0.0.1")
    spoofed = [{"headers": {"X-Real-IP": f"198.51.100.{number}"}} for number in range(4)]
    results = [statuses(client, 1, **kwargs)[0] for kwargs in spoofed]
    assert results == [404, 404, 404, 429]


def test_trusted_proxies_accept_networks():
    assert rate_limit.is_trusted_proxy("10.1.2.3", "127.0.0.1, 10.0.0.0/8")
    assert rate_limit.is_trusted_proxy("::1", "127.0.0.1,::1")
    assert not rate_limit.is_trusted_proxy("192.0.2.1", "10.0.0.0/8")
    assert not rate_limit.is_trusted_proxy("10.1.2.3", "")


def test_signed_in_user_gets_user_limit(limits, client):
    token, _ = create_access_token(user_id=7, role="user")
    signed_in = {"headers": {"Authorization": f"Bearer {token}"}}
    assert statuses(client, 6, **signed_in) == [404] * 5 + [429]
    # The user's budget is apart from the address's.
    assert statuses(client, 1) == [404]


def test_invalid_token_is_counted_by_address(limits, client):
    forged = {"headers": {"Authorization": "Bearer not-a-token"}}
    assert statuses(client, 4, **forged) == [404, 404, 404, 429]


def test_probes_are_never_rate_limited(limits, client):
    assert statuses(client, 3) == [404, 404, 404]
    assert client.get("/healthz").status_code == 200
    assert client.get("/metrics").status_code == 200


def test_web_ui_files_are_not_rate_limited(limits, client):
    assert statuses(client, 3) == [404, 404, 404]
    page = client.get("/")
    assert page.status_code != 429
    assert client.get("/v1/issues/github:none").status_code == 429


def test_rate_limit_zero_turns_it_off(client):
    assert get_settings().rate_limit_anonymous_per_minute == 0
    assert set(statuses(client, 10)) == {404}


@pytest.fixture
def small_body_limit(monkeypatch):
    monkeypatch.setattr(get_settings(), "max_request_body_bytes", 100)


def test_body_over_limit_gets_413(small_body_limit, client):
    response = client.post("/v1/refresh", content=b"x" * 101)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "payload_too_large"
    assert error["details"] == {"max_bytes": 100}


def test_chunked_body_over_limit_gets_413(small_body_limit, client):
    chunks = (b"x" * 60 for _ in range(2))
    response = client.post("/v1/refresh", content=chunks)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_body_within_limit_reaches_endpoint(small_body_limit, client):
    response = client.post("/v1/refresh", content=b"x" * 100)
    assert response.status_code == 401
    chunked = client.post("/v1/refresh", content=(b"x" * 50 for _ in range(2)))
    assert chunked.status_code == 401


def test_cors_allows_configured_origin_only(monkeypatch):
    monkeypatch.setattr(get_settings(), "cors_allowed_origins", "https://ui.example.org")
    client = TestClient(create_app())
    preflight = {"Access-Control-Request-Method": "GET"}
    allowed = client.options(
        "/v1/search", headers={"Origin": "https://ui.example.org", **preflight}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example.org"
    denied = client.options("/v1/search", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in denied.headers


def test_no_cors_headers_by_default(client):
    response = client.get("/healthz", headers={"Origin": "https://ui.example.org"})
    assert "access-control-allow-origin" not in response.headers


def test_api_paths_are_versioned(client):
    api_paths = [
        path
        for path in client.get("/openapi.json").json()["paths"]
        if path not in {"/healthz", "/readyz"}
    ]
    assert api_paths
    unversioned = [path for path in api_paths if not path.startswith(("/v1/", "/graphql"))]
    assert unversioned == []


def test_api_docs_load_nothing_from_other_sites(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text
    script = client.get("/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200
