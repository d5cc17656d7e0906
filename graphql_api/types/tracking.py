"""Projects, tracked issues (bookmarks), the dashboard and platform analytics.

The object types are generated from the REST response models, so both APIs
return the same fields; a change to a REST model changes the schema file and
fails the schema test until the file is regenerated and reviewed.
"""

from datetime import date

import strawberry
from strawberry.experimental.pydantic import type as pydantic_type

from tracking import analytics, dashboard, schemas
from tracking.status import TrackingStatus

strawberry.enum(TrackingStatus, description="Progress on a tracked issue.")
strawberry.enum(analytics.Period, description="Time span of platform analytics.")


@pydantic_type(model=schemas.ProjectOut, all_fields=True, name="Project")
class Project:
    pass


@pydantic_type(model=schemas.ProjectList, all_fields=True, name="ProjectList")
class ProjectList:
    pass


@pydantic_type(model=schemas.UpstreamIssue, all_fields=True, name="UpstreamIssue")
class UpstreamIssue:
    pass


@pydantic_type(model=schemas.TransitionOut, all_fields=True, name="StatusTransition")
class StatusTransition:
    pass


@pydantic_type(model=schemas.BookmarkOut, all_fields=True, name="Bookmark")
class Bookmark:
    pass


@pydantic_type(model=schemas.BookmarkList, all_fields=True, name="BookmarkList")
class BookmarkList:
    pass


@pydantic_type(model=dashboard.CountByName, all_fields=True, name="CountByName")
class CountByName:
    pass


@pydantic_type(model=dashboard.MonthCount, all_fields=True, name="MonthCount")
class MonthCount:
    pass


@strawberry.type(description="Number of the caller's tracked issues in one status.")
class StatusCount:
    status: TrackingStatus
    count: int


@strawberry.type(description="The signed-in caller's progress over time.")
class Dashboard:
    counts: list[StatusCount] = strawberry.field(
        description="Tracked issues per status, every status listed."
    )
    completions_per_month: list[MonthCount]
    languages: list[CountByName]
    repositories: list[CountByName]
    current_streak_days: int
    last_active_on: date | None

    @classmethod
    def from_model(cls, model: dashboard.Dashboard) -> "Dashboard":
        counts = [
            StatusCount(status=status, count=model.counts.get(status.value, 0))
            for status in TrackingStatus
        ]
        return cls(
            counts=counts,
            completions_per_month=[
                MonthCount.from_pydantic(m) for m in model.completions_per_month
            ],
            languages=[CountByName.from_pydantic(c) for c in model.languages],
            repositories=[CountByName.from_pydantic(c) for c in model.repositories],
            current_streak_days=model.current_streak_days,
            last_active_on=model.last_active_on,
        )


@pydantic_type(model=analytics.BucketCount, all_fields=True, name="BucketCount")
class BucketCount:
    pass


@pydantic_type(model=analytics.ValueCount, all_fields=True, name="ValueCount")
class ValueCount:
    pass


@pydantic_type(
    model=analytics.RepositoryBookmarks, all_fields=True, name="RepositoryBookmarks"
)
class RepositoryBookmarks:
    pass


@pydantic_type(model=analytics.Analytics, all_fields=True, name="Analytics")
class Analytics:
    pass


@strawberry.input(description="A project to create.")
class ProjectCreateInput:
    name: str
    description: str = ""
    link: str | None = strawberry.field(
        default=None, description="A GitHub organisation or GitLab group URL."
    )


@strawberry.input(
    description="Project fields to change; omitted fields keep their value."
)
class ProjectUpdateInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    link: str | None = strawberry.UNSET


@strawberry.input(description="An aggregated issue to track.")
class BookmarkCreateInput:
    issue_id: strawberry.ID
    project_id: int | None = strawberry.field(
        default=None,
        description="A project you are a member of; null for your personal list.",
    )
    status: TrackingStatus = TrackingStatus.to_do
    notes: str = ""


@strawberry.input(
    description=(
        "Bookmark fields to change; omitted fields keep their value. `completed` "
        "needs a `prUrl`, sent now or stored before."
    )
)
class BookmarkUpdateInput:
    status: TrackingStatus | None = strawberry.UNSET
    pr_url: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET
    project_id: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Move to this project; null moves it to the personal list.",
    )
