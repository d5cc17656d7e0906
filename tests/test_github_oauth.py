"""GitHub sign-up, sign-in, linking and unlinking against the local OAuth provider."""

import logging
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlmodel import select

from accounts import token_cipher
from accounts.models import GitHubIdentity, User
from core.database import session_scope
from core.settings import get_settings
from fakes.github_oauth.server_thread import RunningFakeOAuth, run_fake_github_oauth
from tests.accounts_support import accounts_client, bearer, register

CLIENT_ID = "Iv1.fakeclientid"
CLIENT_SECRET = "fake-client-secret-0123456789"
CALLBACK_URL = "http://testserver/v1/auth/github/callback"


@pytest.fixture
def fake(monkeypatch) -> Iterator[RunningFakeOAuth]:
    with run_fake_github_oauth(CLIENT_ID, CLIENT_SECRET, CALLBACK_URL) as running:
        settings = get_settings()
        monkeypatch.setattr(settings, "github_oauth_client_id", CLIENT_ID)
        monkeypatch.setattr(settings, "github_oauth_client_secret", CLIENT_SECRET)
        monkeypatch.setattr(settings, "github_oauth_redirect_uri", CALLBACK_URL)
        monkeypatch.setattr(
            settings, "github_oauth_authorize_url", running.authorize_url
        )
        monkeypatch.setattr(settings, "github_oauth_token_url", running.token_url)
        monkeypatch.setattr(settings, "github_oauth_api_url", running.api_url)
        monkeypatch.setattr(
            settings, "token_encryption_keys", Fernet.generate_key().decode()
        )
        running.provider.add_user(
            "octocat", email="Octo@Example.org", name="The Octocat"
        )
        running.provider.sign_in("octocat")
        yield running


@pytest.fixture
def client():
    return accounts_client()


