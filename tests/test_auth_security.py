"""Security properties of sessions and logins: reuse detection, logout, timing, logs."""

import logging
import statistics
import time

import pytest
from argon2 import PasswordHasher

from accounts import passwords
from core.settings import get_settings
from tests.accounts_support import PASSWORD, accounts_client, bearer, login, register


@pytest.fixture
def client():
    return accounts_client()


def refresh(client, token: str):
    return client.post("/v1/auth/refresh", json={"refresh_token": token})


def test_refresh_reuse_revokes_whole_family(client):
    first = register(client)["tokens"]
    second = refresh(client, first["refresh_token"]).json()
    reused = refresh(client, first["refresh_token"])
    assert reused.status_code == 401
    # The thief's copy and the owner's current tokens are all dead now.
    assert refresh(client, second["refresh_token"]).status_code == 401
    profile = client.get("/v1/profile", headers=bearer(second["access_token"]))
    assert profile.status_code == 401
    assert "session has ended" in profile.json()["error"]["message"]


def test_refresh_reuse_leaves_other_sessions(client):
    laptop = register(client)["tokens"]
    phone = login(client).json()
    refresh(client, laptop["refresh_token"])
    assert refresh(client, laptop["refresh_token"]).status_code == 401
    assert refresh(client, phone["refresh_token"]).status_code == 200


def test_logout_ends_session(client):
    tokens = register(client)["tokens"]
    rotated = refresh(client, tokens["refresh_token"]).json()
    assert (
        client.get("/v1/profile", headers=bearer(rotated["access_token"])).status_code
        == 200
    )
    response = client.post(
        "/v1/auth/logout", json={"refresh_token": rotated["refresh_token"]}
    )
    assert response.status_code == 204
    assert refresh(client, rotated["refresh_token"]).status_code == 401
    assert (
        client.get("/v1/profile", headers=bearer(rotated["access_token"])).status_code
        == 401
    )
    assert (
        client.get("/v1/profile", headers=bearer(tokens["access_token"])).status_code
        == 401
    )


def test_logout_with_old_token_ends_session(client):
    tokens = register(client)["tokens"]
    rotated = refresh(client, tokens["refresh_token"]).json()
    client.post("/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert refresh(client, rotated["refresh_token"]).status_code == 401


def test_refresh_after_session_lifetime_fails(client, monkeypatch):
    tokens = register(client)["tokens"]
    from core.redis_client import get_redis

    redis = get_redis()
    [family_key] = redis.keys("auth:family:*")
    redis.expire(family_key, 1)
    deadline = time.monotonic() + 5
    while redis.exists(family_key) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert refresh(client, tokens["refresh_token"]).status_code == 401


class CountingHasher(PasswordHasher):
    """A PasswordHasher with the same parameters that records each verified hash."""

    def __init__(self) -> None:
        super().__init__()
        self.verified_hashes: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified_hashes.append(str(hash))
        return super().verify(hash, password)


@pytest.fixture
def counted_verifications(monkeypatch) -> list[str]:
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "password_hasher", hasher)
    return hasher.verified_hashes


def test_unknown_email_runs_one_argon2_verification(client, counted_verifications):
    register(client)
    counted_verifications.clear()
    login(client, password="wrong password 123")
    assert len(counted_verifications) == 1
    real_hash = counted_verifications[0]
    login(client, email="nobody@example.org")
    assert len(counted_verifications) == 2
    dummy_hash = counted_verifications[1]
    assert dummy_hash != real_hash
    # The dummy hash has the same Argon2 parameters as a real one.
    assert dummy_hash.split("$")[1:4] == real_hash.split("$")[1:4]


def test_login_timing_unknown_email_matches_wrong_password(client, monkeypatch):
    """A loose statistical check: medians of 20 logins each within a factor of 2."""
    monkeypatch.setattr(get_settings(), "login_max_failures_per_account", 1000)
    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 1000)
    register(client)
    login(client, email="warmup@example.org")  # builds the dummy hash once
    durations: dict[str, list[float]] = {"wrong_password": [], "unknown_email": []}
    for number in range(20):
        for case, email in (
            ("wrong_password", "ada@example.org"),
            ("unknown_email", f"nobody{number}@example.org"),
        ):
            started = time.perf_counter()
            response = login(client, email=email, password="wrong password 123")
            durations[case].append(time.perf_counter() - started)
            assert response.status_code == 401
    wrong = statistics.median(durations["wrong_password"])
    unknown = statistics.median(durations["unknown_email"])
    # Without the dummy verification an unknown email gets its response in well under a
    # tenth of the time of an Argon2 verification, so this bound still catches it.
    assert unknown / wrong > 0.5
    assert wrong / unknown > 0.5


def test_no_secret_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    body = register(client)
    tokens = body["tokens"]
    login(client, password="wrong password 123")
    second = login(client).json()
    rotated = refresh(client, second["refresh_token"]).json()
    refresh(client, second["refresh_token"])
    client.post("/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    client.get("/v1/profile", headers=bearer(tokens["access_token"]))
    secrets = [
        PASSWORD,
        "wrong password 123",
        "ada@example.org",
        tokens["access_token"],
        tokens["refresh_token"],
        second["access_token"],
        second["refresh_token"],
        rotated["refresh_token"],
        get_settings().jwt_secret,
    ]
    assert caplog.records, "the flow logged nothing, so the check proves nothing"
    for secret in secrets:
        assert secret not in caplog.text
