"""In-app notifications written by deliveries."""

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from alerts.delivery.render import render_text
from alerts.models import AlertDelivery, Notification
from indexer.models import utc_now


def store_notification(session: Session, delivery: AlertDelivery) -> None:
    """Insert the delivery's notification unless a former attempt did."""
    payload = delivery.payload
    statement = (
        insert(Notification)
        .values(
            user_id=delivery.user_id,
            delivery_id=delivery.id,
            saved_search_id=delivery.saved_search_id,
            title=str(payload.get("title", ""))[:200],
            body=render_text(payload)[:5000],
            payload=payload,
            created_at=utc_now(),
        )
        .on_conflict_do_nothing(index_elements=["delivery_id"])
    )
    session.execute(statement)
