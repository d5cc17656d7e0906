"""The search parameters a saved search stores, checked like `GET /v1/search`."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from search_api.params import Freshness, SearchParams
from search_api.routes import MAX_FACET_VALUES, MAX_QUERY_LENGTH, search_params

FacetList = Annotated[list[str], Field(max_length=MAX_FACET_VALUES)]


class SearchQuery(BaseModel):
    """Parameters of `GET /v1/search` that select issues; paging and sorting
    do not apply to alerts, so `sort`, `size` and `cursor` are not taken."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"q": "docs", "language": ["Python"]}]},
    )

    q: str = Field(default="", max_length=MAX_QUERY_LENGTH)
    label: FacetList = []
    language: FacetList = []
    difficulty: FacetList = []
    kind: FacetList = []
    repo: FacetList = []
    source: FacetList = []
    event: FacetList = []
    topic: FacetList = []
    license: FacetList = []
    freshness: Freshness | None = None
    created_after: datetime | None = None
    updated_after: datetime | None = None
    include_assigned: bool = False
    min_stars: int | None = Field(default=None, ge=0)
    pushed_within: Freshness | None = None


def to_search_params(query: SearchQuery) -> SearchParams:
    """Build SearchParams with the checks of `GET /v1/search`; raises
    InvalidParameter for a facet value that search would reject."""
    return search_params(**query.model_dump())


def load_search_query(stored: dict[str, Any]) -> SearchQuery:
    return SearchQuery.model_validate(stored)


def dump_search_query(query: SearchQuery) -> dict[str, Any]:
    """Return the JSON stored in `saved_search.params`, without default values."""
    return query.model_dump(mode="json", exclude_defaults=True)
