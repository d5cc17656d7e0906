"""Bookmarks: the issues a user tracks and their status changes.

Every function takes the signed-in user's id and reads or changes only that
user's rows. Another user's bookmark is reported as not found, exactly like a
missing one, so bookmark ids reveal nothing about other users.
"""

import logging
from datetime import datetime, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from indexer.documents import document_id
from indexer.models import Issue, Repository
from tracking.models import Project, StatusTransition, TrackedIssue
from tracking.projects import role_of
from tracking.pull_requests import check_pull_request_url
from tracking.schemas import (
    BookmarkCreate,
    BookmarkList,
    BookmarkOut,
    BookmarkUpdate,
    TransitionOut,
    UpstreamIssue,
)
from tracking.status import INITIAL_STATUSES, TrackingStatus, check_transition

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
ACTIVE_STATUSES = frozenset({TrackingStatus.to_do, TrackingStatus.in_progress})


def find_issue(session: Session, public_id: str) -> Issue:
    """Return the aggregated issue with the API id `source:external_id`."""
    source, _, external_id = public_id.partition(":")
    if not source or not external_id:
        raise InvalidParameter(
            f"issue id {public_id!r} is invalid; ids look like 'github:I_kwDO...'",
            details={"parameter": "issue_id"},
        )
    issue = session.execute(
        select(Issue).where(Issue.source == source, Issue.external_id == external_id)
    ).scalar_one_or_none()
    if issue is None:
        raise NotFound(
            f"issue {public_id} not found", details={"parameter": "issue_id"}
        )
    return issue


def _check_project(session: Session, project_id: int | None, user_id: int) -> None:
    if project_id is None:
        return
    if session.get(Project, project_id) is None:
        raise NotFound(
            f"project {project_id} not found", details={"parameter": "project_id"}
        )
    if role_of(session, project_id, user_id) is None:
        raise Forbidden(
            f"join project {project_id} before tracking issues in it",
            details={"parameter": "project_id"},
        )


def _owned(session: Session, user_id: int, bookmark_id: int) -> TrackedIssue:
    tracked = session.get(TrackedIssue, bookmark_id)
    if tracked is None or tracked.user_id != user_id:
        raise NotFound(f"bookmark {bookmark_id} not found")
    return tracked


def _with_issue() -> Select:
    return (
        select(TrackedIssue, Issue, Repository)
        .join(Issue, Issue.id == TrackedIssue.issue_id)
        .join(Repository, Repository.id == Issue.repository_id)
    )


def _alerts(tracked: TrackedIssue, issue: Issue) -> list[str]:
    if TrackingStatus(tracked.status) not in ACTIVE_STATUSES:
        return []
    alerts = []
    if issue.state != "open":
        alerts.append("closed_upstream")
    # NOTE: only the number of assignees is stored, not their logins, so an
    # assignment to the user themselves is reported too.
    if issue.assignee_count > 0:
        alerts.append("assigned_upstream")
    return alerts


def _bookmark_out(
    tracked: TrackedIssue, issue: Issue, repository: Repository
) -> BookmarkOut:
    assert tracked.id is not None
    return BookmarkOut(
        id=tracked.id,
        issue_id=document_id(issue.source, issue.external_id),
        project_id=tracked.project_id,
        status=TrackingStatus(tracked.status),
        pr_url=tracked.pr_url,
        notes=tracked.notes,
        created_at=tracked.created_at,
        updated_at=tracked.updated_at,
        status_changed_at=tracked.status_changed_at,
        issue=UpstreamIssue(
            id=document_id(issue.source, issue.external_id),
            repo=repository.full_name,
            number=issue.number,
            title=issue.title,
            url=issue.url,
            language=repository.language,
            state=issue.state,
            assigned=issue.assignee_count > 0,
            closed_at=issue.closed_at,
        ),
        upstream_alerts=_alerts(tracked, issue),
    )


def _load_out(session: Session, bookmark_id: int) -> BookmarkOut:
    tracked, issue, repository = session.execute(
        _with_issue().where(TrackedIssue.id == bookmark_id)
    ).one()
    return _bookmark_out(tracked, issue, repository)


def _record_transition(
    session: Session,
    tracked: TrackedIssue,
    from_status: TrackingStatus | None,
    to_status: TrackingStatus,
    now: datetime,
) -> None:
    assert tracked.id is not None
    tracked.status = to_status.value
    tracked.status_changed_at = now
    session.add(
        StatusTransition(
            tracked_issue_id=tracked.id,
            user_id=tracked.user_id,
            from_status=from_status.value if from_status else None,
            to_status=to_status.value,
            changed_at=now,
        )
    )


