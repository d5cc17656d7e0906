"""Tables of projects, their members, tracked issues and status transitions."""

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, UniqueConstraint, func
from sqlmodel import Field, SQLModel

from indexer.models import utc_now


def _timestamp() -> Column:
    return Column(DateTime(timezone=True), nullable=False)


class Project(SQLModel, table=True):
    """An open-source project that users contribute to, e.g. Kubernetes."""

    # Names are unique regardless of case, so "Linux" and "linux" cannot coexist.
    __table_args__ = (Index("ux_project_name_lower", func.lower("name"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=2000)
    # A GitHub organisation or GitLab group, e.g. https://github.com/kubernetes.
    link: str | None = Field(default=None, max_length=300)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class ProjectMember(SQLModel, table=True):
    __tablename__ = "project_member"

    project_id: int = Field(
        foreign_key="project.id", primary_key=True, ondelete="CASCADE"
    )
    user_id: int = Field(
        foreign_key="user_account.id", primary_key=True, index=True, ondelete="CASCADE"
    )
    role: str = Field(max_length=16)  # "owner" or "member"
    joined_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class TrackedIssue(SQLModel, table=True):
    """An aggregated issue a user follows; the bookmark of the REST API."""

    __tablename__ = "tracked_issue"
    __table_args__ = (UniqueConstraint("user_id", "issue_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    issue_id: int = Field(foreign_key="issue.id", index=True, ondelete="CASCADE")
    # None is the user's personal list; deleting a project moves its issues there.
    project_id: int | None = Field(
        default=None, foreign_key="project.id", index=True, ondelete="SET NULL"
    )
    status: str = Field(max_length=16)
    pr_url: str | None = Field(default=None, max_length=500)
    notes: str = Field(default="", max_length=5000)
    created_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    updated_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
    # Time of the last status change; for completed issues, the completion time.
    status_changed_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())


class StatusTransition(SQLModel, table=True):
    """One status change of a tracked issue. Creation is stored as a transition
    from None."""

    __tablename__ = "status_transition"

    id: int | None = Field(default=None, primary_key=True)
    tracked_issue_id: int = Field(
        foreign_key="tracked_issue.id", index=True, ondelete="CASCADE"
    )
    # Copied from the tracked issue, so streaks and analytics need no join.
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str = Field(max_length=16)
    changed_at: datetime = Field(default_factory=utc_now, sa_column=_timestamp())
