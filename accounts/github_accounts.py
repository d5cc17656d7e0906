"""Sign-up, sign-in, linking and unlinking with a GitHub account."""

import logging
from dataclasses import dataclass

from sqlmodel import Session, select

from accounts import oauth, token_cipher
from accounts.models import GitHubIdentity, User
from accounts.schemas import TokenPair
from accounts.service import find_user_by_email, issue_tokens
from accounts.validation import clean_display_name, normalize_email
from core.errors import Conflict, InvalidParameter, NotFound
from indexer.models import utc_now

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class GitHubLoginResult:
    action: str  # "signed_up", "signed_in" or "linked"
    github_login: str
    tokens: TokenPair | None
    user_id: int


def find_identity(session: Session, user_id: int) -> GitHubIdentity | None:
    return session.exec(
        select(GitHubIdentity).where(GitHubIdentity.user_id == user_id)
    ).first()


def complete_login(
    session: Session, code: str, state: str, *, start_session: bool = True
) -> GitHubLoginResult:
    """Finish the flow started with `state`: link, sign in or sign up; commits.

    With `start_session=False` no tokens are issued (`tokens` is None), so the
    caller can start the session later for `user_id`.
    """
    pending = oauth.take_authorization(state)
    token = oauth.exchange_code(code, pending.code_verifier)
    github_user = oauth.fetch_user(token.access_token)
    identity = session.exec(
        select(GitHubIdentity).where(GitHubIdentity.github_user_id == github_user.id)
    ).first()
    if pending.link_user_id is not None:
        _link(session, pending.link_user_id, identity, github_user, token)
        return GitHubLoginResult(
            "linked", github_user.login, None, pending.link_user_id
        )
    if identity is not None:
        _store_token(identity, github_user, token)
        session.add(identity)
        session.commit()
        user = session.get(User, identity.user_id)
        assert user is not None  # the foreign key cascades deletes
        logger.info("user %d signed in with GitHub", user.id)
        return _signed_in("signed_in", github_user, user, start_session)
    user = _sign_up(session, github_user, token)
    return _signed_in("signed_up", github_user, user, start_session)


def _signed_in(
    action: str, github_user: oauth.GitHubUser, user: User, start_session: bool
) -> GitHubLoginResult:
    assert user.id is not None
    tokens = issue_tokens(user) if start_session else None
    return GitHubLoginResult(action, github_user.login, tokens, user.id)


def _store_token(
    identity: GitHubIdentity, github_user: oauth.GitHubUser, token: oauth.GitHubToken
) -> None:
    identity.github_login = github_user.login
    identity.encrypted_token = token_cipher.encrypt_token(token.access_token)
    identity.scope = token.scope


def _link(
    session: Session,
    user_id: int,
    identity: GitHubIdentity | None,
    github_user: oauth.GitHubUser,
    token: oauth.GitHubToken,
) -> None:
    if identity is not None and identity.user_id != user_id:
        raise Conflict("this GitHub account is already linked to another account")
    current = find_identity(session, user_id)
    if current is not None and current.github_user_id != github_user.id:
        raise Conflict(
            f"your account is linked to GitHub user {current.github_login}; "
            "unlink it first with DELETE /v1/auth/github"
        )
    if session.get(User, user_id) is None:
        raise NotFound("the account that started linking no longer exists")
    identity = current or GitHubIdentity(
        user_id=user_id,
        github_user_id=github_user.id,
        github_login=github_user.login,
        encrypted_token="",
        linked_at=utc_now(),
    )
    _store_token(identity, github_user, token)
    session.add(identity)
    session.commit()
    logger.info("linked GitHub user %d to user %d", github_user.id, user_id)


def _sign_up(
    session: Session, github_user: oauth.GitHubUser, token: oauth.GitHubToken
) -> User:
    if github_user.verified_primary_email is None:
        raise InvalidParameter(
            "your GitHub account has no verified primary email; verify one on GitHub "
            "and sign in again"
        )

    email = normalize_email(github_user.verified_primary_email)
    if find_user_by_email(session, email) is not None:
        # Linking by email alone would let whoever registered the email first,
        # unverified, take over the GitHub user's account.
        raise Conflict(
            "an account with your GitHub email already exists; sign in with your "
            "password and link GitHub from there"
        )

    user = User(email=email, display_name=_display_name(github_user))
    session.add(user)
    session.flush()
    assert user.id is not None

    identity = GitHubIdentity(
        user_id=user.id,
        github_user_id=github_user.id,
        github_login=github_user.login,
        encrypted_token="",
    )
    _store_token(identity, github_user, token)
    session.add(identity)
    session.commit()
    session.refresh(user)
    logger.info("user %d signed up with GitHub user %d", user.id, github_user.id)
    return user


def _display_name(github_user: oauth.GitHubUser) -> str:
    """Use the GitHub name when it passes the display-name checks, else the login."""
    try:
        return clean_display_name(github_user.name or github_user.login)
    except InvalidParameter:
        return github_user.login


def unlink(session: Session, user: User) -> None:
    """Remove the user's GitHub link and its stored token; commits."""
    assert user.id is not None
    identity = find_identity(session, user.id)
    if identity is None:
        raise NotFound("no GitHub account is linked to your account")
    if user.password_hash is None:
        raise Conflict(
            "your account has no password, so unlinking GitHub would lock you out; "
            "delete the account with DELETE /v1/profile instead"
        )
    # TODO: also revoke the grant at GitHub (DELETE /applications/{client_id}/grant);
    # until then the token stays valid at GitHub until the user revokes it there.
    session.delete(identity)
    session.commit()
    logger.info("unlinked GitHub from user %d", user.id)
