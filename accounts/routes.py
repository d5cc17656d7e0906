"""REST routes of sign-in, GitHub OAuth and the profile."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse
from sqlmodel import Session

from accounts import github_accounts, oauth, profile, service, sessions
from accounts.dependencies import CurrentUser, OptionalUser
from accounts.login_limits import client_address
from accounts.schemas import (
    AuthorizationUrl,
    DataExport,
    GitHubCallbackResult,
    LoginRequest,
    Profile,
    ProfileUpdate,
    RefreshRequest,
    RegisterRequest,
    RegisterResponse,
    TokenPair,
)
from core.database import get_session
from core.errors import InvalidParameter, error_body
from core.settings import get_settings

SessionDep = Annotated[Session, Depends(get_session)]

auth_router = APIRouter(prefix="/v1/auth", tags=["accounts"])
profile_router = APIRouter(prefix="/v1/profile", tags=["accounts"])
router = APIRouter()

# Binds a GitHub flow to the browser that started it, so nobody can make a
# victim's browser finish a flow that an attacker started (login CSRF).
STATE_COOKIE = "odyssey_github_state"
STATE_COOKIE_PATH = "/v1/auth/github"


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


def _with_state_cookie(response: Response, state: str) -> Response:
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=oauth.STATE_TTL,
        path=STATE_COOKIE_PATH,
        httponly=True,
        secure=get_settings().github_oauth_redirect_uri.startswith("https://"),
        samesite="lax",
    )
    return response


@auth_router.get("/github/login", status_code=302, response_class=RedirectResponse)
def github_login(user: OptionalUser) -> Response:
    """Redirect the browser to GitHub to sign in or sign up.

    Sent with an access token, the flow links GitHub to that account instead.
    Returns 302 to GitHub's authorize page, with state and a PKCE challenge.
    """
    url, state = oauth.start_authorization(user.id if user else None)
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


@auth_router.get("/github/callback", response_model=GitHubCallbackResult)
def github_callback(
    request: Request,
    session: SessionDep,
    response: Response,
    state: Annotated[str, Query(max_length=200)] = "",
    code: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> GitHubCallbackResult:
    """Finish a GitHub flow: GitHub redirects the browser here.

    Signs up a new account, signs in the linked one or, for a linking flow,
    links GitHub. An existing account with the same email is never linked
    without its password: sign in and link instead (409).
    """
    response.delete_cookie(STATE_COOKIE, path=STATE_COOKIE_PATH)
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
    result = github_accounts.complete_login(session, code, state)
    return GitHubCallbackResult(
        action=result.action, github_login=result.github_login, tokens=result.tokens
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
