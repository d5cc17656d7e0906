"""Refresh jobs, through the same functions as `/v1/refresh`."""

import strawberry

from graphql_api.context import Context
from graphql_api.types.refresh import RefreshJob, RefreshSource
from indexer.routes import get_progress, start_refresh


async def refresh(
    info: Context, source: RefreshSource = RefreshSource.GITHUB
) -> RefreshJob:
    """Start a refresh of one source; requires an admin.

    While a refresh is queued or running, the result is that job instead of a
    new one.
    """
    await info.context.require_admin()
    job_id, _created = await info.context.run_blocking(start_refresh, source.value)
    job = await info.context.run_blocking(get_progress, job_id)
    return RefreshJob.from_model(job)


async def refresh_job(info: Context, id: strawberry.ID) -> RefreshJob:
    """Return the progress of a refresh job."""
    job = await info.context.run_blocking(get_progress, str(id))
    return RefreshJob.from_model(job)
