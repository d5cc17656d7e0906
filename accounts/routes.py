"""REST routes of sign-in, GitHub OAuth and the profile."""

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from accounts import browser_login, github_accounts, oauth, profile, service, sessions
from accounts.dependencies import CurrentUser, OptionalUser
from accounts.login_limits import client_address
from accounts.schemas import (
    AuthorizationUrl,
    DataExport,
    GitHubBrowserResult,
    GitHubCallbackResult,
    GitHubSessionRequest,
    LoginRequest,
    Profile,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    RegisterResponse,
    TokenPair,
)
from core.database import get_session
from core.errors import AppError, InvalidParameter, ServiceUnavailable, error_body
from core.settings import get_settings

logger = logging.getLogger(__name__)

SessionDep = Annotated[Session, Depends(get_session)]

auth_router = APIRouter(prefix="/v1/auth", tags=["accounts"])
profile_router = APIRouter(prefix="/v1/profile", tags=["accounts"])
router = APIRouter()

# Binds a GitHub flow to the browser that started it, so nobody can make a
# victim's browser finish a flow that an attacker started (login CSRF).
STATE_COOKIE = "odyssey_github_state"
STATE_COOKIE_PATH = "/v1/auth/github"
# Binds the single-use code of a flow that ends in the web UI to the browser
# that finished it; see accounts.browser_login.
RESULT_COOKIE = "odyssey_github_result"


def _error_response(description: str, code: str, message: str) -> dict[str, Any]:
    example = error_body(code, message)
    return {
        "description": description,
        "content": {"application/json": {"example": example}},
    }


INVALID_INPUT = _error_response(
    "Invalid input", "invalid_parameter", "password must be 12 to 128 characters long"
)
LOGIN_FAILED = _error_response("Bad credentials", "unauthorized", service.LOGIN_FAILED)
EMAIL_TAKEN = _error_response(
    "Email already registered", "conflict", "an account with this email already exists"
)
TOO_MANY_FAILURES = _error_response(
    "Too many failed logins; Retry-After gives the seconds to wait",
    "too_many_requests",
    "too many failed logins; try again in 840 seconds",
)


@auth_router.post(
    "/register",
    status_code=201,
    response_model=RegisterResponse,
    responses={400: INVALID_INPUT, 409: EMAIL_TAKEN},
)
def register(body: RegisterRequest, session: SessionDep) -> RegisterResponse:
    """Create an account with a password and sign it in.

    The email is stored trimmed and lower-cased. Passwords must be 12 to 128
    characters long, with at least 4 different characters, and must not
    contain the name part of the email.
    """
    user = service.register(session, body.email, body.password, body.display_name)
    return RegisterResponse(
        profile=profile.profile_of(session, user), tokens=service.issue_tokens(user)
    )


@auth_router.post(
    "/login",
    response_model=TokenPair,
    responses={401: LOGIN_FAILED, 429: TOO_MANY_FAILURES},
)
def login(body: LoginRequest, request: Request, session: SessionDep) -> TokenPair:
    """Sign in with email and password; returns an access and a refresh token.

    Unknown emails and wrong passwords get the same 401. After too many
    failed logins for one account or from one address, logins get 429 with
    a Retry-After header in seconds.
    """
    return service.login(session, body.email, body.password, client_address(request))


@auth_router.post("/refresh", response_model=TokenPair, responses={401: LOGIN_FAILED})
def refresh(body: RefreshRequest, session: SessionDep) -> TokenPair:
    """Exchange a refresh token for a new token pair of the same session.

    Each refresh token works once. Presenting a used one ends the whole
    session, because it means the token was copied.
    """
    return service.refresh(session, body.refresh_token)


@auth_router.post("/logout", status_code=204)
def logout(body: RefreshRequest) -> Response:
    """End the session of the refresh token.

    Its refresh tokens and the access tokens issued in it stop working at
    once. Unknown tokens also get 204.
    """
    sessions.end_session(body.refresh_token)
    return Response(status_code=204)


