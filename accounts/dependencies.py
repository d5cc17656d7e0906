"""FastAPI dependencies that authorize callers."""

import hmac
from typing import Annotated

from fastapi import Depends, Header

from core.errors import Forbidden, ServiceUnavailable, Unauthorized
from core.settings import get_settings


def require_admin(
    authorization: Annotated[str | None, Header(description="`Bearer <admin token>`")] = None,
) -> None:
    """Allow the request only with the admin token from ODYSSEY_ADMIN_TOKEN."""
    expected = get_settings().admin_token
    if not expected:
        raise ServiceUnavailable(
            "admin actions are disabled; set ODYSSEY_ADMIN_TOKEN to enable them"
        )
    if not authorization:
        raise Unauthorized("missing Authorization header; send `Bearer <admin token>`")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Authorization header must be `Bearer <admin token>`")
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise Forbidden("the admin token is not valid")


AdminDep = Annotated[None, Depends(require_admin)]