def create_bookmark(
    session: Session, user_id: int, data: BookmarkCreate
) -> BookmarkOut:
    """Start tracking an issue, in a project of the user or in their personal list."""
    issue = find_issue(session, data.issue_id)
    _check_project(session, data.project_id, user_id)
    if data.status not in INITIAL_STATUSES:
        raise InvalidParameter(
            "a new bookmark starts as to_do or in_progress; set other statuses "
            "with PUT /v1/bookmarks/{id}",
            details={"parameter": "status"},
        )

    now = datetime.now(timezone.utc)
    issue_key = issue.id
    assert issue_key is not None
    tracked = TrackedIssue(
        user_id=user_id,
        issue_id=issue_key,
        project_id=data.project_id,
        status=data.status.value,
        notes=data.notes,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
    )
    session.add(tracked)
    try:
        session.flush()
    except IntegrityError:
        # The unique (user_id, issue_id) constraint, also under concurrent requests.
        session.rollback()
        raise _already_tracked(session, user_id, issue_key, data.issue_id) from None

    _record_transition(session, tracked, None, data.status, now)
    session.commit()
    assert tracked.id is not None
    logger.info(
        "user %s tracks issue %s as bookmark %s", user_id, issue_key, tracked.id
    )
    return _load_out(session, tracked.id)


def _already_tracked(
    session: Session, user_id: int, issue_key: int, public_id: str
) -> Conflict:
    existing = session.execute(
        select(TrackedIssue.id).where(
            TrackedIssue.user_id == user_id, TrackedIssue.issue_id == issue_key
        )
    ).scalar_one_or_none()
    return Conflict(
        f"you track issue {public_id} already; change it with "
        f"PUT /v1/bookmarks/{existing}",
        details={"bookmark_id": existing},
    )


def list_bookmarks(
    session: Session,
    user_id: int,
    *,
    status: TrackingStatus | None = None,
    project_id: int | None = None,
    personal_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> BookmarkList:
    """List the user's bookmarks, most recently changed first."""
    statement = _with_issue().where(TrackedIssue.user_id == user_id)
    if status is not None:
        statement = statement.where(TrackedIssue.status == status.value)
    if project_id is not None:
        statement = statement.where(TrackedIssue.project_id == project_id)
    elif personal_only:
        statement = statement.where(TrackedIssue.project_id.is_(None))
    total = session.execute(
        select(func.count()).select_from(statement.subquery())
    ).scalar_one()
    rows = session.execute(
        statement.order_by(TrackedIssue.updated_at.desc(), TrackedIssue.id.desc())
        .limit(min(limit, MAX_PAGE_SIZE))
        .offset(offset)
    ).all()
    return BookmarkList(total=total, items=[_bookmark_out(*row) for row in rows])


def get_bookmark(session: Session, user_id: int, bookmark_id: int) -> BookmarkOut:
    """Return one of the user's bookmarks with its status history."""
    _owned(session, user_id, bookmark_id)
    out = _load_out(session, bookmark_id)
    transitions = session.execute(
        select(StatusTransition)
        .where(StatusTransition.tracked_issue_id == bookmark_id)
        .order_by(StatusTransition.changed_at, StatusTransition.id)
    ).scalars()
    out.history = [
        TransitionOut(
            from_status=TrackingStatus(t.from_status) if t.from_status else None,
            to_status=TrackingStatus(t.to_status),
            changed_at=t.changed_at,
        )
        for t in transitions
    ]
    return out


def update_bookmark(
    session: Session, user_id: int, bookmark_id: int, data: BookmarkUpdate
) -> BookmarkOut:
    """Change the status, pull-request URL, notes or project of a bookmark.

    Every check runs before anything is written, so a rejected update stores
    nothing.
    """
    tracked = _owned(session, user_id, bookmark_id)
    issue = session.get(Issue, tracked.issue_id)
    assert issue is not None
    fields = data.model_fields_set
    current = TrackingStatus(tracked.status)
    target = data.status if "status" in fields and data.status else current

    pr_url = tracked.pr_url
    if "pr_url" in fields:
        pr_url = (
            check_pull_request_url(data.pr_url, issue.url, issue.source)
            if data.pr_url
            else None
        )
    if target != current:
        check_transition(current, target)
    if target == TrackingStatus.completed and not pr_url:
        raise InvalidParameter(
            "completed needs a pr_url: the pull or merge request that fixes the issue",
            details={"parameter": "pr_url"},
        )
    if "project_id" in fields:
        _check_project(session, data.project_id, user_id)
        tracked.project_id = data.project_id
    if "notes" in fields and data.notes is not None:
        tracked.notes = data.notes

    now = datetime.now(timezone.utc)
    tracked.pr_url = pr_url
    tracked.updated_at = now
    if target != current:
        _record_transition(session, tracked, current, target, now)
        logger.info(
            "bookmark %s of user %s changed from %s to %s",
            bookmark_id,
            user_id,
            current.value,
            target.value,
        )
    session.add(tracked)
    session.commit()
    return _load_out(session, bookmark_id)


def delete_bookmark(session: Session, user_id: int, bookmark_id: int) -> None:
    """Stop tracking an issue; its status history is deleted with it."""
    tracked = _owned(session, user_id, bookmark_id)
    session.delete(tracked)
    session.commit()
    logger.info("user %s deleted bookmark %s", user_id, bookmark_id)
