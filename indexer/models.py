"""SQL tables of aggregated issues, their repositories and labels.

Every row of an external object carries `source` and `external_id`, unique
together, so fetching the same object twice updates one row.
"""

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _timestamp(nullable: bool = True) -> Column:
    return Column(DateTime(timezone=True), nullable=nullable)


class Repository(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    name: str
    full_name: str = Field(index=True)
    owner: str
    description: str | None = None
    url: str
    language: str | None = None
    stars: int = 0
    archived: bool = False
    forks: int = 0
    topics: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String)))
    license_spdx: str | None = Field(default=None, max_length=64)
    license_name: str | None = None
    pushed_at: datetime | None = Field(default=None, sa_column=_timestamp())
    created_at: datetime | None = Field(default=None, sa_column=_timestamp())
    updated_at: datetime | None = Field(default=None, sa_column=_timestamp())
    fetched_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))


class Label(SQLModel, table=True):
    """A label as defined in one repository; colours differ between repositories."""

    __table_args__ = (UniqueConstraint("repository_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    repository_id: int = Field(foreign_key="repository.id", index=True, ondelete="CASCADE")
    name: str
    color: str | None = Field(default=None, max_length=16)
    description: str | None = None


class Issue(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    repository_id: int = Field(foreign_key="repository.id", index=True, ondelete="CASCADE")
    number: int
    title: str
    description: str = ""
    state: str = Field(max_length=16)  # "open" or "closed"
    url: str
    locked: bool = False
    assignee_count: int = 0
    comment_count: int = 0
    created_at: datetime = Field(sa_column=_timestamp(False))
    updated_at: datetime = Field(sa_column=_timestamp(False))
    closed_at: datetime | None = Field(default=None, sa_column=_timestamp())

    # Facets derived from the labels by indexer.normalize.
    difficulty: str = Field(default="unknown", max_length=16)
    kinds: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String)))
    events: list[str] = Field(default_factory=list, sa_column=Column(ARRAY(String)))
    beginner_friendly: bool = False
    help_wanted: bool = False

    first_seen_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    last_seen_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    # The refresh job that last saw this issue in a search result; the
    # reconciliation step checks issues that a complete refresh did not see.
    last_seen_job: str | None = Field(default=None, max_length=36, index=True)
    # When a search or a lookup by id last fetched this issue; incremental
    # refreshes re-check the open issues with the oldest value first.
    last_checked_at: datetime | None = Field(default=None, sa_column=_timestamp())


class IssueLabel(SQLModel, table=True):
    __tablename__ = "issue_label"

    issue_id: int = Field(foreign_key="issue.id", primary_key=True, ondelete="CASCADE")
    label_id: int = Field(
        foreign_key="label.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class RefreshJob(SQLModel, table=True):
    __tablename__ = "refresh_job"

    id: str = Field(primary_key=True, max_length=36)
    source: str = Field(max_length=16)
    # queued -> planning -> running -> reconciling -> completed | partial | failed
    status: str = Field(default="queued", max_length=16)
    # "full" searches everything and reconciles unseen issues; "incremental"
    # searches what changed since the source's watermark.
    mode: str = Field(default="full", max_length=16)
    query: str = ""
    windows_planned: int = 0
    issues_seen: int = 0
    issues_indexed: int = 0
    issues_removed: int = 0
    error: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
    finished_at: datetime | None = Field(default=None, sa_column=_timestamp())


class RefreshPage(SQLModel, table=True):
    """One search page of a refresh. A row per (window, cursor) makes redelivered
    page jobs count once."""

    __tablename__ = "refresh_page"
    __table_args__ = (UniqueConstraint("job_id", "search_query", "cursor"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(foreign_key="refresh_job.id", index=True, ondelete="CASCADE")
    search_query: str
    cursor: str = ""  # "" for the first page of a window
    # pending -> stored (in PostgreSQL) -> done (indexed) | failed
    status: str = Field(default="pending", max_length=16)
    issue_count: int = 0
    # Kept once stored, so a redelivered job indexes the page without
    # fetching it again.
    issue_ids: list[int] = Field(default_factory=list, sa_column=Column(ARRAY(Integer)))
    next_cursor: str | None = None
    error: str | None = None
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp(False))
