"""Projects, bookmarks, the dashboard and analytics, through the REST services."""

from core.errors import InvalidParameter
from graphql_api.context import Context
from graphql_api.inputs import to_model
from graphql_api.types.tracking import (
    Analytics,
    Bookmark,
    BookmarkCreateInput,
    BookmarkList,
    BookmarkUpdateInput,
    Dashboard,
    Project,
    ProjectCreateInput,
    ProjectList,
    ProjectUpdateInput,
)
from tracking import bookmarks as bookmark_service
from tracking import projects as project_service
from tracking import schemas
from tracking.analytics import Period, get_analytics
from tracking.dashboard import build_dashboard
from tracking.status import TrackingStatus

# The bounds of the REST list parameters `limit` and `offset`.
MAX_LIMIT = 100
MAX_OFFSET = 100_000
MAX_PROJECT_QUERY_LENGTH = 100


def check_page(limit: int, offset: int) -> None:
    """Raise InvalidParameter unless limit and offset are within the REST bounds."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(
            f"limit must be between 1 and {MAX_LIMIT}, not {limit}",
            details={"parameter": "limit", "maximum": MAX_LIMIT},
        )
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidParameter(
            f"offset must be between 0 and {MAX_OFFSET}, not {offset}",
            details={"parameter": "offset", "maximum": MAX_OFFSET},
        )


async def _user_id(info: Context) -> int:
    return await info.context.current_user_id()


async def _optional_user_id(info: Context) -> int | None:
    if await info.context.optional_user() is None:
        return None
    return await info.context.current_user_id()


async def projects(
    info: Context, q: str = "", mine: bool = False, limit: int = 20, offset: int = 0
) -> ProjectList:
    """List and search projects by name; anyone may list them.

    `mine` keeps only projects the caller is a member of.
    """
    check_page(limit, offset)
    if len(q) > MAX_PROJECT_QUERY_LENGTH:
        raise InvalidParameter(
            f"q must be at most {MAX_PROJECT_QUERY_LENGTH} characters long",
            details={"parameter": "q", "maximum": MAX_PROJECT_QUERY_LENGTH},
        )
    user_id = await _optional_user_id(info)
    result = await info.context.run_db(
        lambda session: project_service.list_projects(
            session,
            user_id,
            query=q,
            member_only=mine,
            limit=limit,
            offset=offset,
        )
    )
    return ProjectList.from_pydantic(result)


async def project(info: Context, id: int) -> Project:
    """Return one project with its member count and the caller's role in it."""
    user_id = await _optional_user_id(info)
    result = await info.context.run_db(project_service.get_project, id, user_id)
    return Project.from_pydantic(result)


async def create_project(info: Context, input: ProjectCreateInput) -> Project:
    """Create a project owned by the caller; names are unique regardless of case."""
    user_id = await _user_id(info)
    data = to_model(input, schemas.ProjectCreate)
    result = await info.context.run_db(project_service.create_project, user_id, data)
    return Project.from_pydantic(result)


async def update_project(info: Context, id: int, input: ProjectUpdateInput) -> Project:
    """Rename a project or change its description or link; owner only."""
    user_id = await _user_id(info)
    data = to_model(input, schemas.ProjectUpdate)
    result = await info.context.run_db(
        project_service.update_project, id, user_id, data
    )
    return Project.from_pydantic(result)


async def delete_project(info: Context, id: int) -> bool:
    """Delete a project; owner only. Issues tracked in it move to personal lists."""
    user_id = await _user_id(info)
    await info.context.run_db(project_service.delete_project, id, user_id)
    return True


async def join_project(info: Context, id: int) -> Project:
    """Join a project as a member."""
    user_id = await _user_id(info)
    result = await info.context.run_db(project_service.join_project, id, user_id)
    return Project.from_pydantic(result)


async def leave_project(info: Context, id: int) -> bool:
    """Leave a project; the caller's issues tracked in it move to their personal
    list. The owner cannot leave and deletes the project instead."""
    user_id = await _user_id(info)
    await info.context.run_db(project_service.leave_project, id, user_id)
    return True


async def bookmarks(
    info: Context,
    status: TrackingStatus | None = None,
    project_id: int | None = None,
    personal: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> BookmarkList:
    """List the issues the caller tracks, most recently changed first, with
    their upstream state (closed or assigned since).

    `personal` keeps only the personal list (issues in no project).
    """
    check_page(limit, offset)
    user_id = await _user_id(info)
    result = await info.context.run_db(
        lambda session: bookmark_service.list_bookmarks(
            session,
            user_id,
            status=status,
            project_id=project_id,
            personal_only=personal,
            limit=limit,
            offset=offset,
        )
    )
    return BookmarkList.from_pydantic(result)


async def bookmark(info: Context, id: int) -> Bookmark:
    """Return one of the caller's bookmarks with every status change."""
    user_id = await _user_id(info)
    result = await info.context.run_db(bookmark_service.get_bookmark, user_id, id)
    return Bookmark.from_pydantic(result)


async def create_bookmark(info: Context, input: BookmarkCreateInput) -> Bookmark:
    """Track an aggregated issue in a project the caller belongs to or in their
    personal list. Tracking the same issue twice gets CONFLICT with the
    existing bookmark id in `extensions.details`."""
    user_id = await _user_id(info)
    data = to_model(input, schemas.BookmarkCreate)
    result = await info.context.run_db(bookmark_service.create_bookmark, user_id, data)
    return Bookmark.from_pydantic(result)


async def update_bookmark(
    info: Context, id: int, input: BookmarkUpdateInput
) -> Bookmark:
    """Change status, pull-request URL, notes or project of a bookmark.

    Statuses move `to_do` -> `in_progress` -> `completed`, or to `dropped`;
    `in_progress` may go back to `to_do`, `completed` back to `in_progress`,
    and `dropped` back to `to_do` or `in_progress`. `completed` needs a
    `prUrl` of the issue's repository.
    """
    user_id = await _user_id(info)
    data = to_model(input, schemas.BookmarkUpdate)
    result = await info.context.run_db(
        bookmark_service.update_bookmark, user_id, id, data
    )
    return Bookmark.from_pydantic(result)


async def delete_bookmark(info: Context, id: int) -> bool:
    """Stop tracking an issue; its status history is deleted too."""
    user_id = await _user_id(info)
    await info.context.run_db(bookmark_service.delete_bookmark, user_id, id)
    return True


async def dashboard(info: Context) -> Dashboard:
    """Return the caller's counts by status, completions per month, languages
    and repositories worked in, and current streak."""
    user_id = await _user_id(info)
    result = await info.context.run_db(build_dashboard, user_id)
    return Dashboard.from_model(result)


async def analytics(info: Context, period: Period = Period.month) -> Analytics:
    """Return platform figures over `period`: issues indexed by language and
    difficulty, most-bookmarked repositories and completions. The figures are
    aggregates without personal data, cached for ANALYTICS_CACHE_TTL seconds."""
    result = await info.context.run_db(get_analytics, period)
    return Analytics.from_pydantic(result)
