"""Signed one-click unsubscribe tokens for alert emails.

A token names a user and the saved searches whose email channel it turns
off; an empty list means all of the user's saved searches. Tokens do not
expire, because mail clients may follow the link weeks later, and they are
signed with ODYSSEY_JWT_SECRET under their own audience, so an access token
is never accepted as one and the other way round.
"""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from jose import JWTError, jwt
from sqlmodel import Session, col, select

from accounts.tokens import ALGORITHM, ISSUER, signing_secret
from alerts.models import SavedSearch
from core.errors import InvalidParameter
from core.settings import get_settings
from indexer.models import utc_now

logger = logging.getLogger(__name__)

AUDIENCE = "oss-odyssey-unsubscribe"


@dataclass(frozen=True)
class UnsubscribeClaims:
    user_id: int
    saved_search_ids: tuple[int, ...]


def create_token(user_id: int, saved_search_ids: list[int]) -> str:
    claims = {
        "sub": str(user_id),
        "searches": sorted(saved_search_ids),
        "typ": "unsubscribe",
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, signing_secret(), algorithm=ALGORITHM)


def unsubscribe_url(token: str) -> str:
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}/v1/unsubscribe?{urlencode({'token': token})}"


def decode_token(token: str) -> UnsubscribeClaims:
    try:
        claims = jwt.decode(
            token,
            signing_secret(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
        )
    except JWTError as error:
        logger.info("rejected an unsubscribe token: %s", type(error).__name__)
        raise InvalidParameter(
            "the unsubscribe link is invalid; use the link from the latest email",
            details={"parameter": "token"},
        ) from None
    searches = claims.get("searches")
    subject = str(claims.get("sub", ""))
    if (
        claims.get("typ") != "unsubscribe"
        or not subject.isdigit()
        or not isinstance(searches, list)
    ):
        raise InvalidParameter(
            "the token is not an unsubscribe token", details={"parameter": "token"}
        )
    return UnsubscribeClaims(int(subject), tuple(int(s) for s in searches))


def unsubscribe(session: Session, token: str) -> list[int]:
    """Remove the email channel from the token's saved searches; return the ids
    of the searches changed. Running it twice changes nothing the second time."""
    claims = decode_token(token)
    query = select(SavedSearch).where(SavedSearch.user_id == claims.user_id)
    if claims.saved_search_ids:
        query = query.where(col(SavedSearch.id).in_(claims.saved_search_ids))
    changed = []
    for search in session.exec(query).all():
        if "email" not in search.channels:
            continue
        search.channels = [channel for channel in search.channels if channel != "email"]
        search.updated_at = utc_now()
        session.add(search)
        assert search.id is not None
        changed.append(search.id)
    session.commit()
    logger.info(
        "user %d unsubscribed saved searches %s from email", claims.user_id, changed
    )
    return changed
