"""REST routes of projects, bookmarks, the dashboard and analytics."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from accounts.dependencies import CurrentUser, OptionalUser
from core.database import get_session
from core.errors import Unauthorized
from tracking import bookmarks, projects
from tracking.analytics import Analytics, Period, get_analytics
from tracking.dashboard import Dashboard, build_dashboard
from tracking.schemas import (
    BookmarkCreate,
    BookmarkList,
    BookmarkOut,
    BookmarkUpdate,
    ProjectCreate,
    ProjectList,
    ProjectOut,
    ProjectUpdate,
)
from tracking.status import TrackingStatus

router = APIRouter(prefix="/v1")

SessionDep = Annotated[Session, Depends(get_session)]
Limit = Annotated[int, Query(ge=1, le=100, description="Items per page")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="Items to skip")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Not found, or owned by another user"}
}


def _user_id(user: CurrentUser) -> int:
    assert user.id is not None
    return user.id


UserId = Annotated[int, Depends(_user_id)]


@router.get("/projects", response_model=ProjectList, tags=["projects"])
def list_projects(
    session: SessionDep,
    user: OptionalUser,
    q: Annotated[
        str, Query(max_length=100, description="Text in the name or description, ignoring case")
    ] = "",
    mine: Annotated[
        bool, Query(description="Only projects you are a member of")
    ] = False,
    limit: Limit = 20,
    offset: Offset = 0,
) -> ProjectList:
    """List and search projects by name; anyone may list them."""
    if mine and user is None:
        raise Unauthorized("sign in to list your projects, or leave out `mine`")
    return projects.list_projects(
        session,
        user.id if user else None,
        query=q,
        member_only=mine,
        limit=limit,
        offset=offset,
    )


@router.post("/projects", response_model=ProjectOut, status_code=201, tags=["projects"])
def create_project(
    data: ProjectCreate, session: SessionDep, user_id: UserId
) -> ProjectOut:
    """Create a project; you become its owner. Names are unique regardless of case."""
    return projects.create_project(session, user_id, data)


@router.get("/projects/{project_id}", response_model=ProjectOut, tags=["projects"])
def get_project(project_id: int, session: SessionDep, user: OptionalUser) -> ProjectOut:
    """Return one project with its member count and your role in it."""
    return projects.get_project(session, project_id, user.id if user else None)


@router.patch("/projects/{project_id}", response_model=ProjectOut, tags=["projects"])
def update_project(
    project_id: int, data: ProjectUpdate, session: SessionDep, user_id: UserId
) -> ProjectOut:
    """Rename a project or change its description or link; owner only."""
    return projects.update_project(session, project_id, user_id, data)


@router.delete("/projects/{project_id}", status_code=204, tags=["projects"])
def delete_project(project_id: int, session: SessionDep, user_id: UserId) -> Response:
    """Delete a project; owner only. Issues tracked in it move to personal lists."""
    projects.delete_project(session, project_id, user_id)
    return Response(status_code=204)


@router.post(
    "/projects/{project_id}/members", response_model=ProjectOut, tags=["projects"]
)
def join_project(project_id: int, session: SessionDep, user_id: UserId) -> ProjectOut:
    """Join a project as a member."""
    return projects.join_project(session, project_id, user_id)


@router.delete("/projects/{project_id}/members/me", status_code=204, tags=["projects"])
def leave_project(project_id: int, session: SessionDep, user_id: UserId) -> Response:
    """Leave a project; your issues tracked in it move to your personal list.
    The owner cannot leave and deletes the project instead."""
    projects.leave_project(session, project_id, user_id)
    return Response(status_code=204)


@router.get("/bookmarks", response_model=BookmarkList, tags=["bookmarks"])
def list_bookmarks(
    session: SessionDep,
    user_id: UserId,
    status: TrackingStatus | None = None,
    project_id: Annotated[int | None, Query(description="Only this project")] = None,
    personal: Annotated[
        bool, Query(description="Only your personal list (issues in no project)")
    ] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> BookmarkList:
    """List the issues you track, most recently changed first, with their
    upstream state (closed or assigned since)."""
    return bookmarks.list_bookmarks(
        session,
        user_id,
        status=status,
        project_id=project_id,
        personal_only=personal,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/bookmarks", response_model=BookmarkOut, status_code=201, tags=["bookmarks"]
)
def create_bookmark(
    data: BookmarkCreate, session: SessionDep, user_id: UserId
) -> BookmarkOut:
    """Track an aggregated issue in a project you belong to or in your personal
    list. Tracking the same issue twice gets 409 with the existing bookmark id."""
    return bookmarks.create_bookmark(session, user_id, data)


@router.get(
    "/bookmarks/{bookmark_id}",
    response_model=BookmarkOut,
    responses=NOT_FOUND,
    tags=["bookmarks"],
)
def get_bookmark(bookmark_id: int, session: SessionDep, user_id: UserId) -> BookmarkOut:
    """Return one of your bookmarks with every status change."""
    return bookmarks.get_bookmark(session, user_id, bookmark_id)


@router.put(
    "/bookmarks/{bookmark_id}",
    response_model=BookmarkOut,
    responses=NOT_FOUND,
    tags=["bookmarks"],
)
def update_bookmark(
    bookmark_id: int, data: BookmarkUpdate, session: SessionDep, user_id: UserId
) -> BookmarkOut:
    """Change status, pull-request URL, notes or project of a bookmark.

    Statuses move `to_do` -> `in_progress` -> `completed`, or to `dropped`;
    `in_progress` may go back to `to_do`, `completed` back to `in_progress`,
    and `dropped` back to `to_do` or `in_progress`. `completed` needs a
    `pr_url` of the issue's repository.
    """
    return bookmarks.update_bookmark(session, user_id, bookmark_id, data)


@router.delete(
    "/bookmarks/{bookmark_id}", status_code=204, responses=NOT_FOUND, tags=["bookmarks"]
)
def delete_bookmark(bookmark_id: int, session: SessionDep, user_id: UserId) -> Response:
    """Stop tracking an issue; its status history is deleted too."""
    bookmarks.delete_bookmark(session, user_id, bookmark_id)
    return Response(status_code=204)


@router.get("/dashboard", response_model=Dashboard, tags=["bookmarks"])
def dashboard(session: SessionDep, user_id: UserId) -> Dashboard:
    """Return your counts by status, completions per month, languages and
    repositories worked in, and current streak."""
    return build_dashboard(session, user_id)


@router.get("/analytics", response_model=Analytics, tags=["analytics"])
def analytics(session: SessionDep, period: Period = Period.month) -> Analytics:
    """Return platform figures over `period`: issues indexed by language and
    difficulty, most-bookmarked repositories and completions. The figures are
    aggregates without personal data and are cached for ANALYTICS_CACHE_TTL
    seconds."""
    return get_analytics(session, period)
