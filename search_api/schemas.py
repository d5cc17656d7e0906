"""Response models of the search API."""

from datetime import datetime

from pydantic import BaseModel, Field


class IssueHit(BaseModel):
    id: str = Field(examples=["github:I_kwDOABCD1234"])
    source: str = Field(examples=["github"])
    repo: str = Field(examples=["octo-org/octo-repo"])
    number: int = Field(examples=[42])
    title: str
    url: str
    labels: list[str] = Field(examples=[["good first issue", "docs"]])
    language: str | None = Field(examples=["Python"])
    difficulty: str = Field(examples=["beginner"])
    kinds: list[str] = Field(examples=[["docs"]])
    events: list[str]
    assigned: bool
    comment_count: int
    stars: int
    created_at: datetime
    updated_at: datetime
    snippet: str | None = Field(
        default=None, description="Body fragment with matches wrapped in <mark>, HTML-escaped"
    )
    bookmarked: bool | None = Field(
        default=None,
        description="Whether you track this issue; null for anonymous callers",
    )
    my_status: str | None = Field(
        default=None,
        examples=["in_progress"],
        description="Status of your bookmark; null when untracked or anonymous",
    )
    bookmark_id: int | None = Field(
        default=None,
        examples=[17],
        description=(
            "Id of your bookmark, for PUT /v1/bookmarks/{id}; "
            "null when untracked or anonymous"
        ),
    )


class FacetValue(BaseModel):
    value: str
    count: int
    selected: bool = False


class Facet(BaseModel):
    name: str = Field(examples=["language"])
    values: list[FacetValue]


class SearchResponse(BaseModel):
    total: int = Field(description="Hits of the whole search, not only this page")
    hits: list[IssueHit]
    facets: list[Facet]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` for the next page; null on the last page"
    )


class LabelOut(BaseModel):
    name: str
    color: str | None
    description: str | None


class IssueDetail(BaseModel):
    id: str
    source: str
    repo: str
    repo_url: str
    number: int
    title: str
    body: str
    url: str
    state: str
    locked: bool
    assigned: bool
    labels: list[LabelOut]
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
