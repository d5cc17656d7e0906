"""The user's profile, the export of their data and the erasure of their account."""

import logging
from typing import Any

from sqlmodel import Session

from accounts import data_control, sessions
from accounts.github_accounts import find_identity
from accounts.models import User
from accounts.schemas import GitHubLink, Profile, ProfileUpdate
from accounts.validation import check_difficulty, clean_display_name, clean_languages
from core.errors import InvalidParameter

logger = logging.getLogger(__name__)


def profile_of(session: Session, user: User) -> Profile:
    assert user.id is not None
    identity = find_identity(session, user.id)
    github = (
        GitHubLink(login=identity.github_login, linked_at=identity.linked_at)
        if identity is not None
        else None
    )
    return Profile(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        preferred_languages=list(user.preferred_languages),
        preferred_difficulty=user.preferred_difficulty,
        has_password=user.password_hash is not None,
        github=github,
        created_at=user.created_at,
    )


def update_profile(session: Session, user: User, update: ProfileUpdate) -> Profile:
    """Apply the fields present in the request; commits only when all are valid."""
    fields = update.model_fields_set
    if "display_name" in fields:
        if update.display_name is None:
            raise InvalidParameter(
                "display_name cannot be null", details={"parameter": "display_name"}
            )
        display_name = clean_display_name(update.display_name)
    if "preferred_languages" in fields:
        languages = clean_languages(update.preferred_languages or [])
    if "preferred_difficulty" in fields:
        difficulty = check_difficulty(update.preferred_difficulty)
    # Assigned only after every check passed, so a rejected request stores nothing.
    if "display_name" in fields:
        user.display_name = display_name
    if "preferred_languages" in fields:
        user.preferred_languages = languages
    if "preferred_difficulty" in fields:
        user.preferred_difficulty = difficulty
    session.add(user)
    session.commit()
    session.refresh(user)
    return profile_of(session, user)


def export_data(session: Session, user: User) -> dict[str, Any]:
    """Collect everything stored about the user; secrets appear only as facts.

    The password hash and the GitHub token are not exported, only whether
    they exist, because they are credentials, not data about the user.
    """
    assert user.id is not None
    identity = find_identity(session, user.id)
    account = profile_of(session, user).model_dump(mode="json", exclude={"github"})
    github = None
    if identity is not None:
        github = {
            "user_id": identity.github_user_id,
            "login": identity.github_login,
            "scope": identity.scope,
            "linked_at": identity.linked_at.isoformat(),
            "has_token": bool(identity.encrypted_token),
        }
    return {
        "account": account,
        "github": github,
        **data_control.export_sections(session, user.id),
    }


def erase_account(session: Session, user: User) -> None:
    """Delete the account and all personal data, and end every session; commits."""
    assert user.id is not None
    user_id = user.id
    data_control.erase_personal_data(session, user_id)
    identity = find_identity(session, user_id)
    if identity is not None:
        session.delete(identity)
    session.delete(user)
    session.commit()
    sessions.end_all_sessions(user_id)
    logger.info("erased user %d", user_id)
