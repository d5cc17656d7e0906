"""Issue search and lookup, through the same services as `/v1/search`."""

import strawberry
from sqlmodel import Session

from accounts.models import User
from core.errors import InvalidParameter
from core.settings import get_settings
from graphql_api.context import Context
from graphql_api.types.issues import Issue
from graphql_api.types.search import (
    SearchFilters,
    SearchRanking,
    SearchResult,
    SearchSort,
)
from search_api import service
from search_api.params import Freshness, SearchParams, SortOrder
from search_api.routes import MAX_FACET_VALUES, MAX_QUERY_LENGTH, search_params
from search_api.schemas import SearchResponse
from tracking.search_state import Ranking, search_for_caller

DEFAULT_PAGE_SIZE = 20
MAX_CURSOR_LENGTH = 4096


def build_search_params(
    q: str, filters: SearchFilters, sort: SearchSort, first: int
) -> SearchParams:
    """Check the GraphQL arguments and build the SearchParams REST would build."""
    max_size = get_settings().search_max_page_size
    if not 1 <= first <= max_size:
        raise InvalidParameter(
            f"first must be between 1 and the maximum page size {max_size}, "
            f"not {first}; page through results with `after` instead",
            details={"parameter": "first", "maximum": max_size},
        )
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidParameter(
            f"q is {len(q)} characters long; the maximum is {MAX_QUERY_LENGTH}",
            details={"parameter": "q", "maximum": MAX_QUERY_LENGTH},
        )
    facets = {
        "label": filters.labels,
        "language": filters.languages,
        "difficulty": filters.difficulties,
        "kind": filters.kinds,
        "repo": filters.repos,
        "source": filters.sources,
        "event": filters.events,
        "topic": filters.topics,
        "license": filters.licenses,
    }
    for name, values in facets.items():
        if len(values) > MAX_FACET_VALUES:
            raise InvalidParameter(
                f"filters select {len(values)} {name} values; "
                f"the maximum is {MAX_FACET_VALUES}",
                details={"parameter": name, "maximum": MAX_FACET_VALUES},
            )
    if filters.min_stars is not None and filters.min_stars < 0:
        raise InvalidParameter(
            "minStars must be 0 or more", details={"parameter": "min_stars"}
        )
    freshness = Freshness(filters.freshness.value) if filters.freshness else None
    pushed_within = (
        Freshness(filters.pushed_within.value) if filters.pushed_within else None
    )
    return search_params(
        q=q,
        label=filters.labels,
        language=filters.languages,
        difficulty=filters.difficulties,
        kind=filters.kinds,
        repo=filters.repos,
        source=filters.sources,
        event=filters.events,
        freshness=freshness,
        created_after=filters.created_after,
        updated_after=filters.updated_after,
        include_assigned=filters.include_assigned,
        sort=SortOrder(sort.value),
        size=first,
        min_stars=filters.min_stars,
        pushed_within=pushed_within,
        topic=filters.topics,
        license=filters.licenses,
    )


async def search(
    info: Context,
    q: str = "",
    filters: SearchFilters | None = None,
    sort: SearchSort = SearchSort.RELEVANCE,
    first: int = DEFAULT_PAGE_SIZE,
    after: str | None = None,
    hide_tracked: bool = False,
    rank: SearchRanking = SearchRanking.DEFAULT,
) -> SearchResult:
    """Search open beginner-friendly issues with full text and facets.

    Takes the filters, sort and paging of `GET /v1/search`. Issues someone is
    assigned to are hidden unless `filters.includeAssigned` is true. `first`
    is at most the server's maximum page size (100 by default). For signed-in
    callers every hit carries `bookmarked`, `myStatus` and `bookmarkId`;
    `hideTracked` leaves out the issues they track and `rank: PREFERENCES`
    ranks their preferred languages first.
    """
    params = build_search_params(q, filters or SearchFilters(), sort, first)
    if after is not None and len(after) > MAX_CURSOR_LENGTH:
        raise InvalidParameter(
            "after is not a cursor of this API", details={"parameter": "after"}
        )
    user = await info.context.optional_user()
    response = await info.context.run_db(
        _search_for_caller, user, params, after, hide_tracked, Ranking(rank.value)
    )
    return SearchResult.from_model(response)


def _search_for_caller(
    session: Session,
    user: User | None,
    params: SearchParams,
    after: str | None,
    hide_tracked: bool,
    ranking: Ranking,
) -> SearchResponse:
    return search_for_caller(
        session, user, params, after, hide_tracked=hide_tracked, ranking=ranking
    )


async def issue(info: Context, id: strawberry.ID) -> Issue:
    """Return one issue, including closed ones and those no longer indexed."""
    detail = await info.context.run_db(service.get_issue, str(id))
    return Issue.from_model(detail)
