"""The GitHub client against the local GitHub: retries, limits, breaker."""

from datetime import date, timedelta

import pybreaker
import pytest

from core.settings import Settings
from fakes.github.server_thread import run_fake_github
from indexer.github import queries
from indexer.github.client import GitHubClient
from indexer.github.errors import (
    GitHubAuthError,
    GitHubQueryError,
    GitHubTransientError,
    RateLimitExhausted,
)
from indexer.github.search_plan import (
    MAX_QUERY_LENGTH,
    label_queries,
    cut_window,
    split_into_windows,
)
from indexer.normalize import BEGINNER_SEARCH_LABELS
from tests.pipeline import record

SEARCH = {"query": "is:issue is:open label:\"good first issue\"", "first": 10, "after": None}


@pytest.fixture
def github():
    records = [record(n) for n in range(1, 6)] + [record(6, is_pull_request=True)]
    with run_fake_github(None, records=records) as server:
        yield server


def make_client(url: str, **overrides) -> tuple[GitHubClient, list[float]]:
    sleeps: list[float] = []
    settings = Settings(
        GITHUB_API_URL=url, GITHUB_TOKEN=overrides.pop("token", "test-token"), **overrides
    )
    breaker = pybreaker.CircuitBreaker(fail_max=2, reset_timeout=60)
    return GitHubClient(settings, sleep=sleeps.append, breaker=breaker), sleeps


def test_search_returns_issues_and_budget(github):
    client, _ = make_client(github.graphql_url)
    data = client.execute(queries.SEARCH_ISSUES, SEARCH)
    assert data["search"]["issueCount"] == 5
    assert [node["__typename"] for node in data["search"]["nodes"]] == ["Issue"] * 5
    assert client.rate_limit.remaining is not None
    assert client.rate_limit.remaining < client.rate_limit.limit


def test_server_errors_are_retried_with_backoff(github):
    github.fake.faults.fail_next(2, status=502)
    client, sleeps = make_client(github.graphql_url)
    data = client.execute(queries.SEARCH_ISSUES, SEARCH)
    assert data["search"]["issueCount"] == 5
    assert sleeps == [1.0, 2.0]


def test_secondary_limit_waits_retry_after(github):
    github.fake.faults.secondary_rate_limit(1, status=429, retry_after=7)
    client, sleeps = make_client(github.graphql_url)
    client.execute(queries.SEARCH_ISSUES, SEARCH)
    assert sleeps == [7.0]


def test_secondary_limit_without_retry_after_waits_a_minute(github):
    github.fake.faults.secondary_rate_limit(1, status=403, retry_after=None)
    client, sleeps = make_client(github.graphql_url)
    client.execute(queries.SEARCH_ISSUES, SEARCH)
    assert sleeps == [60.0]


def test_malformed_body_is_retried(github):
    github.fake.faults.malformed(1)
    client, sleeps = make_client(github.graphql_url)
    assert client.execute(queries.SEARCH_ISSUES, SEARCH)["search"]["issueCount"] == 5
    assert len(sleeps) == 1


def test_persistent_errors_raise_then_open_the_breaker(github):
    github.fake.faults.fail_next(100, status=503)
    client, _ = make_client(github.graphql_url, GITHUB_MAX_RETRIES=1)
    with pytest.raises(GitHubTransientError):
        client.execute(queries.SEARCH_ISSUES, SEARCH)
    with pytest.raises(pybreaker.CircuitBreakerError):
        client.execute(queries.SEARCH_ISSUES, SEARCH)
    requests_before = github.fake.stats.snapshot()["total"]
    with pytest.raises(pybreaker.CircuitBreakerError):
        client.execute(queries.SEARCH_ISSUES, SEARCH)
    assert github.fake.stats.snapshot()["total"] == requests_before


def test_low_budget_waits_for_reset(github):
    client, sleeps = make_client(
        github.graphql_url, GITHUB_RATE_LIMIT_RESERVE=10, GITHUB_MAX_RATE_LIMIT_WAIT=4000
    )
    github.fake.rate_limiter.set_remaining(5)
    client.execute(queries.COUNT_ISSUES, {"query": "is:issue"})
    client.execute(queries.COUNT_ISSUES, {"query": "is:issue"})
    assert len(sleeps) == 1
    assert 0 < sleeps[0] <= 3601


def test_spent_budget_with_far_reset_stops(github):
    client, sleeps = make_client(github.graphql_url, GITHUB_MAX_RATE_LIMIT_WAIT=5)
    github.fake.rate_limiter.set_remaining(0)
    with pytest.raises(RateLimitExhausted) as raised:
        client.execute(queries.COUNT_ISSUES, {"query": "is:issue"})
    assert "GITHUB_MAX_RATE_LIMIT_WAIT" in str(raised.value)
    assert sleeps == []


def test_bad_token_is_not_retried(github):
    with run_fake_github(None, valid_tokens=["right"]) as strict:
        client, sleeps = make_client(strict.graphql_url, token="wrong")
        with pytest.raises(GitHubAuthError):
            client.execute(queries.COUNT_ISSUES, {"query": "is:issue"})
    assert sleeps == []


def test_invalid_document_is_a_query_error(github):
    client, sleeps = make_client(github.graphql_url)
    with pytest.raises(GitHubQueryError) as raised:
        client.execute("query { viewer { noSuchField } }")
    assert "noSuchField" in str(raised.value)
    assert sleeps == []


def test_label_queries_fit_github_query_length():
    built = label_queries(list(BEGINNER_SEARCH_LABELS))
    assert len(built) > 1
    for query in built:
        assert len(query) + len(" created:2008-01-01..2026-12-31") <= MAX_QUERY_LENGTH
    joined = " ".join(built)
    for label in BEGINNER_SEARCH_LABELS:
        assert label in joined


def test_cut_window_splits_by_expected_count():
    pieces = cut_window(date(2024, 1, 1), date(2024, 12, 31), 2500)
    assert len(pieces) == 4
    assert pieces[0][0] == date(2024, 1, 1)
    assert pieces[-1][1] == date(2024, 12, 31)
    for (_, end), (start, _) in zip(pieces, pieces[1:]):
        assert start == end + timedelta(days=1)


def test_cut_window_never_cuts_inside_a_day():
    assert cut_window(date(2024, 1, 1), date(2024, 1, 2), 90_000) == [
        (date(2024, 1, 1), date(2024, 1, 1)),
        (date(2024, 1, 2), date(2024, 1, 2)),
    ]


def test_windows_split_until_each_fits_the_cap():
    records = [record(n, created_at=f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}") for n in range(1, 2501)]
    with run_fake_github(None, records=records) as server:
        client, _ = make_client(server.graphql_url)
        query = label_queries(["good first issue"])[0]
        windows = split_into_windows(client, query, date(2024, 1, 1), date(2024, 12, 31))
    assert sum(window.expected_count for window in windows) == 2500
    assert all(window.expected_count <= 1000 for window in windows)
    assert len(windows) >= 3
