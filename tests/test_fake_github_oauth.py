"""The local GitHub OAuth provider responds like GitHub's."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from fakes.github_oauth.provider import s256
from fakes.github_oauth.server_thread import RunningFakeOAuth, run_fake_github_oauth

CALLBACK = "http://127.0.0.1:9/callback"
VERIFIER = "v" * 64


@pytest.fixture(scope="module")
def fake() -> Iterator[RunningFakeOAuth]:
    with run_fake_github_oauth("client-1", "secret-1", CALLBACK) as running:
        running.provider.add_user("octocat", email="octo@example.org", name="Octo")
        running.provider.sign_in("octocat")
        yield running


def authorize(fake: RunningFakeOAuth, **overrides: str) -> httpx.Response:
    params = {
        "client_id": "client-1",
        "redirect_uri": CALLBACK,
        "scope": "read:user user:email",
        "state": "state-1",
        "code_challenge": s256(VERIFIER),
        "code_challenge_method": "S256",
        **overrides,
    }
    params = {name: value for name, value in params.items() if value}
    return httpx.get(
        f"{fake.authorize_url}?{urlencode(params)}", follow_redirects=False
    )


def new_code(fake: RunningFakeOAuth, **overrides: str) -> str:
    response = authorize(fake, **overrides)
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def exchange(
    fake: RunningFakeOAuth, code: str, json_body: bool = False, **overrides: str
):
    params = {
        "client_id": "client-1",
        "client_secret": "secret-1",
        "code": code,
        "redirect_uri": CALLBACK,
        "code_verifier": VERIFIER,
        **overrides,
    }
    headers = {"Accept": "application/json"}
    if json_body:
        return httpx.post(fake.token_url, json=params, headers=headers)
    return httpx.post(fake.token_url, data=params, headers=headers)


def test_authorize_redirects_with_code_and_state(fake):
    response = authorize(fake)
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    params = parse_qs(location.query)
    assert params["state"] == ["state-1"]
    assert len(params["code"][0]) == 20


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"client_id": "other"}, 404),
        ({"state": ""}, 400),
        ({"code_challenge": ""}, 400),
        ({"code_challenge_method": "plain"}, 400),
    ],
)
def test_authorize_rejects_bad_requests(fake, overrides, status):
    assert authorize(fake, **overrides).status_code == status


def test_authorize_redirect_uri_mismatch(fake):
    response = authorize(fake, redirect_uri="http://evil.example/callback")
    params = parse_qs(urlsplit(response.headers["location"]).query)
    assert response.headers["location"].startswith(CALLBACK)
    assert params["error"] == ["redirect_uri_mismatch"]


def test_token_exchange_form_and_json(fake):
    form_answer = exchange(fake, new_code(fake)).json()
    json_answer = exchange(fake, new_code(fake), json_body=True).json()
    for answer in (form_answer, json_answer):
        assert answer["access_token"].startswith("gho_")
        assert answer["token_type"] == "bearer"
        assert answer["scope"] == "read:user,user:email"


def test_token_exchange_form_encoded_without_accept(fake):
    response = httpx.post(
        fake.token_url,
        data={
            "client_id": "client-1",
            "client_secret": "secret-1",
            "code": new_code(fake),
            "code_verifier": VERIFIER,
        },
    )
    assert response.headers["content-type"].startswith(
        "application/x-www-form-urlencoded"
    )
    assert parse_qs(response.text)["token_type"] == ["bearer"]


def test_code_works_once(fake):
    code = new_code(fake)
    assert "access_token" in exchange(fake, code).json()
    assert exchange(fake, code).json()["error"] == "bad_verification_code"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_secret": "wrong"}, "incorrect_client_credentials"),
        ({"code_verifier": "w" * 64}, "bad_verification_code"),
        (
            {"redirect_uri": "http://127.0.0.1:9/callback/other"},
            "redirect_uri_mismatch",
        ),
    ],
)
def test_token_exchange_errors(fake, overrides, error):
    response = exchange(fake, new_code(fake), **overrides)
    assert response.status_code == 200
    assert response.json()["error"] == error
    assert "error_description" in response.json()


def test_user_endpoints_need_token(fake):
    token = exchange(fake, new_code(fake)).json()["access_token"]
    for scheme in ("Bearer", "token"):
        user = httpx.get(
            f"{fake.api_url}/user", headers={"Authorization": f"{scheme} {token}"}
        )
        assert user.json()["login"] == "octocat"
    emails = httpx.get(
        f"{fake.api_url}/user/emails", headers={"Authorization": f"Bearer {token}"}
    )
    assert emails.json() == [
        {
            "email": "octo@example.org",
            "primary": True,
            "verified": True,
            "visibility": "private",
        }
    ]
    anonymous = httpx.get(f"{fake.api_url}/user")
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Bad credentials"


def test_user_emails_need_email_scope(fake):
    token = exchange(fake, new_code(fake, scope="read:user")).json()["access_token"]
    response = httpx.get(
        f"{fake.api_url}/user/emails", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404
