"""REST routes that list, add and remove tracked repositories (admin only)."""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from accounts.dependencies import AdminDep
from core.database import session_scope
from indexer.tracked import service
from indexer.tracked.models import TrackedRepository

router = APIRouter(prefix="/v1/tracked-repositories", tags=["tracked repositories"])

Source = Literal["github", "gitlab"]


class TrackedRepositoryIn(BaseModel):
    source: Source
    full_name: str = Field(
        min_length=3,
        max_length=255,
        description="owner/name on GitHub; the full project path on GitLab",
        examples=["rust-lang/rust", "gitlab-org/gitlab"],
    )
    instance: str | None = Field(
        default=None,
        description="GitLab instance name from GITLAB_INSTANCES; the first one when left out",
    )


class TrackedRepositoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    source: str
    instance: str
    full_name: str
    external_id: str | None
    status: str = Field(description="pending, active, archived or deleted")
    added_at: datetime
    checked_at: datetime | None


def _out(tracked: TrackedRepository) -> TrackedRepositoryOut:
    return TrackedRepositoryOut.model_validate(tracked)


@router.get("", response_model=list[TrackedRepositoryOut])
def get_tracked_repositories(
    _: AdminDep, source: Source | None = Query(default=None)
) -> list[TrackedRepositoryOut]:
    """List the tracked repositories and projects with what the last refresh
    found about them."""
    with session_scope() as session:
        return [_out(tracked) for tracked in service.list_tracked(session, source)]


@router.post("", status_code=201, response_model=TrackedRepositoryOut)
def post_tracked_repository(
    _: AdminDep, body: TrackedRepositoryIn, response: Response
) -> TrackedRepositoryOut:
    """Track a repository, so that every refresh fetches its beginner issues.
    Answers 200 with the existing entry when it is tracked already."""
    with session_scope() as session:
        tracked, created = service.add_tracked(
            session, body.source, body.full_name, body.instance
        )
        out = _out(tracked)
    if not created:
        response.status_code = 200
    return out


@router.delete("/{tracked_id}", status_code=204)
def delete_tracked_repository(_: AdminDep, tracked_id: int) -> Response:
    """Stop tracking a repository."""
    with session_scope() as session:
        service.remove_tracked(session, tracked_id)
    return Response(status_code=204)
