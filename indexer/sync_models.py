"""SQL table of each source's sync state: watermark, last sweep, last outcome."""

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel


class SourceState(SQLModel, table=True):
    __tablename__ = "source_state"

    source: str = Field(primary_key=True, max_length=64)
    # Start of the last refresh that completed; the next incremental refresh
    # searches issues updated since then, minus a safety margin.
    watermark: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # Start of the last complete full refresh, whose reconciliation re-checks
    # every stored open issue that the searches did not return.
    last_sweep_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_success_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    last_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    # completed, partial or failed
    last_status: str | None = Field(default=None, max_length=16)
    last_error: str | None = None
