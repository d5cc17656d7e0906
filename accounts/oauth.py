"""GitHub's OAuth authorization-code flow with state and PKCE, through authlib.

The state and the PKCE code verifier of a started flow are kept in Redis for
STATE_TTL seconds and consumed once by the callback.
"""

import json
import logging
from dataclasses import dataclass

import httpx
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import OAuth2Client, OAuthError

from accounts import token_cipher
from core.errors import InvalidParameter, ServiceUnavailable
from core.redis_client import get_redis
from core.settings import Settings, get_settings

logger = logging.getLogger(__name__)

# read:user for GET /user, user:email for GET /user/emails.
SCOPE = "read:user user:email"
STATE_TTL = 600  # seconds; GitHub's authorization codes also expire after 10 minutes
_STATE_KEY = "auth:github-state:{}"
_API_HEADERS = {
    "Accept": "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
}


@dataclass(frozen=True)
class PendingAuthorization:
    code_verifier: str
    link_user_id: int | None  # set when a signed-in user links GitHub
    # The web UI path to return to; None for API clients, which get JSON.
    return_to: str | None = None


@dataclass(frozen=True)
class GitHubToken:
    access_token: str
    scope: str


@dataclass(frozen=True)
class GitHubUser:
    id: int
    login: str
    name: str | None
    verified_primary_email: str | None


def _settings() -> Settings:
    settings = get_settings()
    if not settings.github_oauth_client_id or not settings.github_oauth_client_secret:
        raise ServiceUnavailable(
            "GitHub sign-in is disabled: set GITHUB_OAUTH_CLIENT_ID and "
            "GITHUB_OAUTH_CLIENT_SECRET to the values of your GitHub OAuth app"
        )
    token_cipher.check_configured()
    return settings


def _client(settings: Settings) -> OAuth2Client:
    return OAuth2Client(
        client_id=settings.github_oauth_client_id,
        client_secret=settings.github_oauth_client_secret,
        scope=SCOPE,
        redirect_uri=settings.github_oauth_redirect_uri,
        code_challenge_method="S256",
        # GitHub takes the client credentials in the form body.
        token_endpoint_auth_method="client_secret_post",
        timeout=settings.github_timeout,
    )


def start_authorization(
    link_user_id: int | None, return_to: str | None = None
) -> tuple[str, str]:
    """Store a new state and code verifier; return the authorize URL and the state.

    `return_to` must be a path checked by `browser_login.check_return_path`.
    """
    settings = _settings()
    code_verifier = generate_token(64)
    with _client(settings) as client:
        url, state = client.create_authorization_url(
            settings.github_oauth_authorize_url,
            state=generate_token(32),
            code_verifier=code_verifier,
        )
    pending = {
        "code_verifier": code_verifier,
        "link_user_id": link_user_id,
        "return_to": return_to,
    }
    get_redis().set(_STATE_KEY.format(state), json.dumps(pending), ex=STATE_TTL)
    return url, state


def take_authorization(state: str) -> PendingAuthorization:
    """Consume the flow started with this state; raises InvalidParameter if unknown."""
    raw = get_redis().getdel(_STATE_KEY.format(state))
    if raw is None:
        raise InvalidParameter(
            "the sign-in state is unknown, used or expired; start GitHub sign-in again",
            details={"parameter": "state"},
        )
    return _pending_from_json(raw)


def peek_authorization(state: str) -> PendingAuthorization | None:
    """Return the flow started with this state without consuming it, or None."""
    raw = get_redis().get(_STATE_KEY.format(state))
    return None if raw is None else _pending_from_json(raw)


def _pending_from_json(raw: str) -> PendingAuthorization:
    pending = json.loads(raw)
    return PendingAuthorization(
        pending["code_verifier"], pending["link_user_id"], pending.get("return_to")
    )


def exchange_code(code: str, code_verifier: str) -> GitHubToken:
    """Trade the authorization code for an access token at GitHub's token endpoint."""
    settings = _settings()
    with _client(settings) as client:
        try:
            token = client.fetch_token(
                settings.github_oauth_token_url,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
            )
        except OAuthError as error:
            logger.warning("GitHub rejected an authorization code: %s", error.error)
            raise InvalidParameter(
                f"GitHub rejected the authorization code ({error.error}); "
                "start GitHub sign-in again",
                details={"parameter": "code"},
            ) from None
        except (httpx.HTTPError, ValueError) as error:
            logger.error("GitHub token request failed: %s", type(error).__name__)
            raise ServiceUnavailable("the request to GitHub failed; try again later") from None
    return GitHubToken(str(token["access_token"]), str(token.get("scope", "")))


def fetch_user(access_token: str) -> GitHubUser:
    """Read the user and their verified primary email from GitHub's REST API."""
    settings = get_settings()
    headers = {**_API_HEADERS, "Authorization": f"Bearer {access_token}"}
    try:
        with httpx.Client(
            base_url=settings.github_oauth_api_url,
            headers=headers,
            timeout=settings.github_timeout,
        ) as client:
            user_response = client.get("/user")
            user_response.raise_for_status()
            emails_response = client.get("/user/emails")
            emails_response.raise_for_status()
    except httpx.HTTPError as error:
        logger.error("GitHub user request failed: %s", type(error).__name__)
        raise ServiceUnavailable("the request to GitHub failed; try again later") from None
    user = user_response.json()
    primary = next(
        (
            entry["email"]
            for entry in emails_response.json()
            if entry.get("primary") and entry.get("verified")
        ),
        None,
    )
    return GitHubUser(int(user["id"]), str(user["login"]), user.get("name"), primary)
