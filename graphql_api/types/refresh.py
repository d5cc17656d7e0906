"""Refresh jobs that fetch and index issues."""

from datetime import datetime
from enum import Enum

import strawberry

from indexer.routes import RefreshJobOut


@strawberry.enum(description="Issue tracker that a refresh fetches from.")
class RefreshSource(Enum):
    GITHUB = "github"
    GITLAB = "gitlab"


@strawberry.type(description="Progress of one refresh of a source.")
class RefreshJob:
    job_id: strawberry.ID
    source: str
    status: str = strawberry.field(
        description="queued, planning, running, reconciling, completed, partial or failed."
    )
    pages_total: int
    pages_done: int
    pages_failed: int
    issues_seen: int
    issues_indexed: int
    issues_removed: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_model(cls, job: RefreshJobOut) -> "RefreshJob":
        fields = job.model_dump()
        fields["job_id"] = strawberry.ID(job.job_id)
        return cls(**fields)
