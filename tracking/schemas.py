"""Request and response models of projects and bookmarks (tracked issues)."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tracking.status import TrackingStatus

NOTES_MAX_LENGTH = 5000


class ProjectCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Kubernetes",
                    "description": "Container orchestration",
                    "link": "https://github.com/kubernetes",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    link: str | None = Field(
        default=None,
        max_length=300,
        description="A GitHub organisation or GitLab group URL",
    )


class ProjectUpdate(BaseModel):
    """Fields to change; fields left out keep their value."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Kubernetes SIG Docs"}]},
    )

    name: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=2000)
    link: str | None = Field(default=None, max_length=300)


class ProjectOut(BaseModel):
    id: int
    name: str
    description: str
    link: str | None
    member_count: int
    my_role: str | None = Field(
        default=None,
        description="`owner` or `member`; null for non-members and anonymous",
    )
    created_at: datetime
    updated_at: datetime


class ProjectList(BaseModel):
    total: int
    items: list[ProjectOut]


class BookmarkCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "issue_id": "github:I_kwDOABCD1234",
                    "project_id": 3,
                    "status": "to_do",
                    "notes": "Ask on the chat first",
                }
            ]
        },
    )

    issue_id: str = Field(
        min_length=3, max_length=160, examples=["github:I_kwDOABCD1234"]
    )
    project_id: int | None = Field(
        default=None,
        description="A project you are a member of; null for your personal list",
    )
    status: TrackingStatus = TrackingStatus.to_do
    notes: str = Field(default="", max_length=NOTES_MAX_LENGTH)


class BookmarkUpdate(BaseModel):
    """Fields to change; fields left out keep their value. `completed` needs a
    `pr_url`, sent now or stored before."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "status": "completed",
                    "pr_url": "https://github.com/octo-org/octo-repo/pull/77",
                    "notes": "Merged after one review round",
                }
            ]
        },
    )

    status: TrackingStatus | None = None
    pr_url: str | None = Field(default=None, max_length=500)
    notes: str | None = Field(default=None, max_length=NOTES_MAX_LENGTH)
    project_id: int | None = Field(
        default=None,
        description="Move to this project; send null for the personal list",
    )


class UpstreamIssue(BaseModel):
    """The aggregated issue as last fetched from its tracker."""

    id: str = Field(examples=["github:I_kwDOABCD1234"])
    repo: str = Field(examples=["octo-org/octo-repo"])
    number: int
    title: str
    url: str
    language: str | None
    state: str = Field(examples=["open"], description="`open` or `closed` upstream")
    assigned: bool = Field(description="Someone is assigned upstream")
    closed_at: datetime | None


class TransitionOut(BaseModel):
    from_status: TrackingStatus | None
    to_status: TrackingStatus
    changed_at: datetime


class BookmarkOut(BaseModel):
    id: int
    issue_id: str = Field(examples=["github:I_kwDOABCD1234"])
    project_id: int | None
    status: TrackingStatus
    pr_url: str | None
    notes: str
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    issue: UpstreamIssue
    upstream_alerts: list[str] = Field(
        default_factory=list,
        examples=[["closed_upstream"]],
        description="For to_do and in_progress: `closed_upstream` when the issue "
        "closed, `assigned_upstream` when someone is assigned to it upstream",
    )
    history: list[TransitionOut] | None = Field(
        default=None, description="Every status change, oldest first; only on GET by id"
    )


class BookmarkList(BaseModel):
    total: int
    items: list[BookmarkOut]
