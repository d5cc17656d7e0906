"""Granting and removing the admin role, for the `odyssey users` command."""

import logging

from sqlmodel import select

from accounts.models import User
from accounts.validation import normalize_email
from core.database import session_scope
from core.errors import NotFound

logger = logging.getLogger(__name__)

ROLES = ("user", "admin")


def set_role(email: str, role: str) -> int:
    """Give the account with this email the role; returns its user id.

    Access tokens carry the role, but the dependencies read it from the
    database, so the change applies to the next request.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    normalized = normalize_email(email)
    with session_scope() as session:
        user = session.exec(select(User).where(User.email == normalized)).first()
        if user is None:
            raise NotFound("no account has this email; register it first")
        user.role = role
        session.add(user)
        assert user.id is not None
        user_id = user.id
    logger.info("set the role of user %d to %s", user_id, role)
    return user_id
