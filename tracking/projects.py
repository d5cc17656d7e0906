"""Projects: create, list, join, leave, rename and delete.

Projects are public: anyone may list and read them. Members track issues in
them; the owner (the creator) alone renames or deletes a project.
"""

import logging
import re
import unicodedata
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.errors import Conflict, Forbidden, InvalidParameter, NotFound
from tracking.models import Project, ProjectMember, TrackedIssue
from tracking.schemas import ProjectCreate, ProjectList, ProjectOut, ProjectUpdate

logger = logging.getLogger(__name__)

OWNER = "owner"
MEMBER = "member"
MAX_PAGE_SIZE = 100
# TODO: self-hosted GitHub Enterprise and GitLab hosts are not accepted yet.
GITHUB_ORG_PATH = re.compile(r"^/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/?$")
GITLAB_GROUP_PATH = re.compile(r"^(?:/[A-Za-z0-9_.][A-Za-z0-9_.-]*){1,20}/?$")


def check_link(link: str | None) -> str | None:
    """Return the trimmed link, or raise InvalidParameter unless it is a
    GitHub organisation or GitLab group URL."""
    if link is None or not link.strip():
        return None
    link = link.strip()
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    valid = (
        parts.scheme == "https"
        and not parts.query
        and (
            (host == "github.com" and GITHUB_ORG_PATH.match(parts.path))
            or (host == "gitlab.com" and GITLAB_GROUP_PATH.match(parts.path))
        )
    )
    if not valid:
        raise InvalidParameter(
            "link must be a GitHub organisation or GitLab group URL, e.g. "
            "https://github.com/kubernetes or https://gitlab.com/gitlab-org",
            details={"parameter": "link"},
        )
    return link.rstrip("/")


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidParameter("name must not be blank", details={"parameter": "name"})
    # Format characters such as a right-to-left override can make a name
    # read as another project's.
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InvalidParameter(
            "name must not contain control or format characters",
            details={"parameter": "name"},
        )
    return name


def _member_counts(session: Session, project_ids: list[int]) -> dict[int, int]:
    if not project_ids:
        return {}
    rows = session.execute(
        select(ProjectMember.project_id, func.count())
        .where(ProjectMember.project_id.in_(project_ids))
        .group_by(ProjectMember.project_id)
    )
    return {project_id: count for project_id, count in rows}


def _roles(
    session: Session, user_id: int | None, project_ids: list[int]
) -> dict[int, str]:
    if user_id is None or not project_ids:
        return {}
    rows = session.execute(
        select(ProjectMember.project_id, ProjectMember.role).where(
            ProjectMember.user_id == user_id, ProjectMember.project_id.in_(project_ids)
        )
    )
    return {project_id: role for project_id, role in rows}


def _project_out(session: Session, project: Project, user_id: int | None) -> ProjectOut:
    assert project.id is not None
    return _outputs(session, [project], user_id)[0]


def _outputs(
    session: Session, projects: list[Project], user_id: int | None
) -> list[ProjectOut]:
    ids = [project.id for project in projects if project.id is not None]
    counts = _member_counts(session, ids)
    roles = _roles(session, user_id, ids)
    return [
        ProjectOut(
            id=project.id,
            name=project.name,
            description=project.description,
            link=project.link,
            member_count=counts.get(project.id, 0),
            my_role=roles.get(project.id),
            created_at=project.created_at,
            updated_at=project.updated_at,
        )
        for project in projects
        if project.id is not None
    ]


def _get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"project {project_id} not found")
    return project


def role_of(session: Session, project_id: int, user_id: int) -> str | None:
    member = session.get(ProjectMember, (project_id, user_id))
    return member.role if member else None


