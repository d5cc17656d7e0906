"""Daily and weekly digests, sent at each saved search's hour in its time zone.

A digest search is due once its scheduled moment of the current period has
passed (today at `digest_hour` for daily ones, `digest_weekday` of this ISO
week at `digest_hour` for weekly ones) and the period has no `digest_run` row
yet. So a missed hourly run catches up within the period, and a second run
sends nothing twice. Due searches are grouped per user: one in-app and one
email digest per user with a section per saved search, and one webhook
delivery per saved search (each has its own URL).
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from alerts.deliveries import create_delivery, enqueue_deliveries, issue_summaries
from alerts.models import AlertMatch, DigestRun, SavedSearch
from core.database import session_scope
from indexer.models import Issue, utc_now

logger = logging.getLogger(__name__)

DIGEST_FREQUENCIES = ("daily", "weekly")


@dataclass
class DigestSummary:
    users_sent: int = 0
    users_skipped_empty: int = 0
    searches_due: int = 0
    delivery_ids: list[int] = field(default_factory=list)


def period_of(search: SavedSearch, now: datetime) -> tuple[str, datetime]:
    """Return the key of the search's current period and its scheduled moment."""
    zone = ZoneInfo(search.timezone)
    local_now = now.astimezone(zone)
    if search.frequency == "daily":
        day = local_now.date()
        key = day.isoformat()
    else:
        monday = local_now.date() - timedelta(days=local_now.weekday())
        day = monday + timedelta(days=search.digest_weekday)
        year, week, _ = monday.isocalendar()
        key = f"{year}-W{week:02d}"
    scheduled = datetime.combine(day, time(search.digest_hour), tzinfo=zone)
    return key, scheduled


def due_searches(session: Session, now: datetime) -> list[tuple[SavedSearch, str]]:
    """Return the digest searches whose current period is due and undecided."""
    searches = session.exec(
        select(SavedSearch)
        .where(col(SavedSearch.frequency).in_(DIGEST_FREQUENCIES))
        .order_by(col(SavedSearch.id))
    ).all()
    decided = {
        (row[0], row[1])
        for row in session.exec(select(DigestRun.saved_search_id, DigestRun.period_key))
    }
    due = []
    for search in searches:
        key, scheduled = period_of(search, now)
        if now >= scheduled and (search.id, key) not in decided:
            due.append((search, key))
    return due


def run_digests(now: datetime | None = None) -> DigestSummary:
    """Decide and enqueue every due digest; one transaction per user."""
    now = now or utc_now()
    with session_scope() as session:
        due = due_searches(session, now)
    summary = DigestSummary(searches_due=len(due))
    by_user: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for search, key in due:
        assert search.id is not None
        by_user[search.user_id].append((search.id, key))
    for user_id, searches in sorted(by_user.items()):
        with session_scope() as session:
            delivery_ids = _digest_for_user(session, user_id, searches)
        if delivery_ids:
            summary.users_sent += 1
            summary.delivery_ids += delivery_ids
            enqueue_deliveries(delivery_ids)
        else:
            summary.users_skipped_empty += 1
    logger.info(
        "digest run at %s: %d searches due, %d users sent, %d users had nothing new",
        now.isoformat(),
        summary.searches_due,
        summary.users_sent,
        summary.users_skipped_empty,
    )
    return summary


def _digest_for_user(
    session: Session, user_id: int, searches: list[tuple[int, str]]
) -> list[int]:
    sections: list[tuple[SavedSearch, dict[str, Any]]] = []
    for search_id, key in searches:
        search = session.get(SavedSearch, search_id)
        if search is None or not _claim_period(session, search_id, key):
            continue  # deleted meanwhile, or decided by a concurrent run
        issues = _take_pending_issues(session, search_id)
        outcome = "sent" if issues else "empty"
        session.execute(
            DigestRun.__table__.update()  # type: ignore[attr-defined]
            .where(DigestRun.saved_search_id == search_id, DigestRun.period_key == key)
            .values(outcome=outcome, issue_count=len(issues))
        )
        if issues:
            search.last_alert_at = utc_now()
            sections.append(
                (
                    search,
                    {
                        "saved_search_id": search_id,
                        "name": search.name,
                        "issues": issues,
                    },
                )
            )
    if not sections:
        logger.info(
            "digest of user %d not sent: nothing new in saved searches %s",
            user_id,
            [search_id for search_id, _ in searches],
        )
        return []
    return _create_digest_deliveries(session, user_id, sections)


def _claim_period(session: Session, search_id: int, key: str) -> bool:
    statement = (
        insert(DigestRun)
        .values(
            saved_search_id=search_id,
            period_key=key,
            outcome="empty",
            issue_count=0,
            created_at=utc_now(),
        )
        .on_conflict_do_nothing(index_elements=["saved_search_id", "period_key"])
        .returning(DigestRun.id)  # type: ignore[arg-type]
    )
    return session.execute(statement).first() is not None


def _take_pending_issues(session: Session, search_id: int) -> list[dict[str, Any]]:
    """Mark the search's pending matches delivered, or dropped when the issue
    closed meanwhile; return the open ones, oldest match first."""
    rows = session.exec(
        select(AlertMatch, Issue.state)
        .join(Issue, Issue.id == AlertMatch.issue_id)  # type: ignore[arg-type]
        .where(AlertMatch.saved_search_id == search_id, AlertMatch.status == "pending")
        .order_by(col(AlertMatch.id))
    ).all()
    now = utc_now()
    open_ids = []
    for match, state in rows:
        match.status = "delivered" if state == "open" else "dropped"
        match.delivered_at = now
        session.add(match)
        if state == "open":
            open_ids.append(match.issue_id)
    dropped = len(rows) - len(open_ids)
    if dropped:
        logger.info(
            "saved search %d: %d issues closed before the digest", search_id, dropped
        )
    summaries = issue_summaries(session, open_ids)
    return [summaries[issue_id] for issue_id in open_ids if issue_id in summaries]


def _create_digest_deliveries(
    session: Session, user_id: int, sections: list[tuple[SavedSearch, dict[str, Any]]]
) -> list[int]:
    delivery_ids = []
    for channel in ("in_app", "email"):
        chosen = [section for search, section in sections if channel in search.channels]
        if chosen:
            delivery_ids.append(
                _digest_delivery(session, user_id, None, channel, chosen)
            )
    for search, section in sections:
        if "webhook" in search.channels:
            delivery_ids.append(
                _digest_delivery(session, user_id, search.id, "webhook", [section])
            )
    return delivery_ids


def _digest_delivery(
    session: Session,
    user_id: int,
    saved_search_id: int | None,
    channel: str,
    sections: list[dict[str, Any]],
) -> int:
    count = sum(len(section["issues"]) for section in sections)
    noun = "issue" if count == 1 else "issues"
    searches = "saved search" if len(sections) == 1 else "saved searches"
    payload = {
        "kind": "digest",
        "title": f"Your digest: {count} new {noun} in {len(sections)} {searches}",
        "sections": sections,
    }
    if saved_search_id is None and len(sections) == 1:
        saved_search_id = sections[0]["saved_search_id"]
    delivery = create_delivery(
        session,
        user_id=user_id,
        saved_search_id=saved_search_id,
        channel=channel,
        kind="digest",
        payload=payload,
    )
    assert delivery.id is not None
    return delivery.id
