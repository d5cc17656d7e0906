"""5xx storms and malformed bodies from the local GitHub and GitLab that
outlast the clients' own retries: the circuit breakers open, fail fast,
close again after recovery, the refresh completes, and every stored record
equals its source record."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pybreaker
import pytest
from sqlalchemy import select

from core.database import session_scope
from core.settings import Settings
from fakes.github.server_thread import run_fake_github
from fakes.gitlab.server_thread import run_fake_gitlab
from fakes.gitlab.store import GitLabStore
from indexer import refresh_jobs
from indexer.github import client as github_client
from indexer.github import queries
from indexer.github.client import GitHubClient
from indexer.github.errors import GitHubTransientError
from indexer.gitlab import client as gitlab_client
from indexer.models import Issue, Repository
from indexer.routes import start_refresh
from tests.faults_support import (
    indexed_document_ids,
    settings_env,  # noqa: F401  (fixture)
    wait_until,
)
from tests.gitlab_helpers import TOKEN, gitlab_instances, gitlab_record
from tests.pipeline import (
    github_url,
    record,
    running_worker,
    wait_for_job,
    write_records,
)

ISSUES = 40
SEARCH = {"query": 'is:issue is:open label:"good first issue"', "first": 10, "after": None}


class StateLog(pybreaker.CircuitBreakerListener):
    """Records every state a breaker moves to."""

    def __init__(self) -> None:
        self.states: list[str] = []

    def state_change(self, cb, old_state, new_state) -> None:  # noqa: ANN001 (pybreaker's signature)
        self.states.append(new_state.name)


# The breakers open after 5 failed calls in a row and let one trial call
# through 30 s later. The tests open them after 2 and try after 2 s, so a page
# gets through the storm within a few of Dramatiq's retries (1 s backoff,
# doubling) and the test does not wait minutes.
TEST_FAIL_MAX = 2
TEST_RESET_TIMEOUT = 2


@contextmanager
def breaker_under_test(breaker: pybreaker.CircuitBreaker) -> Iterator[StateLog]:
    """Close `breaker`, give it the test limits and log its states for the
    `with` block; restore its limits and close it afterwards."""
    log = StateLog()
    original = (breaker.fail_max, breaker.reset_timeout)
    breaker.close()
    breaker.fail_max, breaker.reset_timeout = TEST_FAIL_MAX, TEST_RESET_TIMEOUT
    breaker.add_listener(log)
    try:
        yield log
    finally:
        breaker.remove_listener(log)
        breaker.fail_max, breaker.reset_timeout = original
        breaker.close()


@pytest.fixture
def github_breaker() -> Iterator[StateLog]:
    """The process-wide GitHub breaker with the test limits."""
    with breaker_under_test(github_client.github_breaker) as log:
        yield log


def wait_for_pages(job_id: str, pages: int) -> None:
    def done() -> bool:
        with session_scope() as session:
            progress = refresh_jobs.job_progress(session, job_id)
        return progress is not None and progress.pages_done >= pages

    wait_until(done, timeout=120, what=f"{pages} pages of refresh {job_id}")


def stored_github_issues() -> dict[tuple[str, int], tuple[str, str, str]]:
    """(repository, number) -> (title, body, state) of every stored issue."""
    with session_scope() as session:
        rows = session.execute(
            select(
                Repository.full_name, Issue.number, Issue.title, Issue.description, Issue.state
            ).join(Repository, Issue.repository_id == Repository.id)
        ).all()
    return {(repo, number): (title, body, state) for repo, number, title, body, state in rows}


def test_github_breaker_opens_and_closes():
    records = [record(n) for n in range(1, 6)]
    with run_fake_github(None, records=records) as github:
        settings = Settings(
            GITHUB_API_URL=github.graphql_url, GITHUB_TOKEN="test-token", GITHUB_MAX_RETRIES=1
        )
        breaker = pybreaker.CircuitBreaker(fail_max=2, reset_timeout=1)
        client = GitHubClient(settings, sleep=lambda seconds: None, breaker=breaker)
        github.fake.faults.fail_next(4, status=503)
        with pytest.raises(GitHubTransientError):
            client.execute(queries.SEARCH_ISSUES, SEARCH)
        with pytest.raises(pybreaker.CircuitBreakerError):
            client.execute(queries.SEARCH_ISSUES, SEARCH)
        opened_state = breaker.current_state
        requests_while_open = github.fake.stats.snapshot()["total"]
        with pytest.raises(pybreaker.CircuitBreakerError):
            client.execute(queries.SEARCH_ISSUES, SEARCH)
        skipped = github.fake.stats.snapshot()["total"] == requests_while_open
        time.sleep(1.1)  # the breaker's reset timeout, after which it tries once
        data = client.execute(queries.SEARCH_ISSUES, SEARCH)
    assert opened_state == "open"
    assert skipped
    assert data["search"]["issueCount"] == 5
    assert breaker.current_state == "closed"


def test_github_refresh_survives_breaker_storm(tmp_path, settings_env, github_breaker):
    settings_env(GITHUB_PAGE_SIZE="5", GITHUB_MAX_RETRIES="1")
    records = [
        record(n, repo=f"org{n % 3}/repo{n % 3}", title=f"Issue {n} title", body=f"Body {n}")
        for n in range(1, ISSUES + 1)
    ]
    path = write_records(tmp_path / "issues.jsonl", records)
    with run_fake_github(path) as github, github_url(github.graphql_url):
        # Slow responses keep the pages in flight when the storm starts.
        github.fake.faults.slow(0.2, count=None)
        with running_worker(threads=2):
            job_id, _ = start_refresh()
            wait_for_pages(job_id, 2)
            # With one retry per call, the first call fails on two 502s and
            # the second on a 502 and a truncated body, so the breaker opens.
            # A trial call after the reset timeout gets one more truncated
            # body, retries and succeeds, so the breaker closes.
            github.fake.faults.fail_next(3, status=502)
            github.fake.faults.malformed(2)
            progress = wait_for_job(job_id, timeout=300)
        outcomes = github.fake.stats.snapshot()["by_outcome"]

    assert "open" in github_breaker.states
    assert github_breaker.states[-1] == "closed"
    assert outcomes["server_error"] == 3
    assert outcomes["malformed"] == 2
    assert progress.status == "completed"
    assert progress.pages_failed == 0
    expected = {(r["repo"], r["number"]): (r["title"], r["body"], "open") for r in records}
    assert stored_github_issues() == expected
    documents = indexed_document_ids()
    assert len(documents) == ISSUES
    assert len(set(documents)) == ISSUES


def test_gitlab_refresh_survives_breaker_storm(settings_env):
    settings_env(GITLAB_PAGE_SIZE="5", GITLAB_MAX_RETRIES="1")
    store = GitLabStore.from_records(
        [
            gitlab_record(iid=n, title=f"GitLab issue {n}", project=f"tools/widget{n % 3}")
            for n in range(1, ISSUES + 1)
        ]
    )
    with (
        run_fake_gitlab(store) as gitlab,
        gitlab_instances({"name": "local", "url": gitlab.base_url, "token": TOKEN}),
        breaker_under_test(gitlab_client.breaker_for("local")) as log,
    ):
        gitlab.fake.faults.fail_next(3, status=503)
        gitlab.fake.faults.malformed(2)
        with running_worker(threads=2):
            job_id, _ = start_refresh("gitlab")
            progress = wait_for_job(job_id, timeout=300)
        statuses = dict(gitlab.fake.statuses)

    assert "open" in log.states
    assert log.states[-1] == "closed"
    assert statuses[503] == 3
    assert progress.status == "completed"
    assert progress.pages_failed == 0
    stored = stored_github_issues()
    assert stored == {
        (f"tools/widget{n % 3}", n): (
            f"GitLab issue {n}",
            "A small change for a first contribution.",
            "open",
        )
        for n in range(1, ISSUES + 1)
    }
    assert len(set(indexed_document_ids())) == ISSUES
