"""Validated search parameters, shared by the REST routes and the cache."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import Enum


class SortOrder(str, Enum):
    relevance = "relevance"
    newest = "newest"
    updated = "updated"
    stars = "stars"


class Freshness(str, Enum):
    """Maximum age of the last update, as an Elasticsearch date-math offset."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"


FRESHNESS_RANGES = {
    Freshness.day: "now-1d",
    Freshness.week: "now-7d",
    Freshness.month: "now-30d",
    Freshness.year: "now-365d",
}

# Facet value that selects issues whose repository has no primary language.
# GitHub's language names never contain brackets, so it cannot collide.
NO_LANGUAGE = "(none)"

# Facet name -> indexed keyword field.
FACET_FIELDS = {
    "label": "labels",
    "language": "language",
    "difficulty": "difficulty",
    "kind": "kinds",
    "repo": "repo",
    "source": "source",
    "event": "events",
}


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    freshness: Freshness | None = None
    created_after: datetime | None = None
    updated_after: datetime | None = None
    include_assigned: bool = False
    # Repository facts: at least this many stars, a push within this period,
    # any of these topics, any of these SPDX licence ids.
    min_stars: int | None = None
    pushed_within: Freshness | None = None
    topics: tuple[str, ...] = ()
    licenses: tuple[str, ...] = ()
    sort: SortOrder = SortOrder.relevance
    size: int = 20

    def fingerprint(self) -> str:
        """Stable hash of everything that selects and orders hits (not the
        page size), used for cache keys and to bind cursors to a search."""
        data = asdict(self)
        data.pop("size")
        data["facets"] = {k: sorted(v) for k, v in sorted(self.facets.items()) if v}
        encoded = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Personalization:
    """The signed-in caller's part of a search: issues to hide (API ids) and
    languages whose issues rank higher. Searches with it are never cached."""

    hide_tracked: bool = False
    excluded_ids: tuple[str, ...] = ()
    boost_languages: tuple[str, ...] = ()

    @property
    def is_active(self) -> bool:
        return self.hide_tracked or bool(self.boost_languages)

    def fingerprint(self, base: str) -> str:
        """Extend a SearchParams fingerprint. The excluded ids are left out, so
        a cursor stays valid when the caller tracks another issue meanwhile."""
        data = {"hide": self.hide_tracked, "boost": sorted(self.boost_languages)}
        encoded = base + json.dumps(data, sort_keys=True)
        return hashlib.sha256(encoded.encode()).hexdigest()[:32]
