"""Search qualifiers, sorting and paging of the fake GitHub."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fakes.github.records import IssueStore, parse_record
from fakes.github.search_query import SearchQueryError, parse_date_range, tokenize
from fakes.github.server_thread import RunningFakeGitHub, run_fake_github
from fakes.github.testing import make_record, post_graphql
from indexer.github.queries import SEARCH_ISSUES

QUALIFIER_RECORDS = [
    make_record(
        "acme/widgets", 1, labels=["good first issue"], created_at="2024-01-01"
    ),
    make_record(
        "acme/widgets",
        2,
        labels=["Help Wanted", "bug"],
        created_at="2024-01-31T23:59:59Z",
        title="Crash when saving",
    ),
    make_record(
        "acme/widgets",
        3,
        labels=["good first issue", "help wanted"],
        created_at="2024-02-01",
        state="closed",
    ),
    make_record(
        "acme/gadgets",
        4,
        labels=["good first issue"],
        language="Rust",
        created_at="2023-12-31T23:59:59Z",
        body="The parser panics on empty input.",
    ),
    make_record(
        "acme/gadgets",
        5,
        labels=["good first issue"],
        language="Rust",
        is_pull_request=True,
        created_at="2024-01-15",
    ),
    make_record(
        "solo/tool",
        6,
        labels=["good first issue easy"],
        language="Go",
        created_at="2024-01-20",
        updated_at="2024-06-01T12:00:00+02:00",
        assignees=["mona"],
        repo_archived=True,
    ),
]


@pytest.fixture
def store() -> IssueStore:
    return IssueStore(parse_record(record) for record in QUALIFIER_RECORDS)


def numbers(store: IssueStore, query: str) -> list[int]:
    return sorted(record.number for record in store.search(query).records)


QUALIFIER_CASES = [
    ("is:issue", [1, 2, 3, 4, 6]),
    ("is:pr", [5]),
    ("", [1, 2, 3, 4, 5, 6]),
    ("is:issue is:open", [1, 2, 4, 6]),
    ("is:issue state:open", [1, 2, 4, 6]),
    ("is:issue is:closed", [3]),
    ('is:issue label:"good first issue"', [1, 3, 4]),
    ("is:issue label:bug", [2]),
    ('is:issue label:"GOOD FIRST ISSUE"', [1, 3, 4]),
    ('is:issue label:"good first issue","help wanted"', [1, 2, 3, 4]),
    ('is:issue label:bug,"good first issue"', [1, 2, 3, 4]),
    ('is:issue label:"good first issue" label:"help wanted"', [3]),
    ('is:issue label:"good first issue" -label:"help wanted"', [1, 4]),
    ("is:issue label:good", []),
    ("is:issue language:rust", [4]),
    ("language:Rust", [4, 5]),
    ("is:issue language:python language:go", [1, 2, 3, 6]),
    ("is:issue repo:acme/widgets", [1, 2, 3]),
    ("is:issue repo:ACME/Gadgets", [4]),
    ("is:issue repo:acme/widgets repo:solo/tool", [1, 2, 3, 6]),
    ("is:issue user:acme", [1, 2, 3, 4]),
    ("is:issue archived:false", [1, 2, 3, 4]),
    ("is:issue archived:true", [6]),
    ("is:issue no:assignee", [1, 2, 3, 4]),
    ("is:issue created:2024-01-01", [1]),
    ("is:issue created:2024-01-01..2024-01-31", [1, 2, 6]),
    ("is:issue created:>=2024-01-31", [2, 3]),
    ("is:issue created:>2024-01-31", [3]),
    ("is:issue created:<2024-01-01", [4]),
    ("is:issue created:<=2024-01-01", [1, 4]),
    ("is:issue created:2024-01-20..*", [2, 3, 6]),
    ("is:issue created:*..2023-12-31", [4]),
    ("is:issue created:2024-01-31T12:00:00Z..2024-02-01T00:00:00Z", [2, 3]),
    ("is:issue updated:>=2024-06-01", [6]),
    ("is:issue updated:2024-06-01T10:00:00Z", [6]),
    ("is:issue updated:2024-06-01T10:00:01Z", []),
    ("is:issue crash", [2]),
    ("is:issue PARSER panics", [4]),
    ('is:issue "on empty input"', [4]),
    ("is:issue crash in:body", []),
    ("is:issue foo:bar", []),
]


@pytest.mark.parametrize(("query", "expected"), QUALIFIER_CASES)
def test_qualifier_matches(store: IssueStore, query: str, expected: list[int]) -> None:
    assert numbers(store, query) == expected


def test_default_sort_is_newest_first(store: IssueStore) -> None:
    result = store.search("is:issue")

    assert [record.number for record in result.records] == [3, 2, 6, 1, 4]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("sort:created-asc", [4, 1, 6, 2, 3]),
        ("sort:created-desc", [3, 2, 6, 1, 4]),
        ("sort:updated-desc", [6, 3, 2, 1, 4]),
        ("sort:updated-asc", [4, 1, 2, 3, 6]),
        ("sort:bogus-order", [3, 2, 6, 1, 4]),
    ],
)
def test_sort_orders(store: IssueStore, sort: str, expected: list[int]) -> None:
    result = store.search(f"is:issue {sort}")

    assert [record.number for record in result.records] == expected


def test_invalid_date_rejected(store: IssueStore) -> None:
    with pytest.raises(SearchQueryError, match="invalid date"):
        store.search("created:2024-13-01")


def test_overlong_query_rejected(store: IssueStore) -> None:
    query = "is:issue " + "label:x " * 40

    with pytest.raises(SearchQueryError, match="at most 256"):
        store.search(query)


def test_tokenize_keeps_quoted_spaces() -> None:
    tokens = tokenize('is:issue label:"good first issue","help wanted" -label:x')

    assert tokens == ["is:issue", 'label:"good first issue","help wanted"', "-label:x"]


def test_date_range_is_inclusive_by_day() -> None:
    date_range = parse_date_range("2024-01-01..2024-01-31")

    assert date_range.contains(datetime(2024, 1, 1, tzinfo=UTC))
    assert date_range.contains(datetime(2024, 1, 31, 23, 59, 59, tzinfo=UTC))
    assert not date_range.contains(datetime(2024, 2, 1, tzinfo=UTC))
    assert not date_range.contains(datetime(2023, 12, 31, 23, 59, 59, tzinfo=UTC))


def test_timestamp_offset_converted_to_utc(store: IssueStore) -> None:
    record = store.get("solo/tool", 6)

    assert record is not None
    assert record.updated_at == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)


def test_search_cache_invalidated_by_change(store: IssueStore) -> None:
    assert numbers(store, "is:issue is:closed") == [3]

    store.close_issue("acme/widgets", 1)

    assert numbers(store, "is:issue is:closed") == [1, 3]


def test_removed_record_leaves_indexes(store: IssueStore) -> None:
    assert store.remove("acme/widgets", 1)

    assert numbers(store, 'label:"good first issue"') == [3, 4, 5]
    assert not store.remove("acme/widgets", 1)


# Paging over HTTP with more than GitHub's 1,000 reachable results.

MANY_RECORD_COUNT = 1200
MANY_START = datetime(2022, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def many_server() -> Iterator[RunningFakeGitHub]:
    records = [
        make_record(
            f"org{number % 7}/repo{number % 3}",
            number,
            created_at=(MANY_START + timedelta(hours=number // 2)).isoformat(),
            labels=["good first issue"] if number % 5 else ["help wanted"],
        )
        for number in range(1, MANY_RECORD_COUNT + 1)
    ]
    with run_fake_github(records=records) as running:
        yield running


def fetch_page(
    client: httpx.Client,
    server: RunningFakeGitHub,
    query: str,
    first: int,
    after: str | None,
) -> dict:
    variables = {"query": query, "first": first, "after": after}
    response = post_graphql(client, server.graphql_url, SEARCH_ISSUES, variables)
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["search"]


def collect_ids(
    client: httpx.Client, server: RunningFakeGitHub, query: str, first: int
) -> tuple[list[str], int, int]:
    """Page until hasNextPage is false, and return ids, issueCount and page count."""
    ids: list[str] = []
    after = None
    pages = 0
    issue_count = -1
    for _ in range(MANY_RECORD_COUNT):
        page = fetch_page(client, server, query, first, after)
        pages += 1
        issue_count = page["issueCount"]
        ids.extend(node["id"] for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return ids, issue_count, pages


def test_paging_caps_at_1000(many_server: RunningFakeGitHub) -> None:
    with httpx.Client(timeout=30.0) as client:
        ids, issue_count, pages = collect_ids(client, many_server, "is:issue", 100)

    assert issue_count == MANY_RECORD_COUNT
    assert len(ids) == 1000
    assert len(set(ids)) == 1000
    assert pages == 10


def test_paging_never_repeats_or_skips(many_server: RunningFakeGitHub) -> None:
    query = 'is:issue label:"good first issue" sort:created-asc'
    with httpx.Client(timeout=30.0) as client:
        ids, issue_count, _ = collect_ids(client, many_server, query, 37)
        every = many_server.fake.store.search(query).records

    assert issue_count == 960
    assert ids == [record.node_id for record in every[:1000]]


def test_after_last_reachable_cursor_is_empty(many_server: RunningFakeGitHub) -> None:
    with httpx.Client(timeout=30.0) as client:
        last_page = fetch_page(client, many_server, "is:issue", 100, "Y3Vyc29yOjk5OQ==")
        beyond = fetch_page(client, many_server, "is:issue", 100, "Y3Vyc29yOjEwMDA=")

    assert len(last_page["nodes"]) == 1
    assert last_page["pageInfo"]["hasNextPage"] is False
    assert beyond["nodes"] == []
    assert beyond["pageInfo"]["endCursor"] is None


def test_invalid_cursor_is_an_error(many_server: RunningFakeGitHub) -> None:
    variables = {"query": "is:issue", "first": 10, "after": "not-a-cursor"}
    with httpx.Client(timeout=30.0) as client:
        response = post_graphql(
            client, many_server.graphql_url, SEARCH_ISSUES, variables
        )

    body = response.json()
    # search is non-null in GitHub's schema, so the error nulls all of data.
    assert body["data"] is None
    assert "does not appear to be a valid cursor" in body["errors"][0]["message"]


# Scale: the store must keep searches fast over 100,000 records.


def test_search_over_100k_records_counts_exactly() -> None:
    # Speed at this size is measured by hand, not asserted; this checks that
    # the indexes behind the search give the same counts as a plain scan.
    labels = ["good first issue", "help wanted", "bug", "documentation", "easy"]
    languages = ["Python", "Rust", "Go", "TypeScript", None]
    start = datetime(2015, 1, 1, tzinfo=UTC)
    raw = [
        make_record(
            f"org{number % 400}/repo{number % 13}",
            number,
            labels=[labels[number % 5], labels[(number * 7) % 5]],
            language=languages[number % 5],
            created_at=(start + timedelta(minutes=number * 37)).isoformat(),
            state="open" if number % 3 else "closed",
        )
        for number in range(1, 100_001)
    ]
    store = IssueStore([parse_record(record) for record in raw])

    everything = store.search("is:issue")
    assert everything.total_count == 100_000

    in_2016 = store.search(
        'is:issue is:open label:"good first issue" created:2016-01-01..2016-12-31'
    )
    expected = sum(
        1
        for record in raw
        if record["state"] == "open"
        and "good first issue" in record["labels"]
        and record["created_at"].startswith("2016")
    )
    assert in_2016.total_count == expected
    assert expected > 0

    python = store.search("is:issue is:open language:python")
    expected_python = sum(
        1 for record in raw if record["state"] == "open" and record["language"] == "Python"
    )
    assert python.total_count == expected_python


def test_created_window_follows_store_changes(store):
    window = "is:issue created:2024-01-01..2024-01-31"
    assert numbers(store, window) == [1, 2, 6]
    store.put(make_record("octo/new", 50, created_at="2024-01-15"))
    assert numbers(store, window) == [1, 2, 6, 50]
    store.remove("octo/new", 50)
    assert numbers(store, window) == [1, 2, 6]