def _set_flow_cookie(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=STATE_COOKIE_PATH,
        httponly=True,
        secure=get_settings().github_oauth_redirect_uri.startswith("https://"),
        samesite="lax",
    )


def _with_state_cookie(response: Response, state: str) -> Response:
    _set_flow_cookie(response, STATE_COOKIE, state, oauth.STATE_TTL)
    return response


def _to_web_ui(
    return_to: str,
    result: github_accounts.GitHubLoginResult | None = None,
    error: AppError | None = None,
) -> RedirectResponse:
    """Redirect the browser to the web UI with a single-use code of the outcome."""
    hand_off = browser_login.hand_off(return_to, result, error)
    response = RedirectResponse(hand_off.location, status_code=303)
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
    _set_flow_cookie(
        response, RESULT_COOKIE, hand_off.binding, browser_login.RESULT_TTL
    )
    return response


@auth_router.get("/github/login", status_code=302, response_class=RedirectResponse)
def github_login(
    user: OptionalUser,
    next_path: Annotated[
        str | None,
        Query(
            alias="next",
            max_length=2000,
            description=(
                "A web UI path such as `/my-work`. With it the flow ends in the "
                "web UI, which is signed in and opens this path; without it the "
                "callback returns JSON."
            ),
        ),
    ] = None,
) -> Response:
    """Redirect the browser to GitHub to sign in or sign up.

    Sent with an access token, the flow links GitHub to that account instead.
    Returns 302 to GitHub's authorize page, with state and a PKCE challenge.
    A `next` that is not a path on this site gets 400. With `next`, a server
    without GitHub sign-in configured redirects to the web UI, which shows the
    error, instead of returning 503.
    """
    return_to = None
    if next_path is not None:
        return_to = browser_login.check_return_path(next_path)
    try:
        url, state = oauth.start_authorization(user.id if user else None, return_to)
    except ServiceUnavailable as error:
        if return_to is None:
            raise
        logger.warning("GitHub sign-in could not start: %s", error.message)
        return _to_web_ui(return_to, error=error)
    return _with_state_cookie(RedirectResponse(url, status_code=302), state)


@auth_router.post("/github/link", response_model=AuthorizationUrl)
def github_link(user: CurrentUser, response: Response) -> AuthorizationUrl:
    """Start linking GitHub to the signed-in account; returns the URL to open.

    For web pages that call the API with `fetch` and cannot follow a redirect.

    Response: `{"authorization_url": "https://github.com/login/oauth/authorize?..."}`
    """
    url, state = oauth.start_authorization(user.id)
    _with_state_cookie(response, state)
    return AuthorizationUrl(authorization_url=url)


def _browser_return_path(request: Request, state: str) -> str | None:
    """Return the web UI path of a flow that ends in the web UI, else None.

    Flows started with `next` end in the web UI. So does a browser page
    request (`Accept: text/html`) whose state is unknown, such as an expired
    one, because its error would otherwise show as a bare JSON page.
    """
    pending = oauth.peek_authorization(state) if state else None
    if pending is not None:
        return pending.return_to
    if "text/html" in request.headers.get("accept", ""):
        return browser_login.DEFAULT_RETURN_PATH
    return None


def _finish_github_flow(
    request: Request,
    session: Session,
    state: str,
    code: str,
    error: str,
    start_session: bool,
) -> github_accounts.GitHubLoginResult:
    if not state or request.cookies.get(STATE_COOKIE) != state:
        raise InvalidParameter(
            "the sign-in state does not match this browser; start GitHub sign-in again",
            details={"parameter": "state"},
        )
    if error or not code:
        oauth.take_authorization(state)
        raise InvalidParameter(
            f"GitHub sign-in was not completed ({error or 'no code'}); start it again",
            details={"parameter": "error" if error else "code"},
        )
    return github_accounts.complete_login(
        session, code, state, start_session=start_session
    )


