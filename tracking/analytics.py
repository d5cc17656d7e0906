"""Platform figures over time, the same for every caller and cached in Redis.

Only aggregates leave this module: no user ids, names or notes. A repository
appears among the most bookmarked only when at least MIN_DISTINCT_USERS users
track issues in it, so a figure never points to one person's work.
"""

import logging
from datetime import date, datetime, timedelta, timezone
from enum import Enum

from pydantic import BaseModel, Field
from redis.exceptions import RedisError
from sqlalchemy import distinct, func, select
from sqlmodel import Session

from core.redis_client import get_redis
from core.settings import get_settings
from indexer.models import Issue, Repository
from search_api.params import NO_LANGUAGE
from tracking.models import StatusTransition, TrackedIssue
from tracking.status import TrackingStatus

logger = logging.getLogger(__name__)

CACHE_PREFIX = "analytics"
MIN_DISTINCT_USERS = 2
TOP_REPOSITORIES = 10


class Period(str, Enum):
    week = "week"
    month = "month"
    year = "year"


# Period -> (days covered, PostgreSQL date_trunc unit of one bucket).
PERIODS: dict[Period, tuple[int, str]] = {
    Period.week: (7, "day"),
    Period.month: (30, "week"),
    Period.year: (365, "month"),
}


class BucketCount(BaseModel):
    start: date = Field(description="First day of the bucket (weeks start on Monday)")
    count: int


class ValueCount(BaseModel):
    value: str
    count: int


class RepositoryBookmarks(BaseModel):
    repo: str = Field(examples=["octo-org/octo-repo"])
    bookmarks: int


class Analytics(BaseModel):
    period: Period
    bucket: str = Field(examples=["week"], description="`day`, `week` or `month`")
    since: datetime
    generated_at: datetime
    issues_indexed: list[BucketCount] = Field(
        description="Beginner-friendly issues first stored in the period, per bucket"
    )
    issues_by_language: list[ValueCount]
    issues_by_difficulty: list[ValueCount]
    most_bookmarked_repositories: list[RepositoryBookmarks] = Field(
        description="Bookmarks created in the period; repositories that fewer "
        f"than {MIN_DISTINCT_USERS} users bookmarked are left out"
    )
    completions: list[BucketCount] = Field(
        description="Changes to `completed` in the period, per bucket"
    )


def _buckets(
    session: Session, column, unit: str, conditions: list
) -> list[BucketCount]:
    bucket = func.date(func.date_trunc(unit, func.timezone("UTC", column)))
    rows = session.execute(
        select(bucket, func.count())
        .where(*conditions)
        .group_by(bucket)
        .order_by(bucket)
    )
    return [BucketCount(start=start, count=count) for start, count in rows]


def _issue_counts(session: Session, column, since: datetime) -> list[ValueCount]:
    rows = session.execute(
        select(column, func.count())
        .select_from(Issue)
        .join(Repository, Repository.id == Issue.repository_id)
        .where(Issue.first_seen_at >= since, Issue.beginner_friendly.is_(True))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [
        ValueCount(value=value or NO_LANGUAGE, count=count) for value, count in rows
    ]


def _most_bookmarked(session: Session, since: datetime) -> list[RepositoryBookmarks]:
    rows = session.execute(
        select(Repository.full_name, func.count())
        .select_from(TrackedIssue)
        .join(Issue, Issue.id == TrackedIssue.issue_id)
        .join(Repository, Repository.id == Issue.repository_id)
        .where(TrackedIssue.created_at >= since)
        .group_by(Repository.full_name)
        .having(func.count(distinct(TrackedIssue.user_id)) >= MIN_DISTINCT_USERS)
        .order_by(func.count().desc(), Repository.full_name)
        .limit(TOP_REPOSITORIES)
    )
    return [RepositoryBookmarks(repo=repo, bookmarks=count) for repo, count in rows]


def compute_analytics(session: Session, period: Period) -> Analytics:
    """Compute the figures of `period` from PostgreSQL."""
    days, unit = PERIODS[period]
    now = datetime.now(timezone.utc)
    since = now - timedelta(days=days)
    return Analytics(
        period=period,
        bucket=unit,
        since=since,
        generated_at=now,
        issues_indexed=_buckets(
            session,
            Issue.first_seen_at,
            unit,
            [Issue.first_seen_at >= since, Issue.beginner_friendly.is_(True)],
        ),
        issues_by_language=_issue_counts(session, Repository.language, since),
        issues_by_difficulty=_issue_counts(session, Issue.difficulty, since),
        most_bookmarked_repositories=_most_bookmarked(session, since),
        completions=_buckets(
            session,
            StatusTransition.changed_at,
            unit,
            [
                StatusTransition.changed_at >= since,
                StatusTransition.to_status == TrackingStatus.completed.value,
            ],
        ),
    )


def get_analytics(session: Session, period: Period) -> Analytics:
    """Return the figures of `period`, from Redis when computed within
    ANALYTICS_CACHE_TTL seconds. Without Redis they are computed each time."""
    ttl = get_settings().analytics_cache_ttl
    key = f"{CACHE_PREFIX}:{period.value}"
    if ttl > 0:
        try:
            cached = get_redis().get(key)
        except RedisError as error:
            logger.warning("analytics cache read of %s failed: %s", key, error)
            cached = None
        if cached:
            return Analytics.model_validate_json(cached)
    analytics = compute_analytics(session, period)
    if ttl > 0:
        try:
            get_redis().set(key, analytics.model_dump_json(), ex=ttl)
        except RedisError as error:
            logger.warning("analytics cache write of %s failed: %s", key, error)
    return analytics
