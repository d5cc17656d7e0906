"""Issues, their repositories and labels, and the per-caller state of an issue."""

from datetime import datetime

import strawberry
from strawberry.types import Info

from indexer.models import Label as LabelRow
from indexer.models import Repository as RepositoryRow
from search_api.schemas import IssueDetail, LabelOut
from search_api.schemas import IssueHit as IssueHitModel


@strawberry.type(description="A label as defined in one repository.")
class Label:
    name: str
    color: str | None
    description: str | None

    @classmethod
    def from_row(cls, row: LabelRow | LabelOut) -> "Label":
        return cls(name=row.name, color=row.color, description=row.description)


@strawberry.type(description="A repository that issues belong to.")
class Repository:
    source: str
    full_name: str
    name: str
    owner: str
    description: str | None
    url: str
    language: str | None
    stars: int
    archived: bool

    @classmethod
    def from_row(cls, row: RepositoryRow) -> "Repository":
        return cls(
            source=row.source,
            full_name=row.full_name,
            name=row.name,
            owner=row.owner,
            description=row.description,
            url=row.url,
            language=row.language,
            stars=row.stars,
            archived=row.archived,
        )


async def _repository(info: Info, source: str, full_name: str) -> Repository | None:
    return await info.context.loaders.repository.load((source, full_name))


async def _bookmarked(info: Info, issue_id: str) -> bool | None:
    state = await info.context.loaders.user_state.load(issue_id)
    return None if state is None else state.bookmarked


async def _my_status(info: Info, issue_id: str) -> str | None:
    state = await info.context.loaders.user_state.load(issue_id)
    return None if state is None else state.status


async def _bookmark_id(info: Info, issue_id: str) -> int | None:
    state = await info.context.loaders.user_state.load(issue_id)
    return None if state is None else state.bookmark_id


@strawberry.type(description="One issue of a search result page.")
class IssueHit:
    id: strawberry.ID
    source: str
    number: int
    title: str
    url: str
    repo: str = strawberry.field(description="Full name of the repository.")
    label_names: list[str] = strawberry.field(
        description="Label names as indexed; `labels` adds colours and descriptions."
    )
    language: str | None = strawberry.field(
        description="Primary language of the repository."
    )
    difficulty: str
    kinds: list[str]
    events: list[str]
    assigned: bool
    comment_count: int
    stars: int
    created_at: datetime
    updated_at: datetime
    snippet: str | None = strawberry.field(
        description="Body fragment with matches wrapped in <mark>, HTML-escaped."
    )
    bookmarked: bool | None = strawberry.field(
        description="Whether the caller tracks the issue; null for anonymous callers."
    )
    my_status: str | None = strawberry.field(
        description="Status of the caller's bookmark; null when untracked or anonymous."
    )
    bookmark_id: int | None = strawberry.field(
        description=(
            "Id of the caller's bookmark, for `updateBookmark`; null when untracked "
            "or anonymous."
        )
    )

    @classmethod
    def from_model(cls, hit: IssueHitModel) -> "IssueHit":
        return cls(
            id=strawberry.ID(hit.id),
            source=hit.source,
            number=hit.number,
            title=hit.title,
            url=hit.url,
            repo=hit.repo,
            label_names=hit.labels,
            language=hit.language,
            difficulty=hit.difficulty,
            kinds=hit.kinds,
            events=hit.events,
            assigned=hit.assigned,
            comment_count=hit.comment_count,
            stars=hit.stars,
            created_at=hit.created_at,
            updated_at=hit.updated_at,
            snippet=hit.snippet,
            bookmarked=hit.bookmarked,
            my_status=hit.my_status,
            bookmark_id=hit.bookmark_id,
        )

    @strawberry.field(description="The repository; null if it was deleted since.")
    async def repository(self, info: Info) -> Repository | None:
        return await _repository(info, self.source, self.repo)

    @strawberry.field(description="Labels of the issue, sorted by name.")
    async def labels(self, info: Info) -> list[Label]:
        return await info.context.loaders.labels.load(str(self.id))


@strawberry.type(description="One issue with its body, also when it has closed since.")
class Issue:
    id: strawberry.ID
    source: str
    number: int
    title: str
    body: str
    url: str
    state: str
    locked: bool
    assigned: bool
    repo: str = strawberry.field(description="Full name of the repository.")
    labels: list[Label]
    language: str | None
    difficulty: str
    kinds: list[str]
    events: list[str]
    beginner_friendly: bool
    comment_count: int
    stars: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @classmethod
    def from_model(cls, detail: IssueDetail) -> "Issue":
        return cls(
            id=strawberry.ID(detail.id),
            source=detail.source,
            number=detail.number,
            title=detail.title,
            body=detail.body,
            url=detail.url,
            state=detail.state,
            locked=detail.locked,
            assigned=detail.assigned,
            repo=detail.repo,
            labels=[Label.from_row(label) for label in detail.labels],
            language=detail.language,
            difficulty=detail.difficulty,
            kinds=detail.kinds,
            events=detail.events,
            beginner_friendly=detail.beginner_friendly,
            comment_count=detail.comment_count,
            stars=detail.stars,
            created_at=detail.created_at,
            updated_at=detail.updated_at,
            closed_at=detail.closed_at,
        )

    @strawberry.field(description="The repository; null if it was deleted since.")
    async def repository(self, info: Info) -> Repository | None:
        return await _repository(info, self.source, self.repo)

    @strawberry.field(
        description="Whether the caller tracks the issue; null for anonymous callers."
    )
    async def bookmarked(self, info: Info) -> bool | None:
        return await _bookmarked(info, str(self.id))

    @strawberry.field(
        description="Status of the caller's bookmark; null when untracked or anonymous."
    )
    async def my_status(self, info: Info) -> str | None:
        return await _my_status(info, str(self.id))

    @strawberry.field(
        description=(
            "Id of the caller's bookmark, for `updateBookmark`; null when untracked "
            "or anonymous."
        )
    )
    async def bookmark_id(self, info: Info) -> int | None:
        return await _bookmark_id(info, str(self.id))
