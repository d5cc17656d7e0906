"""Sign-up, sign-in, tokens and the caller's profile, through the REST services."""

from sqlmodel import Session
from starlette.requests import Request
from strawberry.scalars import JSON

from accounts import profile as profile_service
from accounts import schemas, sessions
from accounts import service as account_service
from accounts.login_limits import client_address
from graphql_api.context import Context
from graphql_api.inputs import to_model
from graphql_api.types.accounts import (
    Profile,
    ProfileUpdateInput,
    RegisterInput,
    RegisterPayload,
    TokenPair,
    User,
)


async def viewer(info: Context) -> User | None:
    """Return the signed-in caller's account, or null for anonymous callers."""
    user = await info.context.optional_user()
    if user is None:
        return None
    # Under the session lock: a commit earlier in the request expired the row.
    return await info.context.run_db(lambda _session: User.from_row(user))


async def profile(info: Context) -> Profile:
    """Return the signed-in caller's profile."""
    user = await info.context.current_user()
    result = await info.context.run_db(profile_service.profile_of, user)
    return Profile.from_pydantic(result)


async def profile_export(info: Context) -> JSON:
    """Return everything stored about the signed-in caller, as `GET
    /v1/profile/export` does. Credentials (password hash, GitHub token) are
    reported only as `has_password` and `has_token`."""
    user = await info.context.current_user()
    data = await info.context.run_db(profile_service.export_data, user)
    return JSON(data)


async def register(info: Context, input: RegisterInput) -> RegisterPayload:
    """Create an account with a password and sign it in.

    The email is stored trimmed and lower-cased. Passwords must be 12 to 128
    characters long, with at least 4 different characters, and must not
    contain the name part of the email. A taken email gets CONFLICT.
    """
    request = to_model(input, schemas.RegisterRequest)
    result = await info.context.run_db(_register, request)
    return RegisterPayload.from_pydantic(result)


def _register(
    session: Session, request: schemas.RegisterRequest
) -> schemas.RegisterResponse:
    user = account_service.register(
        session, request.email, request.password, request.display_name
    )
    return schemas.RegisterResponse(
        profile=profile_service.profile_of(session, user),
        tokens=account_service.issue_tokens(user),
    )


async def login(info: Context, email: str, password: str) -> TokenPair:
    """Sign in with email and password; returns an access and a refresh token.

    Unknown emails and wrong passwords get the same UNAUTHORIZED error. After
    too many failed logins for one account or from one address, logins fail
    with TOO_MANY_REQUESTS.
    """
    request = schemas.LoginRequest(email=email, password=password)
    http_request = info.context.request
    assert isinstance(http_request, Request)
    address = client_address(http_request)
    result = await info.context.run_db(
        account_service.login, request.email, request.password, address
    )
    return TokenPair.from_pydantic(result)


async def refresh_tokens(info: Context, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for a new token pair of the same session.

    Each refresh token works once. Presenting a used one ends the whole
    session, because it means the token was copied.
    """
    request = schemas.RefreshRequest(refresh_token=refresh_token)
    result = await info.context.run_db(account_service.refresh, request.refresh_token)
    return TokenPair.from_pydantic(result)


async def logout(info: Context, refresh_token: str) -> bool:
    """End the session of the refresh token; unknown tokens also return true.

    Its refresh tokens and the access tokens issued in it stop working at once.
    """
    request = schemas.RefreshRequest(refresh_token=refresh_token)
    await info.context.run_blocking(sessions.end_session, request.refresh_token)
    return True


async def update_profile(info: Context, input: ProfileUpdateInput) -> Profile:
    """Change display name, preferred languages or preferred difficulty.

    Languages are stored in the spelling of the search's language facet
    (`python` becomes `Python`). Preferred difficulty is `beginner`,
    `intermediate`, `advanced` or null.
    """
    user = await info.context.current_user()
    update = to_model(input, schemas.ProfileUpdate)
    result = await info.context.run_db(profile_service.update_profile, user, update)
    return Profile.from_pydantic(result)


async def delete_account(info: Context) -> bool:
    """Erase the caller's account and all personal data, and end every session."""
    user = await info.context.current_user()
    await info.context.run_db(profile_service.erase_account, user)
    return True
