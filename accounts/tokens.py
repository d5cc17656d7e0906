"""Signed access tokens (JWT, HS256) for API callers.

The algorithm is pinned on both ends: decoding accepts HS256 only, so tokens
with `alg: none` or an asymmetric algorithm are rejected.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from jose import JWTError, jwt

from core.errors import ServiceUnavailable, Unauthorized
from core.settings import get_settings

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
ISSUER = "oss-odyssey"
AUDIENCE = "oss-odyssey-api"
MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    role: str
    token_id: str
    expires_at: datetime
    # Sign-in session (refresh token family) the token was issued in; None for
    # tokens issued outside a session.
    session_id: str | None = None


def signing_secret() -> str:
    secret = get_settings().jwt_secret
    if not secret or len(secret) < MIN_SECRET_LENGTH:
        raise ServiceUnavailable(
            "user accounts are disabled: set ODYSSEY_JWT_SECRET to a random value of "
            f"at least {MIN_SECRET_LENGTH} characters"
        )
    return secret


def create_access_token(
    user_id: int, role: str, session_id: str | None = None
) -> tuple[str, datetime]:
    """Return a signed access token for the user and its expiry time."""
    now = datetime.now(timezone.utc)
    expires_at = now + timedelta(minutes=get_settings().access_token_minutes)
    claims = {
        "sub": str(user_id),
        "role": role,
        "typ": "access",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": uuid.uuid4().hex,
    }
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(claims, signing_secret(), algorithm=ALGORITHM), expires_at


def decode_access_token(token: str) -> AccessClaims:
    """Verify signature, algorithm, issuer, audience, expiry and token type."""
    try:
        claims = jwt.decode(
            token,
            signing_secret(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
        )
    except JWTError as error:
        logger.info("rejected an access token: %s", type(error).__name__)
        raise Unauthorized("the access token is invalid or expired; sign in again") from None
    if claims.get("typ") != "access" or not str(claims.get("sub", "")).isdigit():
        raise Unauthorized("the token is not an access token; sign in again")
    return AccessClaims(
        user_id=int(claims["sub"]),
        role=str(claims.get("role", "user")),
        token_id=str(claims.get("jti", "")),
        expires_at=datetime.fromtimestamp(claims["exp"], timezone.utc),
        session_id=str(claims["sid"]) if claims.get("sid") else None,
    )
