"""Hand-off of a finished GitHub sign-in to the web UI.

The OAuth callback cannot return tokens to a browser page that expects HTML,
and tokens must not travel in a URL, where history, logs and Referer headers
keep them. So the callback stores the outcome (the signed-in user's id or the
error) in Redis under a random single-use code and redirects the browser to
the UI route `UI_CALLBACK_PATH?code=...`. The UI trades the code for the
outcome with a POST, which starts the session and returns its tokens. The
code lives RESULT_TTL seconds and works only in the browser that finished the
flow, because the callback also sets a random binding value in an HttpOnly
cookie and the exchange requires it.
"""

import json
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from sqlmodel import Session

from accounts.github_accounts import GitHubLoginResult
from accounts.models import User
from accounts.schemas import TokenPair
from accounts.service import issue_tokens
from core.errors import (
    AppError,
    Conflict,
    Forbidden,
    InvalidParameter,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
)
from core.redis_client import get_redis

logger = logging.getLogger(__name__)

UI_CALLBACK_PATH = "/auth/github"
DEFAULT_RETURN_PATH = "/my-work"
MAX_RETURN_PATH_LENGTH = 500
RESULT_TTL = 60  # seconds from the callback's redirect to the UI's exchange
_RESULT_KEY = "auth:github-result:{}"
_ERROR_CLASSES = {
    error_class.code: error_class
    for error_class in (
        InvalidParameter,
        NotFound,
        Unauthorized,
        Forbidden,
        Conflict,
        ServiceUnavailable,
    )
}


@dataclass(frozen=True)
class BrowserHandOff:
    """The callback's redirect target and the binding value for the cookie."""

    location: str
    binding: str


@dataclass(frozen=True)
class BrowserResult:
    action: str
    github_login: str
    tokens: TokenPair | None
    return_to: str


def check_return_path(path: str | None) -> str:
    """Return `path` if it is a path on this origin; None gives the default.

    Raises InvalidParameter for anything a browser could resolve to another
    origin: absolute URLs, scheme-relative `//host` paths, backslashes (which
    browsers read as slashes) and control characters (which browsers strip,
    so `/<TAB>/host` would become `//host`).
    """
    if path is None or path == "":
        return DEFAULT_RETURN_PATH
    parts = urlsplit(path)
    valid = (
        len(path) <= MAX_RETURN_PATH_LENGTH
        and path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        and not any(ord(character) < 0x21 or ord(character) == 0x7F for character in path)
        and not parts.scheme
        and not parts.netloc
    )
    if not valid:
        raise InvalidParameter(
            "next must be a path on this site that starts with a single '/', "
            f"such as {DEFAULT_RETURN_PATH}, at most {MAX_RETURN_PATH_LENGTH} "
            "characters long",
            details={"parameter": "next"},
        )
    return path


def hand_off(
    return_to: str,
    result: GitHubLoginResult | None = None,
    error: AppError | None = None,
) -> BrowserHandOff:
    """Store the outcome of a flow under a new single-use code."""
    code = secrets.token_urlsafe(32)
    binding = secrets.token_urlsafe(32)
    stored: dict[str, object] = {"binding": binding, "return_to": return_to}
    if result is not None:
        stored["result"] = {
            "action": result.action,
            "github_login": result.github_login,
            "user_id": result.user_id,
        }
    if error is not None:
        stored["error"] = {
            "code": error.code,
            "message": error.message,
            "details": error.details,
        }
    get_redis().set(_RESULT_KEY.format(code), json.dumps(stored), ex=RESULT_TTL)
    return BrowserHandOff(f"{UI_CALLBACK_PATH}?{urlencode({'code': code})}", binding)


def take_result(session: Session, code: str, binding: str | None) -> BrowserResult:
    """Consume a hand-off code and return its result, or raise its stored error.

    A sign-in or sign-up result starts the session here and carries its
    tokens. Raises InvalidParameter when the code is unknown, used or
    expired, or when the request does not come from the browser that
    finished the flow.
    """
    raw = get_redis().getdel(_RESULT_KEY.format(code))
    if raw is None:
        raise InvalidParameter(
            "the sign-in code is unknown, used or expired; start GitHub sign-in again",
            details={"parameter": "code"},
        )
    stored = json.loads(raw)
    if binding is None or not secrets.compare_digest(stored["binding"], binding):
        logger.warning("a GitHub sign-in code was presented by another browser")
        raise InvalidParameter(
            "the sign-in code belongs to another browser; start GitHub sign-in again",
            details={"parameter": "code"},
        )
    if "error" in stored:
        error = stored["error"]
        error_class = _ERROR_CLASSES.get(error["code"], AppError)
        raise error_class(error["message"], details=error["details"])
    result = stored["result"]
    tokens = None
    if result["action"] != "linked":
        user = session.get(User, result["user_id"])
        if user is None:
            raise NotFound("the account that signed in no longer exists")
        tokens = issue_tokens(user)
    return BrowserResult(
        action=result["action"],
        github_login=result["github_login"],
        tokens=tokens,
        return_to=stored["return_to"],
    )
