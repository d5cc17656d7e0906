"""Create, read, replace and delete saved searches, each visible to its owner only."""

import logging
import secrets

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from alerts.models import SavedSearch
from alerts.schemas import SavedSearchIn, SavedSearchOut
from alerts.search_query import dump_search_query, to_search_params
from alerts.webhook_url import validate_webhook_url
from core.errors import Conflict, NotFound
from indexer.models import utc_now

logger = logging.getLogger(__name__)

# A user's saved searches are all matched against every indexing batch.
MAX_SAVED_SEARCHES_PER_USER = 100


def to_out(search: SavedSearch, webhook_secret: str | None = None) -> SavedSearchOut:
    assert search.id is not None
    return SavedSearchOut(
        id=search.id,
        name=search.name,
        query=search.params,
        frequency=search.frequency,  # type: ignore[arg-type]
        channels=search.channels,  # type: ignore[arg-type]
        webhook_url=search.webhook_url,
        webhook_secret=webhook_secret,
        timezone=search.timezone,
        digest_hour=search.digest_hour,
        digest_weekday=search.digest_weekday,
        created_at=search.created_at,
        updated_at=search.updated_at,
        last_alert_at=search.last_alert_at,
    )


def get_owned(session: Session, user_id: int, search_id: int) -> SavedSearch:
    """Return the user's saved search; another user's search is not found."""
    search = session.get(SavedSearch, search_id)
    if search is None or search.user_id != user_id:
        raise NotFound(
            f"saved search {search_id} not found",
            details={"saved_search_id": search_id},
        )
    return search


def list_saved_searches(session: Session, user_id: int) -> list[SavedSearchOut]:
    rows = session.exec(
        select(SavedSearch)
        .where(SavedSearch.user_id == user_id)
        .order_by(SavedSearch.id)  # type: ignore[arg-type]
    ).all()
    return [to_out(row) for row in rows]


def create_saved_search(
    session: Session, user_id: int, data: SavedSearchIn
) -> SavedSearchOut:
    """Store a saved search; its webhook secret is in this response only."""
    _validate(data)
    count = len(
        session.exec(select(SavedSearch.id).where(SavedSearch.user_id == user_id)).all()
    )
    if count >= MAX_SAVED_SEARCHES_PER_USER:
        raise Conflict(
            f"you have {count} saved searches, the maximum; delete one first",
            details={"maximum": MAX_SAVED_SEARCHES_PER_USER},
        )
    search = SavedSearch(user_id=user_id)
    secret = _apply(search, data)
    session.add(search)
    _commit(session, data.name)
    logger.info("user %d saved search %s (%s)", user_id, search.id, search.frequency)
    return to_out(search, secret)


def replace_saved_search(
    session: Session, user_id: int, search_id: int, data: SavedSearchIn
) -> SavedSearchOut:
    """Replace every field of a saved search. Matches announced before stay
    announced, so a changed query alerts only about issues not announced yet."""
    _validate(data)
    search = get_owned(session, user_id, search_id)
    secret = _apply(search, data)
    search.updated_at = utc_now()
    session.add(search)
    _commit(session, data.name)
    return to_out(search, secret)


def delete_saved_search(session: Session, user_id: int, search_id: int) -> None:
    search = get_owned(session, user_id, search_id)
    session.delete(search)
    session.commit()
    logger.info("user %d deleted saved search %d", user_id, search_id)


def _validate(data: SavedSearchIn) -> None:
    to_search_params(data.query)
    if data.webhook_url:
        data.webhook_url = validate_webhook_url(data.webhook_url)


def _apply(search: SavedSearch, data: SavedSearchIn) -> str | None:
    """Copy the fields; return a new webhook secret when one was created."""
    search.name = data.name
    search.params = dump_search_query(data.query)
    search.frequency = data.frequency
    search.channels = list(data.channels)
    search.webhook_url = data.webhook_url
    search.timezone = data.timezone
    search.digest_hour = data.digest_hour
    search.digest_weekday = data.digest_weekday
    if data.webhook_url is None:
        search.webhook_secret = None
        return None
    if search.webhook_secret is None:
        search.webhook_secret = secrets.token_hex(32)
        return search.webhook_secret
    return None


def _commit(session: Session, name: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            f"you already have a saved search named {name!r}", details={"name": name}
        ) from None
