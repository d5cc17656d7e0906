"""REST routes of saved searches, notifications, unsubscribing and admin views."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlmodel import Session

from accounts.dependencies import AdminDep, CurrentUser
from alerts import deliveries, notifications, service, unsubscribe
from alerts.schemas import (
    DeliveryList,
    NotificationList,
    NotificationOut,
    NotifyIn,
    NotifyResult,
    ReadAllResult,
    SavedSearchIn,
    SavedSearchList,
    SavedSearchOut,
    UnsubscribeResult,
)
from core.database import get_session

router = APIRouter(prefix="/v1")

SessionDep = Annotated[Session, Depends(get_session)]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="Items to skip")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found, or owned by another user"}
}


def _user_id(user: CurrentUser) -> int:
    assert user.id is not None
    return user.id


UserId = Annotated[int, Depends(_user_id)]
# Ids are PostgreSQL `integer` columns; larger values could never exist.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.get("/saved-searches", response_model=SavedSearchList, tags=["alerts"])
def list_saved_searches(session: SessionDep, user_id: UserId) -> SavedSearchList:
    """List your saved searches, oldest first."""
    return SavedSearchList(items=service.list_saved_searches(session, user_id))


@router.post(
    "/saved-searches", response_model=SavedSearchOut, status_code=201, tags=["alerts"]
)
def create_saved_search(
    data: SavedSearchIn, session: SessionDep, user_id: UserId
) -> SavedSearchOut:
    """Save a search with how often and where to announce new matching issues.

    `query` takes the parameters of `GET /v1/search` (without paging), e.g.
    `{"q": "docs", "language": ["Python"]}`. Only issues first seen after the
    search is saved are announced, each once. With the `webhook` channel the
    response contains `webhook_secret`, the HMAC-SHA256 key of the
    `X-Odyssey-Signature-256` header; it is shown only here.
    """
    return service.create_saved_search(session, user_id, data)


@router.get(
    "/saved-searches/{search_id}",
    response_model=SavedSearchOut,
    responses=NOT_FOUND,
    tags=["alerts"],
)
def get_saved_search(
    search_id: RowId, session: SessionDep, user_id: UserId
) -> SavedSearchOut:
    """Return one of your saved searches."""
    return service.to_out(service.get_owned(session, user_id, search_id))


@router.put(
    "/saved-searches/{search_id}",
    response_model=SavedSearchOut,
    responses=NOT_FOUND,
    tags=["alerts"],
)
def replace_saved_search(
    search_id: RowId, data: SavedSearchIn, session: SessionDep, user_id: UserId
) -> SavedSearchOut:
    """Replace every field of a saved search (same body as POST).

    Adding a webhook creates a secret, returned in this response only; keeping
    the webhook keeps its secret.
    """
    return service.replace_saved_search(session, user_id, search_id, data)


@router.delete(
    "/saved-searches/{search_id}", status_code=204, responses=NOT_FOUND, tags=["alerts"]
)
def delete_saved_search(
    search_id: RowId, session: SessionDep, user_id: UserId
) -> Response:
    """Delete a saved search and its matches; past deliveries stay in the admin log."""
    service.delete_saved_search(session, user_id, search_id)
    return Response(status_code=204)


@router.get(
    "/saved-searches/{search_id}/deliveries",
    response_model=DeliveryList,
    responses=NOT_FOUND,
    tags=["alerts"],
)
def list_search_deliveries(
    search_id: RowId,
    session: SessionDep,
    user_id: UserId,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveryList:
    """Show the delivery log of a saved search, newest first: channel, status
    (`pending`, `sent`, `failed`), attempts and the last error."""
    service.get_owned(session, user_id, search_id)
    items = deliveries.list_deliveries(
        session, saved_search_id=search_id, limit=limit, offset=offset
    )
    return DeliveryList(items=items)


@router.get("/notifications", response_model=NotificationList, tags=["notifications"])
def list_notifications(
    session: SessionDep,
    user_id: UserId,
    unread: Annotated[bool, Query(description="Only unread notifications")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> NotificationList:
    """List your in-app notifications, newest first, with the unread count."""
    return notifications.list_notifications(
        session, user_id, unread_only=unread, limit=limit, offset=offset
    )


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationOut,
    responses=NOT_FOUND,
    tags=["notifications"],
)
def mark_notification_read(
    notification_id: RowId, session: SessionDep, user_id: UserId
) -> NotificationOut:
    """Mark one notification read; marking it again changes nothing."""
    return notifications.mark_read(session, user_id, notification_id)


@router.post(
    "/notifications/read-all", response_model=ReadAllResult, tags=["notifications"]
)
def mark_all_notifications_read(session: SessionDep, user_id: UserId) -> ReadAllResult:
    """Mark all your unread notifications read; returns how many changed."""
    return ReadAllResult(marked_read=notifications.mark_all_read(session, user_id))


@router.post(
    "/notify", response_model=NotifyResult, status_code=202, tags=["notifications"]
)
def notify_user(data: NotifyIn, session: SessionDep, _: AdminDep) -> NotifyResult:
    """Send a manual notification to one user (admins only).

    Example body: `{"user_id": 7, "title": "Maintenance tonight",
    "channels": ["in_app", "email"]}`. Workers send it; the delivery ids are
    in the response and in `GET /v1/admin/deliveries`.
    """
    delivery_ids = notifications.create_manual_notification(session, data)
    deliveries.enqueue_deliveries(delivery_ids)
    return NotifyResult(delivery_ids=delivery_ids)


@router.get("/admin/deliveries", response_model=DeliveryList, tags=["admin"])
def list_all_deliveries(
    session: SessionDep,
    _: AdminDep,
    status: Literal["pending", "sent", "failed"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveryList:
    """List the deliveries of all users, newest first (admins only), e.g.
    `?status=failed` for those whose retries ran out."""
    items = deliveries.list_deliveries(
        session, status=status, limit=limit, offset=offset
    )
    return DeliveryList(items=items)


UnsubscribeToken = Annotated[
    str, Query(min_length=1, max_length=2000, description="Token from the email link")
]


@router.get("/unsubscribe", response_model=UnsubscribeResult, tags=["alerts"])
def unsubscribe_link(token: UnsubscribeToken, session: SessionDep) -> UnsubscribeResult:
    """Stop alert emails of the saved searches named by a signed email link.

    No sign-in is needed: the token in the link is the proof. The searches
    keep their other channels.
    """
    return _unsubscribe(session, token)


@router.post("/unsubscribe", response_model=UnsubscribeResult, tags=["alerts"])
def unsubscribe_one_click(
    token: UnsubscribeToken, session: SessionDep
) -> UnsubscribeResult:
    """One-click unsubscribe (RFC 8058): mail clients POST to the
    `List-Unsubscribe` URL with `List-Unsubscribe=One-Click` in the body."""
    return _unsubscribe(session, token)


def _unsubscribe(session: Session, token: str) -> UnsubscribeResult:
    changed = unsubscribe.unsubscribe(session, token)
    return UnsubscribeResult(
        saved_search_ids=changed,
        message="you will get no more alert emails from these saved searches",
    )
