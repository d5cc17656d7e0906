"""Saved searches and in-app notifications, through the REST services."""

from typing import Any

from alerts import notifications as notification_service
from alerts import service as saved_search_service
from alerts.schemas import SavedSearchIn
from core.errors import InvalidParameter
from graphql_api.context import Context
from graphql_api.resolvers.tracking import MAX_LIMIT, MAX_OFFSET
from graphql_api.types.alerts import (
    Notification,
    NotificationList,
    ReadAllResult,
    SavedSearch,
    SavedSearchInput,
)
from graphql_api.types.search import SearchFilters

DEFAULT_NOTIFICATIONS = 50


def _search_query(q: str, filters: SearchFilters) -> dict[str, Any]:
    """Return the `GET /v1/search` parameters that a saved search stores."""
    return {
        "q": q,
        "label": filters.labels,
        "language": filters.languages,
        "difficulty": filters.difficulties,
        "kind": filters.kinds,
        "repo": filters.repos,
        "source": filters.sources,
        "event": filters.events,
        "topic": filters.topics,
        "license": filters.licenses,
        "freshness": filters.freshness.value if filters.freshness else None,
        "created_after": filters.created_after,
        "updated_after": filters.updated_after,
        "include_assigned": filters.include_assigned,
        "min_stars": filters.min_stars,
        "pushed_within": (
            filters.pushed_within.value if filters.pushed_within else None
        ),
    }


def to_saved_search_in(input: SavedSearchInput) -> SavedSearchIn:
    """Build the REST request body; a ValidationError becomes INVALID_PARAMETER."""
    return SavedSearchIn.model_validate(
        {
            "name": input.name,
            "query": _search_query(input.q, input.filters),
            "frequency": input.frequency.value,
            "channels": [channel.value for channel in input.channels],
            "webhook_url": input.webhook_url,
            "timezone": input.timezone,
            "digest_hour": input.digest_hour,
            "digest_weekday": input.digest_weekday,
        }
    )


async def saved_searches(info: Context) -> list[SavedSearch]:
    """List the caller's saved searches, oldest first."""
    user_id = await info.context.current_user_id()
    result = await info.context.run_db(
        saved_search_service.list_saved_searches, user_id
    )
    return [SavedSearch.from_pydantic(item) for item in result]


async def saved_search(info: Context, id: int) -> SavedSearch:
    """Return one of the caller's saved searches."""
    user_id = await info.context.current_user_id()
    result = await info.context.run_db(
        lambda session: saved_search_service.to_out(
            saved_search_service.get_owned(session, user_id, id)
        )
    )
    return SavedSearch.from_pydantic(result)


async def create_saved_search(info: Context, input: SavedSearchInput) -> SavedSearch:
    """Save a search with how often and where to announce new matching issues.

    With the `webhook` channel the result contains `webhookSecret`, which is
    returned only here.
    """
    user_id = await info.context.current_user_id()
    data = to_saved_search_in(input)
    result = await info.context.run_db(
        saved_search_service.create_saved_search, user_id, data
    )
    return SavedSearch.from_pydantic(result)


async def update_saved_search(
    info: Context, id: int, input: SavedSearchInput
) -> SavedSearch:
    """Replace every field of a saved search, as `PUT /v1/saved-searches/{id}`
    does: omitted fields get their defaults. Adding a webhook returns a new
    secret in this result only, and keeping the webhook keeps its secret."""
    user_id = await info.context.current_user_id()
    data = to_saved_search_in(input)
    result = await info.context.run_db(
        saved_search_service.replace_saved_search, user_id, id, data
    )
    return SavedSearch.from_pydantic(result)


async def delete_saved_search(info: Context, id: int) -> bool:
    """Delete a saved search and its matches; past deliveries stay in the admin log."""
    user_id = await info.context.current_user_id()
    await info.context.run_db(saved_search_service.delete_saved_search, user_id, id)
    return True


async def notifications(
    info: Context,
    unread_only: bool = False,
    first: int = DEFAULT_NOTIFICATIONS,
    offset: int = 0,
) -> NotificationList:
    """List the caller's in-app notifications, newest first, with the unread count."""
    if not 1 <= first <= MAX_LIMIT:
        raise InvalidParameter(
            f"first must be between 1 and {MAX_LIMIT}, not {first}",
            details={"parameter": "first", "maximum": MAX_LIMIT},
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidParameter(
            f"offset must be between 0 and {MAX_OFFSET}, not {offset}",
            details={"parameter": "offset", "maximum": MAX_OFFSET},
        )
    user_id = await info.context.current_user_id()
    result = await info.context.run_db(
        lambda session: notification_service.list_notifications(
            session, user_id, unread_only=unread_only, limit=first, offset=offset
        )
    )
    return NotificationList.from_pydantic(result)


async def unread_notification_count(info: Context) -> int:
    """Return how many of the caller's in-app notifications are unread."""
    user_id = await info.context.current_user_id()
    return await info.context.run_db(notification_service.unread_count, user_id)


async def mark_notification_read(info: Context, id: int) -> Notification:
    """Mark one notification read; marking it again changes nothing."""
    user_id = await info.context.current_user_id()
    result = await info.context.run_db(notification_service.mark_read, user_id, id)
    return Notification.from_pydantic(result)


async def mark_all_notifications_read(info: Context) -> ReadAllResult:
    """Mark all the caller's unread notifications read; returns how many changed."""
    user_id = await info.context.current_user_id()
    marked = await info.context.run_db(notification_service.mark_all_read, user_id)
    return ReadAllResult(marked_read=marked)
