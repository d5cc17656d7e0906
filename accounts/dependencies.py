"""FastAPI dependencies that authenticate and authorize callers."""

import hmac
from typing import Annotated

from fastapi import Depends, Header
from sqlmodel import Session

from accounts import sessions
from accounts.models import User
from accounts.tokens import decode_access_token
from core.database import get_session
from core.errors import Forbidden, Unauthorized
from core.settings import get_settings

AuthorizationHeader = Annotated[
    str | None, Header(description="`Bearer <access token>`")
]


def _bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Authorization header must be `Bearer <token>`")
    return token.strip()


def _user_from_token(token: str, session: Session) -> User:
    claims = decode_access_token(token)
    if claims.session_id is not None and not sessions.is_active(claims.session_id):
        raise Unauthorized("this session has ended; sign in again")
    user = session.get(User, claims.user_id)
    if user is None:
        raise Unauthorized("the account of this token no longer exists")
    return user


def get_optional_user(
    authorization: AuthorizationHeader = None,
    session: Session = Depends(get_session),
) -> User | None:
    """Return the signed-in user, or None for anonymous callers."""
    token = _bearer_token(authorization)
    if token is None:
        return None
    return _user_from_token(token, session)


def get_current_user(
    authorization: AuthorizationHeader = None,
    session: Session = Depends(get_session),
) -> User:
    """Return the signed-in user; anonymous callers get 401."""
    token = _bearer_token(authorization)
    if token is None:
        raise Unauthorized("sign in first: send `Authorization: Bearer <access token>`")
    return _user_from_token(token, session)


CurrentUser = Annotated[User, Depends(get_current_user)]
OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def require_admin(
    authorization: AuthorizationHeader = None,
    session: Session = Depends(get_session),
) -> None:
    """Allow admins: a user with the admin role, or the ODYSSEY_ADMIN_TOKEN
    service token used by operators and scripts."""
    token = _bearer_token(authorization)
    if token is None:
        raise Unauthorized("missing Authorization header; send `Bearer <token>`")
    service_token = get_settings().admin_token
    if service_token and hmac.compare_digest(token.encode(), service_token.encode()):
        return
    if token.count(".") != 2:
        # Not a JWT, so it was meant as the service token.
        raise Forbidden("the admin token is not valid")
    user = _user_from_token(token, session)
    if user.role != "admin":
        raise Forbidden("this action needs the admin role")


AdminDep = Annotated[None, Depends(require_admin)]
