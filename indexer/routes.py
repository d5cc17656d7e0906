"""REST routes that start and follow refreshes."""

import logging
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from redis.exceptions import RedisError

from accounts.dependencies import AdminDep
from core.broker import enqueue
from core.database import session_scope
from core.errors import InvalidParameter, NotFound
from indexer import refresh_jobs

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/refresh", tags=["refresh"])


class RefreshJobOut(BaseModel):
    job_id: str
    source: str
    status: str = Field(description="queued, planning, running, reconciling, completed, partial or failed")
    pages_total: int
    pages_done: int
    pages_failed: int
    issues_seen: int
    issues_indexed: int
    issues_removed: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None


# The actor that plans a refresh of each source, enqueued by name.
PLAN_ACTORS = {"github": "plan_refresh", "gitlab": "plan_gitlab_refresh"}
RefreshSource = Literal["github", "gitlab"]


def start_refresh(source: str = "github", mode: str = "full") -> tuple[str, bool]:
    """Create a refresh job (or return the running one) and enqueue its
    planning after the job row committed; return (job id, created)."""
    with session_scope() as session:
        job, created = refresh_jobs.create_job(session, source, mode)
        job_id = job.id
    if created:
        try:
            enqueue(PLAN_ACTORS.get(source, "plan_refresh"), job_id)
        except RedisError as error:
            # A job no worker will plan would block every later refresh of
            # the source, so it ends here and the caller gets the error.
            logger.error("refresh %s could not be queued: %s", job_id, error)
            with session_scope() as session:
                refresh_jobs.set_status(
                    session, job_id, "failed", error=f"the job queue (Redis) failed: {error}"
                )
            raise
    return job_id, created


def get_progress(job_id: str) -> RefreshJobOut:
    if "\x00" in job_id:
        raise InvalidParameter("refresh job id must not contain NUL characters")
    with session_scope() as session:
        progress = refresh_jobs.job_progress(session, job_id)
    if progress is None:
        raise NotFound(f"refresh job {job_id} not found")
    return RefreshJobOut(**progress.__dict__)


@router.post("", status_code=202, response_model=RefreshJobOut)
def post_refresh(
    _: AdminDep, source: RefreshSource = Query(default="github")
) -> RefreshJobOut:
    """Start a refresh of one source (`github` or `gitlab`); requires the
    admin token.

    While a refresh is queued or running, the response is that job instead of
    a new one.
    """
    job_id, _created = start_refresh(source)
    return get_progress(job_id)


@router.get("/{job_id}", response_model=RefreshJobOut)
def get_refresh(job_id: str) -> RefreshJobOut:
    """Return the progress of a refresh job."""
    return get_progress(job_id)
