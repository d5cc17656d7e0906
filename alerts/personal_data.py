"""Export and erasure of a user's saved searches, notifications and deliveries."""

from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from accounts.data_control import register_eraser, register_exporter
from alerts.models import AlertDelivery, Notification, SavedSearch

EXPORT_SECTION = "alerts"


def export_alerts(session: Session, user_id: int) -> dict[str, Any]:
    searches = session.exec(
        select(SavedSearch).where(SavedSearch.user_id == user_id)
    ).all()
    notes = session.exec(
        select(Notification).where(Notification.user_id == user_id)
    ).all()
    return {
        "saved_searches": [
            search.model_dump(mode="json", exclude={"webhook_secret"})
            for search in searches
        ],
        "notifications": [note.model_dump(mode="json") for note in notes],
    }


def erase_alerts(session: Session, user_id: int) -> None:
    """Delete the user's rows; matches and digest runs go with the searches."""
    session.execute(delete(Notification).where(col(Notification.user_id) == user_id))
    session.execute(delete(AlertDelivery).where(col(AlertDelivery.user_id) == user_id))
    session.execute(delete(SavedSearch).where(col(SavedSearch.user_id) == user_id))


register_exporter(EXPORT_SECTION, export_alerts)
register_eraser(erase_alerts)
