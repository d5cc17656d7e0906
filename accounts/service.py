"""Registration, password login and the token pairs of sign-in sessions."""

import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts import login_limits, passwords, sessions
from accounts.models import User
from accounts.schemas import TokenPair
from accounts.tokens import create_access_token, signing_secret
from accounts.validation import clean_display_name, normalize_email
from core.errors import Conflict, InvalidParameter, Unauthorized
from core.settings import get_settings

logger = logging.getLogger(__name__)

# One message for unknown emails, wrong passwords and accounts without a
# password, so the response does not reveal which emails have accounts.
LOGIN_FAILED = "invalid email or password"


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def issue_tokens(user: User) -> TokenPair:
    """Start a sign-in session for the user and return its first token pair."""
    assert user.id is not None
    grant = sessions.start_session(user.id)
    return _token_pair(user, grant)


def _token_pair(user: User, grant: sessions.RefreshGrant) -> TokenPair:
    assert user.id is not None
    access_token, _ = create_access_token(user.id, user.role, grant.family_id)
    return TokenPair(
        access_token=access_token,
        expires_in=get_settings().access_token_minutes * 60,
        refresh_token=grant.refresh_token,
        refresh_expires_in=grant.expires_in,
    )


def register(session: Session, email: str, password: str, display_name: str) -> User:
    """Create a password account; commits. Raises Conflict for a taken email."""
    signing_secret()  # fail with 503 before storing an account nobody can use
    email = normalize_email(email)
    passwords.check_password_policy(password, email)
    name = clean_display_name(display_name)
    if find_user_by_email(session, email) is not None:
        raise Conflict(
            "an account with this email already exists; sign in or use another email",
            details={"parameter": "email"},
        )
    user = User(
        email=email, display_name=name, password_hash=passwords.hash_password(password)
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        # Another request registered the same email since the check above.
        session.rollback()
        raise Conflict(
            "an account with this email already exists; sign in or use another email",
            details={"parameter": "email"},
        ) from None
    session.refresh(user)
    logger.info("registered user %d", user.id)
    return user


def login(session: Session, email: str, password: str, address: str) -> TokenPair:
    """Check the password and start a session.

    Every path runs exactly one Argon2 verification, so unknown emails,
    accounts without a password and wrong passwords take the same time.
    """
    signing_secret()
    try:
        email = normalize_email(email)
    except InvalidParameter:
        passwords.verify_dummy(password)
        raise Unauthorized(LOGIN_FAILED) from None
    login_limits.check_login_allowed(email, address)
    user = find_user_by_email(session, email)
    if user is None or user.password_hash is None:
        passwords.verify_dummy(password)
        ok = False
    else:
        ok = passwords.verify_password(user.password_hash, password)
    if not ok or user is None:
        login_limits.record_failure(email, address)
        logger.info("failed login for user %s", user.id if user else "(unknown email)")
        raise Unauthorized(LOGIN_FAILED)
    assert user.password_hash is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.add(user)
        session.commit()
    login_limits.clear_account_failures(email)
    logger.info("user %d signed in with a password", user.id)
    return issue_tokens(user)


def refresh(session: Session, refresh_token: str) -> TokenPair:
    """Rotate the refresh token and return a new pair for the same session."""
    signing_secret()
    grant = sessions.rotate(refresh_token)
    user = session.get(User, grant.user_id)
    if user is None:
        sessions.end_session(grant.refresh_token)
        raise Unauthorized(sessions.INVALID_REFRESH_TOKEN)
    return _token_pair(user, grant)
