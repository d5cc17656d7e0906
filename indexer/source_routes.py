"""REST route that reports how current each source's data is."""

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from core.database import session_scope
from core.settings import get_settings
from indexer import source_state

router = APIRouter(prefix="/v1/sources", tags=["sources"])


class SourceOut(BaseModel):
    source: str
    last_success_at: datetime | None = Field(
        description="When the last refresh that completed finished"
    )
    age_seconds: float | None = Field(description="Seconds since last_success_at")
    stale: bool = Field(
        description="No refresh completed within ODYSSEY_SOURCE_STALE_AFTER seconds"
    )
    watermark: datetime | None
    last_sweep_at: datetime | None
    last_status: str | None = Field(description="completed, partial or failed")
    last_error: str | None


class SourcesOut(BaseModel):
    sources: list[SourceOut]


@router.get("", response_model=SourcesOut)
def list_sources() -> SourcesOut:
    """Report each source's last successful refresh and its age in seconds.

    Search keeps serving from the index while a source is down; this tells
    how stale each source's part of the index is.
    """
    settings = get_settings()
    with session_scope() as session:
        report = source_state.staleness(
            session, list(settings.refresh_intervals), settings.source_stale_after
        )
    return SourcesOut(sources=[SourceOut(**item.__dict__) for item in report])
