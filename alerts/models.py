"""Tables of saved searches, their matches, deliveries and in-app notifications."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlmodel import Field, SQLModel

from indexer.models import utc_now

FREQUENCIES = ("instant", "daily", "weekly")
CHANNELS = ("in_app", "email", "webhook")


def _timestamp(nullable: bool = True) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


def _user_column(*, index: bool = True) -> Column:
    return Column(
        Integer,
        ForeignKey("user_account.id", ondelete="CASCADE"),
        nullable=False,
        index=index,
    )


class SavedSearch(SQLModel, table=True):
    """A user's named search with how and how often to announce new matches."""

    __tablename__ = "saved_search"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_column())
    name: str = Field(max_length=100)
    # The parameters of `GET /v1/search` as lists of strings per parameter,
    # e.g. {"q": ["docs"], "language": ["Python", "Go"]}.
    params: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False)
    )
    frequency: str = Field(default="instant", max_length=16)
    channels: list[str] = Field(
        default_factory=list, sa_column=Column(ARRAY(String), nullable=False)
    )
    webhook_url: str | None = Field(default=None, max_length=2000)
    # HMAC-SHA256 key of the webhook signature. It is stored in plain text
    # because every delivery needs it, like GITHUB_WEBHOOK_SECRET.
    webhook_secret: str | None = Field(default=None, max_length=100)
    # Digests are sent at `digest_hour` (0-23) local time in this IANA zone,
    # weekly ones on `digest_weekday` (0 is Monday).
    timezone: str = Field(default="UTC", max_length=64)
    digest_hour: int = 8
    digest_weekday: int = 0
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    last_alert_at: datetime | None = Field(default=None, sa_column=_timestamp())


class AlertMatch(SQLModel, table=True):
    """An issue announced (or queued for a digest) to one saved search.

    The unique pair is the guard against announcing an issue twice: matching
    inserts with ON CONFLICT DO NOTHING, so redelivered batches add nothing.
    """

    __tablename__ = "alert_match"
    __table_args__ = (
        UniqueConstraint("saved_search_id", "issue_id"),
        Index("ix_alert_match_search_status", "saved_search_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    saved_search_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("saved_search.id", ondelete="CASCADE"), nullable=False
        )
    )
    issue_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("issue.id", ondelete="CASCADE"), nullable=False
        )
    )
    # pending (waits for a digest) -> delivered | dropped (closed before its digest)
    status: str = Field(default="pending", max_length=16)
    matched_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    delivered_at: datetime | None = Field(default=None, sa_column=_timestamp())


class AlertDelivery(SQLModel, table=True):
    """One message to one channel. The row is written before sending and
    marked sent after, so a redelivered job resumes from it."""

    __tablename__ = "alert_delivery"

    id: int | None = Field(default=None, primary_key=True)
    # Idempotency key, sent as the X-Odyssey-Delivery header and in the email
    # Message-ID, so receivers can drop the copies of an at-least-once send.
    key: str = Field(max_length=64, unique=True)
    user_id: int = Field(sa_column=_user_column())
    saved_search_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("saved_search.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
    )
    channel: str = Field(max_length=16)
    # instant, daily, weekly or manual (POST /v1/notify)
    kind: str = Field(max_length=16)
    # pending -> sent | failed
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False)
    )
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    sent_at: datetime | None = Field(default=None, sa_column=_timestamp())


class Notification(SQLModel, table=True):
    """An in-app notification; at most one per delivery."""

    __tablename__ = "notification"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_user_column())
    delivery_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer,
            ForeignKey("alert_delivery.id", ondelete="CASCADE"),
            nullable=True,
            unique=True,
        ),
    )
    saved_search_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("saved_search.id", ondelete="SET NULL"), nullable=True
        ),
    )
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=5000)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSONB, nullable=False)
    )
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    read_at: datetime | None = Field(default=None, sa_column=_timestamp())


class DigestRun(SQLModel, table=True):
    """The digest decision of one saved search for one period: sent or empty.

    The unique pair keeps a second run in the same period (the hourly actor
    and `odyssey digests run`, say) from sending the digest again.
    """

    __tablename__ = "digest_run"
    __table_args__ = (UniqueConstraint("saved_search_id", "period_key"),)

    id: int | None = Field(default=None, primary_key=True)
    saved_search_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("saved_search.id", ondelete="CASCADE"), nullable=False
        )
    )
    # Local date (2025-03-01) of a daily digest, ISO week (2025-W09) of a weekly one.
    period_key: str = Field(max_length=16)
    # sent, or empty (nothing new, so nothing was sent)
    outcome: str = Field(max_length=16)
    issue_count: int = 0
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
