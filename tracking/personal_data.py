"""Export and erasure of a user's tracking data, registered with accounts.

Importing this module registers both, so `tracking/__init__.py` imports it.
"""

import logging
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session

from accounts.data_control import register_eraser, register_exporter
from indexer.documents import document_id
from indexer.models import Issue
from tracking.models import Project, ProjectMember, StatusTransition, TrackedIssue

logger = logging.getLogger(__name__)

EXPORT_SECTION = "tracking"


def export_tracking(session: Session, user_id: int) -> dict[str, Any]:
    """Return the user's bookmarks with their history, and their memberships."""
    rows = session.execute(
        select(TrackedIssue, Issue.source, Issue.external_id)
        .join(Issue, Issue.id == TrackedIssue.issue_id)
        .where(TrackedIssue.user_id == user_id)
        .order_by(TrackedIssue.id)
    ).all()
    transitions: dict[int, list[dict[str, Any]]] = {}
    for transition in session.execute(
        select(StatusTransition)
        .where(StatusTransition.user_id == user_id)
        .order_by(StatusTransition.changed_at, StatusTransition.id)
    ).scalars():
        transitions.setdefault(transition.tracked_issue_id, []).append(
            {
                "from_status": transition.from_status,
                "to_status": transition.to_status,
                "changed_at": transition.changed_at.isoformat(),
            }
        )
    memberships = session.execute(
        select(Project.id, Project.name, ProjectMember.role, ProjectMember.joined_at)
        .join(ProjectMember, ProjectMember.project_id == Project.id)
        .where(ProjectMember.user_id == user_id)
        .order_by(Project.id)
    ).all()
    return {
        "bookmarks": [
            {
                "id": tracked.id,
                "issue_id": document_id(source, external_id),
                "project_id": tracked.project_id,
                "status": tracked.status,
                "pr_url": tracked.pr_url,
                "notes": tracked.notes,
                "created_at": tracked.created_at.isoformat(),
                "history": transitions.get(tracked.id or 0, []),
            }
            for tracked, source, external_id in rows
        ],
        "projects": [
            {"id": pid, "name": name, "role": role, "joined_at": joined.isoformat()}
            for pid, name, role, joined in memberships
        ],
    }


def erase_tracking(session: Session, user_id: int) -> None:
    """Delete the user's bookmarks, history and memberships. A project the
    user owns passes to its longest-standing member, or is deleted when it
    has no other member."""
    owned = (
        session.execute(
            select(ProjectMember.project_id).where(
                ProjectMember.user_id == user_id, ProjectMember.role == "owner"
            )
        )
        .scalars()
        .all()
    )
    for project_id in owned:
        successor = session.execute(
            select(ProjectMember)
            .where(
                ProjectMember.project_id == project_id, ProjectMember.user_id != user_id
            )
            .order_by(ProjectMember.joined_at, ProjectMember.user_id)
            .limit(1)
        ).scalar_one_or_none()
        if successor is None:
            session.execute(delete(Project).where(Project.id == project_id))
        else:
            successor.role = "owner"
            session.add(successor)
            logger.info(
                "project %s passed from user %s to user %s",
                project_id,
                user_id,
                successor.user_id,
            )
    session.execute(delete(TrackedIssue).where(TrackedIssue.user_id == user_id))
    session.execute(delete(ProjectMember).where(ProjectMember.user_id == user_id))
    session.flush()


register_exporter(EXPORT_SECTION, export_tracking)
register_eraser(erase_tracking)
