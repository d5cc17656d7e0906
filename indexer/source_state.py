"""Each source's sync state: the watermark of incremental refreshes, the time
of the last reconciliation sweep, and the outcome of the last refresh."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from indexer.sync_models import SourceState

logger = logging.getLogger(__name__)

FULL = "full"
INCREMENTAL = "incremental"
REFRESH_MODES = (FULL, INCREMENTAL)


@dataclass(frozen=True)
class SourceStaleness:
    source: str
    last_success_at: datetime | None
    age_seconds: float | None
    stale: bool
    watermark: datetime | None
    last_sweep_at: datetime | None
    last_status: str | None
    last_error: str | None


def _upsert(session: Session, source: str, **values: object) -> None:
    statement = insert(SourceState).values(source=source, **values)
    statement = statement.on_conflict_do_update(index_elements=["source"], set_=values)
    session.execute(statement)


def get_state(session: Session, source: str) -> SourceState | None:
    return session.get(SourceState, source)


def watermark(session: Session, source: str) -> datetime | None:
    state = get_state(session, source)
    return state.watermark if state else None


def record_completed(
    session: Session, source: str, started_at: datetime, mode: str
) -> None:
    """Advance the watermark to the start of a completed refresh; a full
    refresh also counts as a reconciliation sweep."""
    values: dict[str, object] = {
        "watermark": started_at,
        "last_success_at": datetime.now(timezone.utc),
        "last_attempt_at": datetime.now(timezone.utc),
        "last_status": "completed",
        "last_error": None,
    }
    if mode == FULL:
        values["last_sweep_at"] = started_at
    _upsert(session, source, **values)


def record_unsuccessful(session: Session, source: str, status: str, error: str) -> None:
    """Record a partial or failed refresh; the watermark stays where it was, so
    the next refresh searches the same changes again."""
    _upsert(
        session,
        source,
        last_attempt_at=datetime.now(timezone.utc),
        last_status=status,
        last_error=error[:500],
    )


def next_mode(session: Session, source: str, sweep_interval: float) -> str:
    """Return "full" when the source has no watermark or its last sweep is
    older than `sweep_interval` seconds, else "incremental"."""
    state = get_state(session, source)
    if state is None or state.watermark is None or state.last_sweep_at is None:
        return FULL
    age = datetime.now(timezone.utc) - state.last_sweep_at
    return FULL if age >= timedelta(seconds=sweep_interval) else INCREMENTAL


def staleness(session: Session, sources: list[str], stale_after: float) -> list[SourceStaleness]:
    """Report each source's last successful refresh and its age; `sources`
    adds configured sources that never refreshed."""
    states = {state.source: state for state in session.execute(select(SourceState)).scalars()}
    now = datetime.now(timezone.utc)
    report = []
    for source in sorted(set(sources) | set(states)):
        state = states.get(source)
        success = state.last_success_at if state else None
        age = (now - success).total_seconds() if success else None
        report.append(
            SourceStaleness(
                source=source,
                last_success_at=success,
                age_seconds=age,
                stale=age is None or age > stale_after,
                watermark=state.watermark if state else None,
                last_sweep_at=state.last_sweep_at if state else None,
                last_status=state.last_status if state else None,
                last_error=state.last_error if state else None,
            )
        )
    return report