@auth_router.get(
    "/github/callback",
    response_model=GitHubCallbackResult,
    responses={303: {"description": "Redirect to the web UI (flows started with `next`)"}},
)
def github_callback(
    request: Request,
    session: SessionDep,
    response: Response,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> GitHubCallbackResult | Response:
    """Finish a GitHub flow: GitHub redirects the browser here.

    Signs up a new account, signs in the linked one or, for a linking flow,
    links GitHub. An existing account with the same email is never linked
    without its password: sign in and link instead (409).

    Flows started with `next` get a 303 to the web UI's
    `/auth/github?code=...` instead, for success and failure alike; the UI
    trades the code for the tokens or the error with POST
    /v1/auth/github/session. Other flows get the JSON result.
    """
    return_to = _browser_return_path(request, state)
    try:
        result = _finish_github_flow(
            request, session, state, code, error, start_session=return_to is None
        )
    except AppError as failure:
        if return_to is None:
            raise
        logger.warning(
            "GitHub sign-in failed (%s: %s); the web UI shows the error",
            failure.code,
            failure.message,
        )
        return _to_web_ui(return_to, error=failure)
    if return_to is not None:
        return _to_web_ui(return_to, result=result)
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
    return GitHubCallbackResult(
        action=result.action, github_login=result.github_login, tokens=result.tokens
    )


@auth_router.post(
    "/github/session",
    response_model=GitHubBrowserResult,
    responses={400: _error_response(
        "Unknown, used or expired code, or another browser's",
        "invalid_parameter",
        "the sign-in code is unknown, used or expired; start GitHub sign-in again",
    )},
)
def github_session(
    body: GitHubSessionRequest,
    request: Request,
    response: Response,
    session: SessionDep,
) -> GitHubBrowserResult:
    """Trade the single-use code of a GitHub flow that ended in the web UI.

    Returns the tokens of the new session (null after linking) and the path
    to open, or the flow's own error (for example 409 when the GitHub email
    belongs to an account with a password). Each code works once, for
    60 seconds, and only in the browser that finished the flow.
    """
    response.delete_cookie(RESULT_COOKIE, path=STATE_COOKIE_PATH)
    result = browser_login.take_result(
        session, body.code, request.cookies.get(RESULT_COOKIE)
    )
    return GitHubBrowserResult(
        action=result.action,
        github_login=result.github_login,
        tokens=result.tokens,
        next=result.return_to,
    )


@auth_router.delete("/github", status_code=204)
def github_unlink(user: CurrentUser, session: SessionDep) -> Response:
    """Unlink GitHub from the account and delete the stored GitHub token.

    Accounts without a password get 409, because they could not sign in again.
    """
    github_accounts.unlink(session, user)
    return Response(status_code=204)


@profile_router.get("", response_model=Profile)
def get_profile(user: CurrentUser, session: SessionDep) -> Profile:
    """Return the signed-in user's profile."""
    return profile.profile_of(session, user)


@profile_router.patch("", response_model=Profile, responses={400: INVALID_INPUT})
def patch_profile(
    update: ProfileUpdate, user: CurrentUser, session: SessionDep
) -> Profile:
    """Change display name, preferred languages or preferred difficulty.

    Languages are stored in the spelling of the search's language facet
    (`python` becomes `Python`). Preferred difficulty is `beginner`,
    `intermediate`, `advanced` or null.
    """
    return profile.update_profile(session, user, update)


@profile_router.get("/export", response_model=DataExport)
def export_profile(user: CurrentUser, session: SessionDep) -> DataExport:
    """Return everything stored about the signed-in user as JSON.

    Example: `{"account": {"email": "ada@example.org", ...}, "github": null,
    "bookmarks": [...]}`. Credentials (password hash, GitHub token) are
    reported only as `has_password` and `has_token`.
    """
    return profile.export_data(session, user)


@profile_router.delete("", status_code=204)
def delete_profile(user: CurrentUser, session: SessionDep) -> Response:
    """Erase the account and all personal data, and end every session."""
    profile.erase_account(session, user)
    return Response(status_code=204)


router.include_router(auth_router)
router.include_router(profile_router)
