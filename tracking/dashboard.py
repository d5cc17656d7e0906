"""The signed-in user's dashboard: counts, completions, languages, streak.

All dates are UTC calendar days.
"""

from datetime import date, datetime, timedelta, timezone

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlmodel import Session

from indexer.models import Issue, Repository
from search_api.params import NO_LANGUAGE
from tracking.models import StatusTransition, TrackedIssue
from tracking.status import TrackingStatus

MONTHS_SHOWN = 12
TOP_SHOWN = 10
# Longer streaks (about ten years) are reported as this many days.
MAX_STREAK_DAYS = 3660
# Statuses that count as work done in a language or repository.
WORKED_STATUSES = (TrackingStatus.in_progress.value, TrackingStatus.completed.value)


class CountByName(BaseModel):
    name: str
    count: int


class MonthCount(BaseModel):
    month: str = Field(examples=["2026-11"])
    count: int


class Dashboard(BaseModel):
    counts: dict[str, int] = Field(
        examples=[{"to_do": 3, "in_progress": 1, "completed": 4, "dropped": 0}]
    )
    completions_per_month: list[MonthCount] = Field(
        description="Issues now completed, by month of completion, the last 12 months"
    )
    languages: list[CountByName] = Field(
        description="Repository languages of in-progress and completed issues"
    )
    repositories: list[CountByName] = Field(
        description="Repositories of in-progress and completed issues, top 10"
    )
    current_streak_days: int = Field(
        description="UTC days in a row, ending today or yesterday, with at least one "
        "status change (tracking an issue counts); 0 otherwise"
    )
    last_active_on: date | None


def _status_counts(session: Session, user_id: int) -> dict[str, int]:
    rows = session.execute(
        select(TrackedIssue.status, func.count())
        .where(TrackedIssue.user_id == user_id)
        .group_by(TrackedIssue.status)
    )
    counts = {status.value: 0 for status in TrackingStatus}
    counts.update({status: count for status, count in rows})
    return counts


def _month_start(today: date, months_back: int) -> date:
    month_index = today.year * 12 + today.month - 1 - months_back
    return date(month_index // 12, month_index % 12 + 1, 1)


def _completions_per_month(
    session: Session, user_id: int, today: date
) -> list[MonthCount]:
    first = _month_start(today, MONTHS_SHOWN - 1)
    month = func.to_char(
        func.timezone("UTC", TrackedIssue.status_changed_at), "YYYY-MM"
    )
    rows = session.execute(
        select(month, func.count())
        .where(
            TrackedIssue.user_id == user_id,
            TrackedIssue.status == TrackingStatus.completed.value,
            TrackedIssue.status_changed_at
            >= datetime(first.year, first.month, 1, tzinfo=timezone.utc),
        )
        .group_by(month)
    )
    counts = dict(rows.tuples().all())
    months = [
        _month_start(today, back).strftime("%Y-%m") for back in range(MONTHS_SHOWN)
    ]
    return [MonthCount(month=m, count=counts.get(m, 0)) for m in reversed(months)]


def _worked_in(session: Session, user_id: int, column) -> list[CountByName]:
    rows = session.execute(
        select(column, func.count())
        .select_from(TrackedIssue)
        .join(Issue, Issue.id == TrackedIssue.issue_id)
        .join(Repository, Repository.id == Issue.repository_id)
        .where(
            TrackedIssue.user_id == user_id, TrackedIssue.status.in_(WORKED_STATUSES)
        )
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(TOP_SHOWN)
    )
    return [CountByName(name=name or NO_LANGUAGE, count=count) for name, count in rows]


def _active_days(session: Session, user_id: int) -> list[date]:
    day = func.date(func.timezone("UTC", StatusTransition.changed_at))
    rows = session.execute(
        select(day)
        .where(StatusTransition.user_id == user_id)
        .group_by(day)
        .order_by(day.desc())
        .limit(MAX_STREAK_DAYS)
    )
    return list(rows.scalars())


def current_streak(active_days: list[date], today: date) -> int:
    """Count the days in a row with activity, ending today or yesterday.
    `active_days` is sorted newest first without repeats."""
    if not active_days or active_days[0] < today - timedelta(days=1):
        return 0
    streak = 1
    for newer, older in zip(active_days, active_days[1:]):
        if newer - older != timedelta(days=1):
            break
        streak += 1
    return streak


def build_dashboard(
    session: Session, user_id: int, today: date | None = None
) -> Dashboard:
    """Build the dashboard of one user."""
    today = today or datetime.now(timezone.utc).date()
    active_days = _active_days(session, user_id)
    return Dashboard(
        counts=_status_counts(session, user_id),
        completions_per_month=_completions_per_month(session, user_id, today),
        languages=_worked_in(session, user_id, Repository.language),
        repositories=_worked_in(session, user_id, Repository.full_name),
        current_streak_days=current_streak(active_days, today),
        last_active_on=active_days[0] if active_days else None,
    )
