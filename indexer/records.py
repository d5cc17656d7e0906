"""Source-neutral records of fetched issues, produced by each source's parser."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchedLabel:
    name: str
    color: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class FetchedRepository:
    source: str
    external_id: str
    name: str
    full_name: str
    owner: str
    url: str
    description: str | None = None
    language: str | None = None
    stars: int = 0
    archived: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    forks: int = 0
    topics: tuple[str, ...] = ()
    license_spdx: str | None = None
    license_name: str | None = None
    pushed_at: datetime | None = None


@dataclass(frozen=True)
class FetchedIssue:
    source: str
    external_id: str
    number: int
    title: str
    body: str
    state: str  # "open" or "closed"
    url: str
    created_at: datetime
    updated_at: datetime
    repository: FetchedRepository
    closed_at: datetime | None = None
    locked: bool = False
    assignee_count: int = 0
    comment_count: int = 0
    labels: tuple[FetchedLabel, ...] = field(default_factory=tuple)
