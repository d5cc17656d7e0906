"""Plan the GitHub searches of a refresh.

GitHub limits a search query to 256 characters and serves at most 1,000 results
of any search. The beginner labels are therefore split over several queries,
and each query is split into created-date windows small enough that every
window contains at most 1,000 issues.

A window with too many issues is cut into as many equal date ranges as its
count suggests, aiming at `WINDOW_TARGET` issues each, rather than in halves:
issues spread over the years unevenly, but far from halving's worst case, so
this needs fewer count queries. Every count query is a GitHub round trip.
"""

import logging
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from indexer.github import queries
from indexer.github.client import GitHubClient

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 256
MAX_SEARCH_RESULTS = 1000
# Issues aimed at per window when cutting a large one; below the cap, so that
# a window a little denser than the average still fits.
WINDOW_TARGET = 700
BASE_QUALIFIERS = "is:issue is:open archived:false"
# Incremental searches return closed issues too, so that an issue closed since
# the watermark is seen and leaves the index.
INCREMENTAL_QUALIFIERS = "is:issue"
# Maximum length of a window qualifier: " created:2008-01-01..2026-12-31".
WINDOW_QUALIFIER_LENGTH = len(" created:2008-01-01..2026-12-31")


@dataclass(frozen=True)
class SearchWindow:
    query: str
    expected_count: int


def quote_label(label: str) -> str:
    return f'"{label}"' if any(ch in label for ch in ' ,:"') else label


def label_queries(
    labels: list[str], extra: str = "", qualifiers: str = BASE_QUALIFIERS
) -> list[str]:
    """Group labels into `label:a,b,...` queries (comma means OR) that stay
    within GitHub's query length once a created-date window is added."""
    base = f"{qualifiers} {extra}".strip()
    budget = MAX_QUERY_LENGTH - WINDOW_QUALIFIER_LENGTH - len(base) - len(" label:")
    groups: list[list[str]] = [[]]
    for label in labels:
        quoted = quote_label(label.replace('"', ""))
        current = groups[-1]
        length = sum(len(item) + 1 for item in current) + len(quoted)
        if current and length > budget:
            groups.append([quoted])
        else:
            current.append(quoted)
    return [f"{base} label:{','.join(group)}" for group in groups if group]


def count_issues(client: GitHubClient, query: str) -> int:
    data = client.execute(queries.COUNT_ISSUES, {"query": query})
    return int(data["search"]["issueCount"])


def window_query(query: str, start: date, end: date) -> str:
    return f"{query} created:{start.isoformat()}..{end.isoformat()}"


def split_into_windows(
    client: GitHubClient, query: str, start: date, end: date
) -> list[SearchWindow]:
    """Return created-date windows covering [start, end], each with at most
    1,000 issues, sorted by query."""
    return sorted(iter_windows(client, query, start, end), key=lambda window: window.query)


def iter_windows(
    client: GitHubClient, query: str, start: date, end: date
) -> Iterator[SearchWindow]:
    """Yield the windows of [start, end] as they are found, earliest first."""
    pending = [(start, end)]
    while pending:
        window_start, window_end = pending.pop()
        text = window_query(query, window_start, window_end)
        count = count_issues(client, text)
        if count == 0:
            continue
        if count <= MAX_SEARCH_RESULTS or window_start == window_end:
            if count > MAX_SEARCH_RESULTS:
                # TODO: split a single day by created time once a day can hold
                # more than 1,000 matches; the issues past the cap are missed.
                logger.warning(
                    "window %s contains %d issues; only the first %d can be fetched",
                    text,
                    count,
                    MAX_SEARCH_RESULTS,
                )
            yield SearchWindow(text, count)
            continue
        pending.extend(reversed(cut_window(window_start, window_end, count)))


def cut_window(start: date, end: date, count: int) -> list[tuple[date, date]]:
    """Cut [start, end] into equal date ranges that would hold about
    `WINDOW_TARGET` issues each if the issues were spread evenly. There are at
    least two ranges and at most one per day."""
    days = (end - start).days + 1
    pieces = min(days, max(2, math.ceil(count / WINDOW_TARGET)))
    bounds = [start + timedelta(days=days * index // pieces) for index in range(pieces + 1)]
    return [(bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(pieces)]