def authorize(client, headers: dict[str, str] | None = None, link: bool = False) -> str:
    """Start a flow and let the fake provider approve it; return the callback URL."""
    if link:
        started = client.post("/v1/auth/github/link", headers=headers)
        assert started.status_code == 200, started.text
        url = started.json()["authorization_url"]
    else:
        started = client.get(
            "/v1/auth/github/login", headers=headers, follow_redirects=False
        )
        assert started.status_code == 302, started.text
        url = started.headers["location"]
    approved = httpx.get(url, follow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    return approved.headers["location"]


def github_flow(client, headers: dict[str, str] | None = None, link: bool = False):
    return client.get(authorize(client, headers, link))


def identities() -> list[GitHubIdentity]:
    with session_scope() as session:
        return list(session.exec(select(GitHubIdentity)).all())


def test_login_redirect_has_state_and_pkce(client, fake):
    response = client.get("/v1/auth/github/login", follow_redirects=False)
    location = urlsplit(response.headers["location"])
    params = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == fake.authorize_url
    assert params["client_id"] == [CLIENT_ID]
    assert params["redirect_uri"] == [CALLBACK_URL]
    assert params["code_challenge_method"] == ["S256"]
    assert len(params["code_challenge"][0]) == 43
    assert len(params["state"][0]) >= 32
    assert "user:email" in params["scope"][0]
    assert response.cookies["odyssey_github_state"] == params["state"][0]


def test_first_github_login_signs_up(client, fake):
    response = github_flow(client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["action"] == "signed_up"
    assert body["github_login"] == "octocat"
    profile = client.get("/v1/profile", headers=bearer(body["tokens"]["access_token"]))
    assert profile.json()["email"] == "octo@example.org"
    assert profile.json()["display_name"] == "The Octocat"
    assert profile.json()["has_password"] is False
    assert profile.json()["github"]["login"] == "octocat"


def test_github_token_is_encrypted_at_rest(client, fake):
    github_flow(client)
    [identity] = identities()
    [issued] = fake.provider.issued_tokens
    assert issued not in identity.encrypted_token
    assert token_cipher.decrypt_token(identity.encrypted_token) == issued
    assert identity.github_user_id == fake.provider.users["octocat"].id
    assert identity.scope == "read:user,user:email"


def test_second_github_login_signs_in(client, fake):
    first = github_flow(client).json()
    second = github_flow(client).json()
    assert second["action"] == "signed_in"
    me = client.get("/v1/profile", headers=bearer(second["tokens"]["access_token"]))
    assert (
        me.json()["id"]
        == client.get(
            "/v1/profile", headers=bearer(first["tokens"]["access_token"])
        ).json()["id"]
    )
    with session_scope() as session:
        assert len(session.exec(select(User)).all()) == 1
    # The stored token is the newest one.
    [identity] = identities()
    assert (
        token_cipher.decrypt_token(identity.encrypted_token)
        == fake.provider.issued_tokens[-1]
    )


def test_github_login_with_registered_email_conflicts(client, fake):
    register(client, email="octo@example.org")
    response = github_flow(client)
    assert response.status_code == 409
    assert "link GitHub" in response.json()["error"]["message"]
    assert identities() == []


def test_github_without_verified_email_is_rejected(client, fake):
    fake.provider.add_user("ghost", email="ghost@example.org", verified=False)
    fake.provider.sign_in("ghost")
    response = github_flow(client)
    assert response.status_code == 400
    assert "verified primary email" in response.json()["error"]["message"]
    with session_scope() as session:
        assert session.exec(select(User)).all() == []


def test_link_to_signed_in_account(client, fake):
    tokens = register(client, email="ada@example.org")["tokens"]
    response = github_flow(client, headers=bearer(tokens["access_token"]), link=True)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "action": "linked",
        "github_login": "octocat",
        "tokens": None,
    }
    profile = client.get("/v1/profile", headers=bearer(tokens["access_token"])).json()
    assert profile["github"]["login"] == "octocat"
    # Signing in with GitHub now reaches the same account.
    signed_in = github_flow(client).json()
    assert signed_in["action"] == "signed_in"
    me = client.get("/v1/profile", headers=bearer(signed_in["tokens"]["access_token"]))
    assert me.json()["email"] == "ada@example.org"


def test_link_through_login_redirect_with_token(client, fake):
    tokens = register(client)["tokens"]
    response = github_flow(client, headers=bearer(tokens["access_token"]))
    assert response.json()["action"] == "linked"


def test_link_github_of_another_account_conflicts(client, fake):
    github_flow(client)  # octocat signs up on its own
    tokens = register(client, email="ada@example.org")["tokens"]
    response = github_flow(client, headers=bearer(tokens["access_token"]), link=True)
    assert response.status_code == 409
    [identity] = identities()
    assert identity.github_login == "octocat"


def test_unlink_removes_identity_and_token(client, fake):
    tokens = register(client)["tokens"]
    github_flow(client, headers=bearer(tokens["access_token"]), link=True)
    response = client.delete("/v1/auth/github", headers=bearer(tokens["access_token"]))
    assert response.status_code == 204
    assert identities() == []
    again = client.delete("/v1/auth/github", headers=bearer(tokens["access_token"]))
    assert again.status_code == 404


def test_unlink_without_password_conflicts(client, fake):
    tokens = github_flow(client).json()["tokens"]
    response = client.delete("/v1/auth/github", headers=bearer(tokens["access_token"]))
    assert response.status_code == 409
    assert len(identities()) == 1


def test_callback_rejects_state_of_another_browser(client, fake):
    callback = authorize(client)
    other_browser = accounts_client()
    response = other_browser.get(callback)
    assert response.status_code == 400
    assert response.json()["error"]["details"]["parameter"] == "state"
    assert identities() == []


def test_callback_state_works_once(client, fake):
    callback = authorize(client)
    assert client.get(callback).status_code == 200
    state = parse_qs(urlsplit(callback).query)["state"][0]
    client.cookies.set("odyssey_github_state", state, path="/v1/auth/github")
    replay = client.get(callback)
    assert replay.status_code == 400
    assert "unknown, used or expired" in replay.json()["error"]["message"]


def test_callback_with_wrong_code_verifier_fails(client, fake):
    from core.redis_client import get_redis

    callback = authorize(client)
    state = parse_qs(urlsplit(callback).query)["state"][0]
    key = f"auth:github-state:{state}"
    get_redis().set(
        key, get_redis().get(key).replace('"code_verifier": "', '"code_verifier": "x')
    )
    response = client.get(callback)
    assert response.status_code == 400
    assert "bad_verification_code" in response.json()["error"]["message"]
    assert identities() == []


def test_denied_authorization_is_reported(client, fake):
    fake.provider.deny_next = True
    callback = authorize(client)
    assert "error=access_denied" in callback
    response = client.get(callback)
    assert response.status_code == 400
    assert "access_denied" in response.json()["error"]["message"]


def test_github_login_unavailable_without_configuration(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "github_oauth_client_id", None)
    response = client.get("/v1/auth/github/login", follow_redirects=False)
    assert response.status_code == 503
    assert "GITHUB_OAUTH_CLIENT_ID" in response.json()["error"]["message"]


def test_github_login_unavailable_without_encryption_key(client, fake, monkeypatch):
    monkeypatch.setattr(get_settings(), "token_encryption_keys", None)
    response = client.get("/v1/auth/github/login", follow_redirects=False)
    assert response.status_code == 503
    assert "ODYSSEY_TOKEN_ENCRYPTION_KEYS" in response.json()["error"]["message"]


def test_encryption_key_rotation_keeps_old_tokens_readable(client, fake, monkeypatch):
    github_flow(client)
    old_key = get_settings().token_encryption_keys
    monkeypatch.setattr(
        get_settings(),
        "token_encryption_keys",
        f"{Fernet.generate_key().decode()},{old_key}",
    )
    [identity] = identities()
    assert (
        token_cipher.decrypt_token(identity.encrypted_token)
        == fake.provider.issued_tokens[0]
    )


def test_github_flow_logs_no_secret(client, fake, caplog):
    caplog.set_level(logging.DEBUG)
    tokens = github_flow(client).json()["tokens"]
    fake.provider.deny_next = True
    client.get(authorize(client))
    [github_token] = fake.provider.issued_tokens
    assert caplog.records
    for secret in (
        github_token,
        CLIENT_SECRET,
        tokens["access_token"],
        tokens["refresh_token"],
        "octo@example.org",
        get_settings().token_encryption_keys,
    ):
        assert secret not in caplog.text


def test_github_name_too_long_falls_back_to_login(client, fake):
    fake.provider.add_user("longname", email="long@example.org", name="N" * 150)
    fake.provider.sign_in("longname")
    tokens = github_flow(client).json()["tokens"]
    profile = client.get("/v1/profile", headers=bearer(tokens["access_token"])).json()
    assert profile["display_name"] == "longname"


# Flows that end in the web UI: started with `next`, finished with a redirect
# to /auth/github?code=... and a POST of that code.


def browser_callback(client, next_path: str = "/projects"):
    """Run a flow started with `next` and return the callback's response."""
    started = client.get(
        "/v1/auth/github/login", params={"next": next_path}, follow_redirects=False
    )
    assert started.status_code == 302, started.text
    approved = httpx.get(started.headers["location"], follow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    return client.get(approved.headers["location"], follow_redirects=False)


def hand_off_code(response) -> str:
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert location.scheme == ""
    assert location.netloc == ""
    assert location.path == "/auth/github"
    params = parse_qs(location.query)
    assert list(params) == ["code"]
    return params["code"][0]


def exchange(client, code: str):
    return client.post("/v1/auth/github/session", json={"code": code})


def test_browser_flow_redirects_to_web_ui(client, fake):
    response = browser_callback(client, "/projects?mine=1")
    code = hand_off_code(response)
    assert response.cookies["odyssey_github_result"]
    assert "odyssey_github_state" not in client.cookies
    # The redirect carries no token: the session starts at the exchange.
    assert "access_token" not in response.text
    body = exchange(client, code)
    assert body.status_code == 200, body.text
    result = body.json()
    assert result["action"] == "signed_up"
    assert result["github_login"] == "octocat"
    assert result["next"] == "/projects?mine=1"
    profile = client.get("/v1/profile", headers=bearer(result["tokens"]["access_token"]))
    assert profile.json()["email"] == "octo@example.org"


def test_browser_flow_defaults_to_my_work(client, fake):
    code = hand_off_code(browser_callback(client, ""))
    assert exchange(client, code).json()["next"] == "/my-work"


def test_browser_code_works_once(client, fake):
    code = hand_off_code(browser_callback(client))
    assert exchange(client, code).status_code == 200
    replay = exchange(client, code)
    assert replay.status_code == 400
    assert "unknown, used or expired" in replay.json()["error"]["message"]
    assert replay.json()["error"]["details"]["parameter"] == "code"


def test_browser_code_unknown_is_rejected(client, fake):
    response = exchange(client, "not-a-code-of-this-server")
    assert response.status_code == 400
    assert "unknown, used or expired" in response.json()["error"]["message"]


def test_browser_code_of_another_browser_is_rejected(client, fake):
    code = hand_off_code(browser_callback(client))
    other_browser = accounts_client()
    stolen = exchange(other_browser, code)
    assert stolen.status_code == 400
    assert "another browser" in stolen.json()["error"]["message"]
    assert "tokens" not in stolen.json()
    # The presented code is used up, so the thief cannot retry either.
    assert exchange(client, code).status_code == 400


@pytest.mark.parametrize(
    "hostile",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/" + "a" * 600,
    ],
)
def test_hostile_return_path_is_rejected(client, fake, hostile):
    response = client.get(
        "/v1/auth/github/login", params={"next": hostile}, follow_redirects=False
    )
    assert response.status_code == 400, response.headers.get("location")
    assert "location" not in response.headers
    assert response.json()["error"]["details"]["parameter"] == "next"


def test_browser_flow_error_reaches_web_ui(client, fake):
    register(client, email="octo@example.org")
    code = hand_off_code(browser_callback(client))
    response = exchange(client, code)
    assert response.status_code == 409
    assert "link GitHub" in response.json()["error"]["message"]
    assert identities() == []


def test_browser_flow_denial_reaches_web_ui(client, fake):
    fake.provider.deny_next = True
    code = hand_off_code(browser_callback(client))
    response = exchange(client, code)
    assert response.status_code == 400
    assert "access_denied" in response.json()["error"]["message"]


def test_expired_state_in_browser_page_reaches_web_ui(client, fake):
    response = client.get(
        "/v1/auth/github/callback",
        params={"state": "expired-state", "code": "abc"},
        headers={"Accept": "text/html,application/xhtml+xml"},
        follow_redirects=False,
    )
    error = exchange(client, hand_off_code(response))
    assert error.status_code == 400
    assert error.json()["error"]["details"]["parameter"] == "state"


def test_expired_state_for_api_client_stays_json(client, fake):
    response = client.get(
        "/v1/auth/github/callback",
        params={"state": "expired-state", "code": "abc"},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["parameter"] == "state"


def test_browser_flow_unconfigured_reaches_web_ui(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "github_oauth_client_id", None)
    response = client.get(
        "/v1/auth/github/login", params={"next": "/"}, follow_redirects=False
    )
    error = exchange(client, hand_off_code(response))
    assert error.status_code == 503
    assert "GITHUB_OAUTH_CLIENT_ID" in error.json()["error"]["message"]


def test_browser_flow_logs_no_secret(client, fake, caplog):
    caplog.set_level(logging.DEBUG)
    code = hand_off_code(browser_callback(client))
    tokens = exchange(client, code).json()["tokens"]
    [github_token] = fake.provider.issued_tokens
    assert caplog.records
    for secret in (code, github_token, tokens["access_token"], tokens["refresh_token"]):
        assert secret not in caplog.text
