"""Request and response bodies of the alerts API."""

from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from alerts.search_query import SearchQuery

Frequency = Literal["instant", "daily", "weekly"]
Channel = Literal["in_app", "email", "webhook"]
DeliveryStatus = Literal["pending", "sent", "failed"]


class SavedSearchIn(BaseModel):
    """A saved search as created with POST and replaced with PUT."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Python docs",
                    "query": {"q": "docs", "language": ["Python"]},
                    "frequency": "daily",
                    "channels": ["in_app", "email"],
                    "timezone": "Europe/Berlin",
                    "digest_hour": 8,
                }
            ]
        },
    )

    name: Annotated[str, Field(min_length=1, max_length=100)]
    query: SearchQuery = SearchQuery()
    frequency: Frequency = "instant"
    channels: Annotated[list[Channel], Field(min_length=1, max_length=3)] = ["in_app"]
    webhook_url: Annotated[str | None, Field(max_length=2000)] = None
    timezone: Annotated[str, Field(max_length=64)] = "UTC"
    digest_hour: Annotated[int, Field(ge=0, le=23)] = 8
    digest_weekday: Annotated[
        int, Field(ge=0, le=6, description="Day of weekly digests; 0 is Monday")
    ] = 0

    @field_validator("name")
    @classmethod
    def strip_name(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("name must not be blank")
        return name

    @field_validator("channels")
    @classmethod
    def unique_channels(cls, channels: list[str]) -> list[str]:
        return list(dict.fromkeys(channels))

    @field_validator("timezone")
    @classmethod
    def known_timezone(cls, timezone: str) -> str:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {timezone!r}; "
                "use an IANA name such as Europe/Berlin"
            ) from None
        return timezone

    @model_validator(mode="after")
    def webhook_url_with_channel(self) -> "SavedSearchIn":
        if "webhook" in self.channels and not self.webhook_url:
            raise ValueError("the webhook channel needs a webhook_url")
        if "webhook" not in self.channels and self.webhook_url:
            raise ValueError("webhook_url is set but the channels lack `webhook`")
        return self


class SavedSearchOut(BaseModel):
    id: int
    name: str
    query: dict[str, Any]
    frequency: Frequency
    channels: list[Channel]
    webhook_url: str | None
    # Returned once, when a webhook secret is created; null otherwise.
    webhook_secret: str | None = None
    timezone: str
    digest_hour: int
    digest_weekday: int
    created_at: datetime
    updated_at: datetime
    last_alert_at: datetime | None


class SavedSearchList(BaseModel):
    items: list[SavedSearchOut]


class DeliveryOut(BaseModel):
    id: int
    key: str
    saved_search_id: int | None
    user_id: int
    channel: Channel
    kind: str
    status: DeliveryStatus
    attempts: int
    issue_count: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


class DeliveryList(BaseModel):
    items: list[DeliveryOut]


class NotificationOut(BaseModel):
    id: int
    title: str
    body: str
    saved_search_id: int | None
    payload: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class NotificationList(BaseModel):
    items: list[NotificationOut]
    unread_count: int


class ReadAllResult(BaseModel):
    marked_read: int


class NotifyIn(BaseModel):
    """A manual notification from an admin to one user."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "user_id": 7,
                    "title": "Maintenance tonight",
                    "body": "Search is down 22-23 UTC.",
                }
            ]
        },
    )

    user_id: Annotated[int, Field(ge=1, le=2_147_483_647)]
    title: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(max_length=5000)] = ""
    channels: Annotated[
        list[Literal["in_app", "email"]], Field(min_length=1, max_length=2)
    ] = ["in_app"]


class NotifyResult(BaseModel):
    delivery_ids: list[int]


class UnsubscribeResult(BaseModel):
    saved_search_ids: list[int]
    message: str
