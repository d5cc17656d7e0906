"""REST routes of issue search."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlmodel import Session

from accounts.dependencies import OptionalUser
from accounts.models import User
from core.database import get_session
from core.errors import InvalidParameter
from core.settings import get_settings
from search_api import service
from search_api.params import Freshness, SearchParams, SortOrder
from search_api.schemas import IssueDetail, SearchResponse
from tracking.search_state import Ranking, search_for_caller

router = APIRouter(prefix="/v1", tags=["search"])

MAX_QUERY_LENGTH = 500
MAX_FACET_VALUES = 20
MAX_FACET_VALUE_LENGTH = 256

SessionDep = Annotated[Session, Depends(get_session)]
FacetValues = Annotated[list[str], Query(max_length=MAX_FACET_VALUES)]


def search_params(
    q: Annotated[
        str, Query(max_length=MAX_QUERY_LENGTH, description="Words matched in titles, bodies and repository names")
    ] = "",
    label: FacetValues = [],  # noqa: B006 (FastAPI copies defaults per request)
    language: Annotated[
        list[str],
        Query(max_length=MAX_FACET_VALUES, description="Repository language; `(none)` selects issues without one"),
    ] = [],  # noqa: B006
    difficulty: FacetValues = [],  # noqa: B006
    kind: FacetValues = [],  # noqa: B006
    repo: Annotated[
        list[str], Query(max_length=MAX_FACET_VALUES, examples=["octo-org/octo-repo"])
    ] = [],  # noqa: B006
    source: FacetValues = [],  # noqa: B006
    event: FacetValues = [],  # noqa: B006
    freshness: Annotated[
        Freshness | None, Query(description="Only issues updated within this period")
    ] = None,
    created_after: datetime | None = None,
    updated_after: datetime | None = None,
    include_assigned: Annotated[
        bool, Query(description="Also show issues someone is assigned to")
    ] = False,
    sort: SortOrder = SortOrder.relevance,
    size: Annotated[int, Query(ge=1, description="Hits per page")] = 20,
    min_stars: Annotated[
        int | None,
        Query(
            ge=0,
            le=2**31 - 1,
            description="Only repositories with at least this many stars",
        ),
    ] = None,
    pushed_within: Annotated[
        Freshness | None, Query(description="Only repositories pushed to within this period")
    ] = None,
    topic: Annotated[
        list[str], Query(max_length=MAX_FACET_VALUES, description="Repository topic")
    ] = [],  # noqa: B006
    license: Annotated[
        list[str],
        Query(max_length=MAX_FACET_VALUES, description="SPDX licence id, e.g. MIT"),
    ] = [],  # noqa: B006
) -> SearchParams:
    max_size = get_settings().search_max_page_size
    if size > max_size:
        raise InvalidParameter(
            f"size {size} is larger than the maximum page size {max_size}; "
            "page through results with `cursor` instead",
            details={"parameter": "size", "maximum": max_size},
        )
    facets = {
        "label": label,
        "language": language,
        "difficulty": difficulty,
        "kind": kind,
        "repo": repo,
        "source": source,
        "event": event,
    }
    for name, values in {**facets, "topic": topic, "license": license}.items():
        for value in values:
            if not value or len(value) > MAX_FACET_VALUE_LENGTH:
                raise InvalidParameter(
                    f"{name} value must be 1 to {MAX_FACET_VALUE_LENGTH} characters long",
                    details={"parameter": name},
                )
    return SearchParams(
        q=q.strip(),
        facets={name: tuple(dict.fromkeys(values)) for name, values in facets.items() if values},
        freshness=freshness,
        created_after=created_after,
        updated_after=updated_after,
        include_assigned=include_assigned,
        min_stars=min_stars,
        pushed_within=pushed_within,
        topics=tuple(dict.fromkeys(topic)),
        licenses=tuple(dict.fromkeys(license)),
        sort=sort,
        size=size,
    )


SearchParamsDep = Annotated[SearchParams, Depends(search_params)]
CursorParam = Annotated[
    str | None, Query(max_length=4096, description="`next_cursor` of the previous page")
]
HideTrackedParam = Annotated[
    bool, Query(description="Signed-in callers: leave out the issues you track")
]
RankParam = Annotated[
    Ranking,
    Query(
        description="`preferences` ranks issues in your preferred languages first "
        "when sorting by relevance; anonymous callers get the default ranking"
    ),
]


@router.get("/search", response_model=SearchResponse)
def search(
    params: SearchParamsDep,
    user: OptionalUser,
    session: SessionDep,
    cursor: CursorParam = None,
    hide_tracked: HideTrackedParam = False,
    rank: RankParam = Ranking.default,
) -> SearchResponse | Response:
    """Search open beginner-friendly issues with full text and facets.

    Values inside one facet combine with OR, different facets with AND, and
    each facet's counts ignore that facet's own selection. Issues someone is
    assigned to are hidden unless `include_assigned=true`. For signed-in
    callers every hit carries `bookmarked`, `my_status` and `bookmark_id`.
    """
    return _search_response(session, user, params, cursor, hide_tracked, rank)


def _search_response(
    session: Session,
    user: User | None,
    params: SearchParams,
    cursor: str | None,
    hide_tracked: bool,
    rank: Ranking,
) -> SearchResponse | Response:
    if user is None and not cursor:
        # Anonymous first pages are the same for everyone, so the cached JSON
        # goes out as it is.
        return Response(service.first_page_json(params), media_type="application/json")
    return search_for_caller(
        session, user, params, cursor, hide_tracked=hide_tracked, ranking=rank
    )


@router.get("/issues", response_model=SearchResponse)
def list_issues(
    params: SearchParamsDep,
    user: OptionalUser,
    session: SessionDep,
    cursor: CursorParam = None,
    hide_tracked: HideTrackedParam = False,
    rank: RankParam = Ranking.default,
) -> SearchResponse | Response:
    """List issues; takes the same parameters and returns the same body as `/v1/search`."""
    return _search_response(session, user, params, cursor, hide_tracked, rank)


@router.get("/issues/{issue_id}", response_model=IssueDetail)
def get_issue(issue_id: str, session: SessionDep) -> IssueDetail:
    """Return one issue, including closed ones and those no longer indexed."""
    return service.get_issue(session, issue_id)
