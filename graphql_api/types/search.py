"""Search inputs and results: filters, sort order, facets and page info."""

from datetime import datetime
from enum import Enum

import strawberry

from graphql_api.types.issues import IssueHit
from search_api.schemas import Facet as FacetModel
from search_api.schemas import SearchResponse


@strawberry.enum(description="Order of search hits.")
class SearchSort(Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    UPDATED = "updated"
    STARS = "stars"


@strawberry.enum(description="Ranking of signed-in callers' searches.")
class SearchRanking(Enum):
    DEFAULT = "default"
    PREFERENCES = "preferences"


@strawberry.enum(description="Maximum age of an issue's last update.")
class Freshness(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@strawberry.input(
    description=(
        "Facet selections and ranges. Values inside one list combine with OR, "
        "different lists with AND."
    )
)
class SearchFilters:
    labels: list[str] = strawberry.field(default_factory=list)
    languages: list[str] = strawberry.field(
        default_factory=list,
        description="Repository languages; `(none)` selects issues without one.",
    )
    difficulties: list[str] = strawberry.field(default_factory=list)
    kinds: list[str] = strawberry.field(default_factory=list)
    repos: list[str] = strawberry.field(
        default_factory=list,
        description="Repository full names, e.g. `octo-org/octo-repo`.",
    )
    sources: list[str] = strawberry.field(default_factory=list)
    events: list[str] = strawberry.field(default_factory=list)
    freshness: Freshness | None = strawberry.field(
        default=None, description="Only issues updated within this period."
    )
    created_after: datetime | None = None
    updated_after: datetime | None = None
    include_assigned: bool = strawberry.field(
        default=False, description="Also show issues someone is assigned to."
    )
    min_stars: int | None = strawberry.field(
        default=None, description="Only repositories with at least this many stars."
    )
    pushed_within: Freshness | None = strawberry.field(
        default=None, description="Only repositories pushed to within this period."
    )
    topics: list[str] = strawberry.field(
        default_factory=list, description="Repository topics."
    )
    licenses: list[str] = strawberry.field(
        default_factory=list, description="SPDX licence ids, e.g. `MIT`."
    )


@strawberry.type(description="One value of a facet and the hits it would select.")
class FacetValue:
    value: str
    count: int
    selected: bool


@strawberry.type(
    description="Counts of one facet; they ignore the facet's own selection."
)
class Facet:
    name: str
    values: list[FacetValue]

    @classmethod
    def from_model(cls, facet: FacetModel) -> "Facet":
        values = [
            FacetValue(value=value.value, count=value.count, selected=value.selected)
            for value in facet.values
        ]
        return cls(name=facet.name, values=values)


@strawberry.type
class PageInfo:
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null on the last page."
    )
    has_next_page: bool


@strawberry.type(description="One page of search hits with facet counts.")
class SearchResult:
    total_count: int = strawberry.field(
        description="Hits of the whole search, not only this page."
    )
    hits: list[IssueHit]
    facets: list[Facet]
    page_info: PageInfo

    @classmethod
    def from_model(cls, response: SearchResponse) -> "SearchResult":
        return cls(
            total_count=response.total,
            hits=[IssueHit.from_model(hit) for hit in response.hits],
            facets=[Facet.from_model(facet) for facet in response.facets],
            page_info=PageInfo(
                end_cursor=response.next_cursor,
                has_next_page=response.next_cursor is not None,
            ),
        )
