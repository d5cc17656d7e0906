"""In-app notifications of a user: list, unread count, mark read, and the
manual notifications that admins send."""

import logging

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from accounts.models import User
from alerts.deliveries import create_delivery
from alerts.models import Notification
from alerts.schemas import NotificationList, NotificationOut, NotifyIn
from core.errors import NotFound
from indexer.models import utc_now

logger = logging.getLogger(__name__)


def _to_out(notification: Notification) -> NotificationOut:
    assert notification.id is not None
    return NotificationOut(
        id=notification.id,
        title=notification.title,
        body=notification.body,
        saved_search_id=notification.saved_search_id,
        payload=notification.payload,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


def unread_count(session: Session, user_id: int) -> int:
    count = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
    ).one()
    return int(count)


def list_notifications(
    session: Session, user_id: int, *, unread_only: bool, limit: int, offset: int
) -> NotificationList:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    rows = session.exec(
        query.order_by(col(Notification.id).desc()).offset(offset).limit(limit)
    ).all()
    return NotificationList(
        items=[_to_out(row) for row in rows],
        unread_count=unread_count(session, user_id),
    )


def mark_read(session: Session, user_id: int, notification_id: int) -> NotificationOut:
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound(
            f"notification {notification_id} not found",
            details={"notification_id": notification_id},
        )
    if notification.read_at is None:
        notification.read_at = utc_now()
        session.add(notification)
        session.commit()
    return _to_out(notification)


def mark_all_read(session: Session, user_id: int) -> int:
    result = session.execute(
        update(Notification)
        .where(
            Notification.user_id == user_id,  # type: ignore[arg-type]
            col(Notification.read_at).is_(None),
        )
        .values(read_at=utc_now())
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]


def create_manual_notification(session: Session, data: NotifyIn) -> list[int]:
    """Create one pending delivery per channel; return their ids for enqueueing."""
    if session.get(User, data.user_id) is None:
        raise NotFound(
            f"user {data.user_id} not found", details={"user_id": data.user_id}
        )
    payload = {"kind": "manual", "title": data.title, "body": data.body, "sections": []}
    delivery_ids = []
    for channel in dict.fromkeys(data.channels):
        delivery = create_delivery(
            session,
            user_id=data.user_id,
            saved_search_id=None,
            channel=channel,
            kind="manual",
            payload=payload,
        )
        assert delivery.id is not None
        delivery_ids.append(delivery.id)
    session.commit()
    logger.info(
        "admin notification to user %d: deliveries %s", data.user_id, delivery_ids
    )
    return delivery_ids
