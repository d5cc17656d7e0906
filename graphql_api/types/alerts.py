"""Saved searches and in-app notifications.

The object types are generated from the REST response models, as in
graphql_api.types.tracking. GraphQL has no Literal or free-form dict types, so
frequencies and channels are enums whose values are the REST strings, and the
stored search parameters and notification payloads are JSON.
"""

from enum import Enum

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type
from strawberry.scalars import JSON

from alerts import schemas
from graphql_api.types.search import SearchFilters

_DEFAULTS = schemas.SavedSearchIn.model_fields


@strawberry.enum(description="How often a saved search announces new matching issues.")
class AlertFrequency(Enum):
    instant = "instant"
    daily = "daily"
    weekly = "weekly"


@strawberry.enum(description="Where a saved search announces new matching issues.")
class AlertChannel(Enum):
    in_app = "in_app"
    email = "email"
    webhook = "webhook"


@pydantic_type(model=schemas.SavedSearchOut, all_fields=True, name="SavedSearch")
class SavedSearch:
    query: JSON
    frequency: AlertFrequency
    channels: list[AlertChannel]


@pydantic_type(model=schemas.NotificationOut, all_fields=True, name="Notification")
class Notification:
    payload: JSON


@pydantic_type(model=schemas.NotificationList, all_fields=True, name="NotificationList")
class NotificationList:
    pass


@pydantic_type(model=schemas.ReadAllResult, all_fields=True, name="ReadAllResult")
class ReadAllResult:
    pass


@strawberry.input(
    description=(
        "A saved search: the search to repeat and how and where to announce new "
        "matching issues. Only issues first seen after saving are announced."
    )
)
class SavedSearchInput:
    name: str
    q: str = strawberry.field(default="", description="The search text.")
    filters: SearchFilters = strawberry.field(
        default_factory=SearchFilters,
        description="Facet selections and ranges, as in `search`.",
    )
    frequency: AlertFrequency = AlertFrequency(_DEFAULTS["frequency"].default)
    channels: list[AlertChannel] = strawberry.field(
        default_factory=lambda: [
            AlertChannel(channel) for channel in _DEFAULTS["channels"].default
        ]
    )
    webhook_url: str | None = strawberry.field(
        default=None, description="Needed by, and only allowed with, `webhook`."
    )
    timezone: str = strawberry.field(
        default=_DEFAULTS["timezone"].default,
        description="IANA time zone of digests, e.g. `Europe/Berlin`.",
    )
    digest_hour: int = strawberry.field(
        default=_DEFAULTS["digest_hour"].default,
        description="Local hour (0-23) of daily and weekly digests.",
    )
    digest_weekday: int = strawberry.field(
        default=_DEFAULTS["digest_weekday"].default,
        description="Day of weekly digests; 0 is Monday.",
    )