def _save_or_conflict(session: Session) -> None:
    """Commit, or raise Conflict when the name is taken (unique index)."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _name_taken() from None


def _name_taken() -> Conflict:
    return Conflict(
        "a project with this name exists already; join it or pick another name",
        details={"parameter": "name"},
    )


def create_project(session: Session, user_id: int, data: ProjectCreate) -> ProjectOut:
    """Create a project with the user as its owner."""
    project = Project(
        name=_clean_name(data.name),
        description=data.description.strip(),
        link=check_link(data.link),
    )
    session.add(project)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _name_taken() from None
    assert project.id is not None
    session.add(ProjectMember(project_id=project.id, user_id=user_id, role=OWNER))
    session.commit()
    logger.info("user %s created project %s", user_id, project.id)
    return _project_out(session, project, user_id)


def list_projects(
    session: Session,
    user_id: int | None,
    *,
    query: str = "",
    member_only: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> ProjectList:
    """List projects by name, optionally matching `query` in the name or
    description, or only those the user is a member of."""
    statement = select(Project)
    if query.strip():
        pattern = (
            "%"
            + query.strip()
            .replace("\\", "\\\\")
            .replace("%", "\\%")
            .replace("_", "\\_")
            + "%"
        )
        statement = statement.where(
            Project.name.ilike(pattern, escape="\\")
            | Project.description.ilike(pattern, escape="\\")
        )
    if member_only and user_id is not None:
        statement = statement.join(
            ProjectMember, ProjectMember.project_id == Project.id
        ).where(ProjectMember.user_id == user_id)
    total = session.execute(
        select(func.count()).select_from(statement.subquery())
    ).scalar_one()
    projects = list(
        session.execute(
            statement.order_by(func.lower(Project.name), Project.id)
            .limit(min(limit, MAX_PAGE_SIZE))
            .offset(offset)
        ).scalars()
    )
    return ProjectList(total=total, items=_outputs(session, projects, user_id))


def get_project(session: Session, project_id: int, user_id: int | None) -> ProjectOut:
    return _project_out(session, _get_project(session, project_id), user_id)


def update_project(
    session: Session, project_id: int, user_id: int, data: ProjectUpdate
) -> ProjectOut:
    """Rename a project or change its description or link; owner only."""
    project = _get_project(session, project_id)
    if role_of(session, project_id, user_id) != OWNER:
        raise Forbidden("only the owner of the project can change it")
    fields = data.model_fields_set
    if "name" in fields:
        if data.name is None:
            raise InvalidParameter(
                "name must not be null", details={"parameter": "name"}
            )
        project.name = _clean_name(data.name)
    if "description" in fields:
        project.description = (data.description or "").strip()
    if "link" in fields:
        project.link = check_link(data.link)
    project.updated_at = datetime.now(timezone.utc)
    session.add(project)
    _save_or_conflict(session)
    logger.info("user %s updated project %s", user_id, project_id)
    return _project_out(session, project, user_id)


def delete_project(session: Session, project_id: int, user_id: int) -> None:
    """Delete a project; owner only. Its tracked issues move to the personal
    lists of their users (the foreign key sets them to NULL)."""
    project = _get_project(session, project_id)
    if role_of(session, project_id, user_id) != OWNER:
        raise Forbidden("only the owner of the project can delete it")
    session.delete(project)
    session.commit()
    logger.info("user %s deleted project %s", user_id, project_id)


def join_project(session: Session, project_id: int, user_id: int) -> ProjectOut:
    """Add the user to a project as a member."""
    project = _get_project(session, project_id)
    if role_of(session, project_id, user_id) is not None:
        raise Conflict(f"you are a member of project {project_id} already")
    session.add(ProjectMember(project_id=project_id, user_id=user_id, role=MEMBER))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"you are a member of project {project_id} already") from None
    return _project_out(session, project, user_id)


def leave_project(session: Session, project_id: int, user_id: int) -> None:
    """Remove the user from a project. Their tracked issues in it move to
    their personal list. The owner cannot leave; they delete the project."""
    _get_project(session, project_id)
    role = role_of(session, project_id, user_id)
    if role is None:
        raise NotFound(f"you are not a member of project {project_id}")
    if role == OWNER:
        raise Conflict("the owner cannot leave a project; delete it instead")
    session.execute(
        update(TrackedIssue)
        .where(TrackedIssue.user_id == user_id, TrackedIssue.project_id == project_id)
        .values(project_id=None)
    )
    member = session.get(ProjectMember, (project_id, user_id))
    session.delete(member)
    session.commit()
