"""The GitLab client against the fake GitLab: pagination, rate limits, faults."""

import time

import pybreaker
import pytest

from core.settings import GitLabInstance, get_settings
from fakes.gitlab.server_thread import run_fake_gitlab
from fakes.gitlab.store import GitLabStore
from indexer.gitlab.client import GitLabClient
from indexer.gitlab.errors import (
    GitLabAuthError,
    GitLabNotFound,
    GitLabRateLimitExhausted,
    GitLabTransientError,
)
from tests.gitlab_helpers import TOKEN, gitlab_record


def many_issues(count: int) -> GitLabStore:
    return GitLabStore.from_records(
        gitlab_record(title=f"Issue {n}", created_at=f"2024-01-01T00:{n // 60:02d}:{n % 60:02d}Z")
        for n in range(count)
    )


def make_client(base_url: str, sleeps: list[float] | None = None, **settings: object) -> GitLabClient:
    instance = GitLabInstance(url=base_url, token=TOKEN)
    recorded = sleeps if sleeps is not None else []
    return GitLabClient(
        instance,
        get_settings().model_copy(update={"gitlab_max_retries": 3, **settings}),
        sleep=recorded.append,
        breaker=pybreaker.CircuitBreaker(fail_max=100),
    )


def test_offset_pages_follow_next_page_when_totals_are_left_out():
    # Past count_limit the fake, like GitLab past 10,000, sends no x-total.
    with run_fake_gitlab(many_issues(45), count_limit=20) as gitlab:
        with make_client(gitlab.base_url) as client:
            pages = list(client.iter_pages("/issues", [("scope", "all"), ("per_page", "10")]))
        first_headers = [path for path, _ in gitlab.fake.requests]
    assert [len(page.items) for page in pages] == [10, 10, 10, 10, 5]
    assert len({item["id"] for page in pages for item in page.items}) == 45
    assert first_headers == ["/api/v4/issues"] * 5


def test_keyset_pages_of_project_issues_cover_every_issue():
    with run_fake_gitlab(many_issues(25)) as gitlab:
        with make_client(gitlab.base_url) as client:
            params = [
                ("pagination", "keyset"),
                ("order_by", "created_at"),
                ("sort", "asc"),
                ("per_page", "10"),
            ]
            pages = list(client.iter_pages("/projects/tools%2Fwidget/issues", params))
    assert [len(page.items) for page in pages] == [10, 10, 5]
    assert "cursor=" in (pages[0].next_query or "")
    titles = [item["title"] for page in pages for item in page.items]
    assert titles == [f"Issue {n}" for n in range(25)]


def test_labels_filter_needs_every_listed_label():
    store = GitLabStore.from_records(
        [
            gitlab_record(title="both", labels=["quick win", "docs"]),
            gitlab_record(title="one", labels=["quick win"]),
        ]
    )
    with run_fake_gitlab(store) as gitlab, make_client(gitlab.base_url) as client:
        both = client.get_page("/issues", [("scope", "all"), ("labels", "quick win,docs")])
        one = client.get_page("/issues", [("scope", "all"), ("labels", "quick win")])
    assert [item["title"] for item in both.items] == ["both"]
    assert len(one.items) == 2


def test_429_is_waited_out_for_its_retry_after():
    sleeps: list[float] = []
    with run_fake_gitlab(many_issues(3)) as gitlab:
        gitlab.fake.throttle(2, retry_after=7)
        with make_client(gitlab.base_url, sleeps) as client:
            page = client.get_page("/issues", [("scope", "all")])
    assert len(page.items) == 3
    assert sleeps == [7.0, 7.0]


def test_low_remaining_budget_waits_for_the_reset():
    sleeps: list[float] = []
    with run_fake_gitlab(many_issues(3), rate_limit=3, rate_window=30) as gitlab:
        with make_client(gitlab.base_url, sleeps, gitlab_rate_limit_reserve=1) as client:
            for _ in range(3):
                client.project("tools/widget")
    # The second response leaves 1 request; the third call waits for the reset.
    assert len(sleeps) == 1
    assert 25 <= sleeps[0] <= 32


def test_client_stops_when_reset_is_far():
    with run_fake_gitlab(many_issues(1), rate_limit=1, rate_window=3600) as gitlab:
        with make_client(gitlab.base_url, gitlab_rate_limit_reserve=0) as client:
            client.project("tools/widget")
            with pytest.raises(GitLabRateLimitExhausted):
                client.project("tools/widget")


def test_server_errors_and_malformed_bodies_are_retried():
    sleeps: list[float] = []
    with run_fake_gitlab(many_issues(2)) as gitlab:
        gitlab.fake.faults.fail_next(2, status=502)
        gitlab.fake.faults.malformed(1)
        with make_client(gitlab.base_url, sleeps) as client:
            page = client.get_page("/issues", [("scope", "all")])
    assert len(page.items) == 2
    assert sleeps == [1.0, 2.0, 4.0]


def test_errors_that_outlast_the_retries_are_transient():
    with run_fake_gitlab(many_issues(1)) as gitlab:
        gitlab.fake.faults.fail_next(10, status=503)
        with make_client(gitlab.base_url) as client, pytest.raises(GitLabTransientError):
            client.get_page("/issues", [("scope", "all")])


def test_rejected_token_and_missing_project_raise_their_errors():
    with run_fake_gitlab(many_issues(1), tokens=["another"]) as gitlab:
        with make_client(gitlab.base_url) as client:
            with pytest.raises(GitLabAuthError):
                client.get_page("/issues", [("scope", "all")])
    with run_fake_gitlab(many_issues(1)) as gitlab, make_client(gitlab.base_url) as client:
        with pytest.raises(GitLabNotFound):
            client.project("nobody/nothing")


def test_instance_wide_issue_list_needs_a_token():
    with run_fake_gitlab(many_issues(1)) as gitlab:
        anonymous = GitLabClient(GitLabInstance(url=gitlab.base_url), sleep=time.sleep)
        with anonymous, pytest.raises(GitLabAuthError):
            anonymous.get_page("/issues", [("scope", "all")])
