"""Helpers of the fault tests: stopping a service of the local stack and
bringing it back, holding a job at a chosen step, the API on a real port, a
background request load, and the counts compared after recovery.

The services are stopped through `localstack.stack` with the settings of the
test process, so the tests stop whatever stack the suite runs against: a
developer's own stack (ODYSSEY_STACK_DIR and the port variables) or the
default one in CI. Other users of that stack see the outage too.
"""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from alerts.models import AlertDelivery, AlertMatch, Notification
from core.database import session_scope
from core.elastic import get_elasticsearch
from core.settings import get_settings
from fakes.github.server_thread import serve_app
from indexer.models import Issue
from indexer.search_index import alias_name
from localstack import stack
from search_api.app import create_app

# Seconds a held job waits for the test to release it before it fails, so a
# broken test cannot hang a worker thread.
GATE_TIMEOUT = 120.0
# Seconds to wait for Elasticsearch's shards after the node is healthy again.
SHARD_RECOVERY_TIMEOUT = "60s"


def restart_service(name: str) -> None:
    """Start a stopped service and wait until it is healthy; for Elasticsearch
    also until the shards of the test indices are assigned."""
    stack.start(name)
    if name == "elasticsearch":
        get_elasticsearch().cluster.health(
            index=f"{get_settings().index_prefix}-*",
            wait_for_status="yellow",
            timeout=SHARD_RECOVERY_TIMEOUT,
        )


@dataclass
class Outage:
    """A stopped service and the monotonic times when it was down and when
    the test began to start it again."""

    service: str
    down_at: float = 0.0
    restart_at: float | None = None

    def covers(self, started: float, ended: float) -> bool:
        """Whether a request that ran from `started` to `ended` ran entirely
        while the service was down."""
        return started >= self.down_at and (
            self.restart_at is None or ended <= self.restart_at
        )

    def restart(self) -> None:
        if self.restart_at is None:
            self.restart_at = time.monotonic()
            restart_service(self.service)


@contextmanager
def service_outage(name: str) -> Iterator[Outage]:
    """Stop one service for the `with` block. The service is started again
    and found healthy on the way out, also when the block fails; the block
    may restart it earlier with `outage.restart()`."""
    outage = Outage(name)
    try:
        stack.stop(name)
        outage.down_at = time.monotonic()
        yield outage
    finally:
        outage.restart()


@pytest.fixture
def healthy_stack() -> Iterator[None]:
    """Check that every service runs before a fault test, and restart any
    that an interrupted earlier run left stopped."""
    for entry in stack.status():
        if not entry.healthy:
            restart_service(entry.name)
    yield


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set environment variables and reread the settings; both are undone
    after the test."""

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def quick_alert_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shorten Dramatiq's retry backoff of the alert actors (15 s doubling by
    default) so a test waits seconds, not minutes, for the retry that runs
    after recovery. The retry itself is unchanged.

    The retries must still outlast the outage: 10 retries of
    `match_saved_searches` with this backoff take at least 100 s, longer than
    an Elasticsearch restart, while a 4 s cap ran them out within 30 s and
    dropped that batch's alerts.
    """
    import alerts.tasks

    for actor in (alerts.tasks.match_saved_searches, alerts.tasks.deliver_alert):
        monkeypatch.setitem(actor.options, "min_backoff", 1_000)
        monkeypatch.setitem(actor.options, "max_backoff", 30_000)


def after_pages(count: int) -> Callable[[list[int]], bool]:
    """A `Gate` condition for `indexer.refresh.index_issues`: true for calls
    with issues after the first `count` of them. Empty search pages also
    call it, but an empty call writes nothing to Elasticsearch."""
    calls = iter(range(count))

    def condition(issue_ids: list[int]) -> bool:
        return bool(issue_ids) and next(calls, None) is None

    return condition


class Gate:
    """Wraps a function so that one call, the first for which `when` holds,
    waits until the test releases it; the other calls run at once.

    A test uses it to stop a service while a Dramatiq job is at a known step.
    """

    def __init__(self, function: Callable[..., Any], when: Callable[..., bool] | None = None):
        self.function = function
        self.when = when or (lambda *args, **kwargs: True)
        self.reached = threading.Event()
        self.released = threading.Event()
        self.finished = threading.Event()
        self.outcome: BaseException | None = None
        self._lock = threading.Lock()
        self._claimed = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            hold = not self._claimed and self.when(*args, **kwargs)
            self._claimed = self._claimed or hold
        if not hold:
            return self.function(*args, **kwargs)
        self.reached.set()
        try:
            if not self.released.wait(GATE_TIMEOUT):
                raise TimeoutError(f"the test did not release {self.function.__name__}")
            return self.function(*args, **kwargs)
        except BaseException as error:
            self.outcome = error
            raise
        finally:
            self.finished.set()

    def wait_reached(self, timeout: float = 120.0) -> None:
        if not self.reached.wait(timeout):
            raise TimeoutError(f"no job reached {self.function.__name__} within {timeout} s")

    def release_and_wait(self, timeout: float = 60.0) -> BaseException | None:
        """Let the held call continue; return the error it raised, if any."""
        self.released.set()
        if not self.finished.wait(timeout):
            raise TimeoutError(f"the held {self.function.__name__} did not return in {timeout} s")
        return self.outcome


@contextmanager
def api_server() -> Iterator[httpx.Client]:
    """Serve the API app on a free 127.0.0.1 port and yield a client for it."""
    with serve_app(create_app()) as base_url:
        with httpx.Client(base_url=base_url, timeout=30.0) as client:
            yield client


def register(client: httpx.Client, email: str) -> dict[str, str]:
    """Register through the API and return the Authorization header of the
    account's session token."""
    response = client.post(
        "/v1/auth/register",
        json={"email": email, "password": "a long test passphrase", "display_name": "Tester"},
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['tokens']['access_token']}"}


def assert_unavailable(response: httpx.Response, service: str) -> None:
    """Check a 503 in the error format that names the missing service."""
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["details"]["service"] == service
    assert error["message"]
    assert response.headers["retry-after"]


def assert_readiness(client: httpx.Client, down: str) -> None:
    """Check that /readyz reports exactly `down` as failed and /healthz is up."""
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks[down].startswith("failed")
    for name, result in checks.items():
        if name != down:
            assert result == "ok", f"{name}: {result}"
    assert client.get("/healthz").status_code == 200


@dataclass(frozen=True)
class Result:
    operation: str
    started: float
    ended: float
    status: int
    body: str


@dataclass
class RequestLoad:
    """Sends the named requests in turn from a background thread until
    stopped, at most `max_requests` of them, and records every response.

    A request that gets no response is recorded with status 0.
    """

    client: httpx.Client
    operations: dict[str, Callable[[httpx.Client, int], httpx.Response]]
    max_requests: int = 5_000
    pause: float = 0.02
    results: list[Result] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="request-load", daemon=True)

    def __enter__(self) -> "RequestLoad":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(60)

    def _run(self) -> None:
        names = list(self.operations)
        for number in range(self.max_requests):
            if self._stop.is_set():
                return
            name = names[number % len(names)]
            started = time.monotonic()
            try:
                response = self.operations[name](self.client, number)
                status, body = response.status_code, response.text
            except httpx.HTTPError as error:
                status, body = 0, f"{type(error).__name__}: {error}"
            self.results.append(Result(name, started, time.monotonic(), status, body))
            time.sleep(self.pause)

    def during(self, outage: Outage) -> list[Result]:
        return [r for r in self.results if outage.covers(r.started, r.ended)]

    def after(self, moment: float) -> list[Result]:
        return [r for r in self.results if r.started >= moment]


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.25)
    raise TimeoutError(f"gave up waiting for {what} after {timeout} s")


def settle_refresh(job_id: str, timeout: float) -> tuple[str, dict[str, int]]:
    """Wait for a refresh to finish; return its status and its pages counted
    by status, also when it is still unfinished after `timeout` seconds."""
    from indexer.models import RefreshJob, RefreshPage
    from tests.pipeline import wait_for_job

    try:
        wait_for_job(job_id, timeout)
    except TimeoutError:
        pass
    with session_scope() as session:
        job = session.get(RefreshJob, job_id)
        assert job is not None
        pages = dict(
            session.execute(
                select(RefreshPage.status, func.count())
                .where(RefreshPage.job_id == job_id)
                .group_by(RefreshPage.status)
            ).all()
        )
        status = job.status
    return status, pages


def stored_issue_count() -> int:
    with session_scope() as session:
        return session.execute(select(func.count()).select_from(Issue)).scalar_one()


def indexed_document_ids() -> list[str]:
    """Every document id in the test index, duplicates included."""
    client = get_elasticsearch()
    client.indices.refresh(index=alias_name())
    result = client.search(
        index=alias_name(), size=10_000, query={"match_all": {}}, source=["doc_id"]
    )
    return [hit["_source"]["doc_id"] for hit in result["hits"]["hits"]]


def user_id_of(client: httpx.Client, headers: dict[str, str]) -> int:
    response = client.get("/v1/profile", headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def announced_issue_counts(user_id: int) -> Counter[int]:
    """How many in-app notifications of the user name each issue id."""
    with session_scope() as session:
        payloads = session.execute(
            select(Notification.payload).where(Notification.user_id == user_id)
        ).scalars()
        counts: Counter[int] = Counter()
        for payload in payloads:
            for section in payload.get("sections", []):
                counts.update(issue["id"] for issue in section.get("issues", []))
    return counts


def alert_rows(saved_search_id: int) -> tuple[int, list[str]]:
    """The number of stored matches of a saved search, and the statuses of
    all its deliveries."""
    with session_scope() as session:
        matches = session.execute(
            select(func.count())
            .select_from(AlertMatch)
            .where(AlertMatch.saved_search_id == saved_search_id)
        ).scalar_one()
        statuses = list(
            session.execute(
                select(AlertDelivery.status)
                .where(AlertDelivery.saved_search_id == saved_search_id)
                .order_by(col(AlertDelivery.id))
            ).scalars()
        )
    return matches, statuses


@dataclass
class AlertRun:
    """What an alert run held across an outage left behind."""

    search_id: int
    user_id: int
    issue_ids: list[int]
    match_error: BaseException | None
    delivery_error: BaseException | None


def alert_run_across_outage(
    monkeypatch: pytest.MonkeyPatch, service: str, outage_seconds: float
) -> AlertRun:
    """Run two alert batches for one saved search while `service` is stopped.

    The first batch's delivery is held in the middle of its attempt, and the
    second batch's matching before its first query. Both are released during
    the outage. Returns once every match is stored and every delivery sent.
    """
    from alerts import matching
    from alerts.delivery import sender
    from core.broker import broker
    from tests.factories import make_issue, store_and_index
    from tests.pipeline import running_worker

    first_batch = [make_issue(n, title=f"First batch issue {n}") for n in range(1, 4)]
    second_batch = [make_issue(n, title=f"Second batch issue {n}") for n in range(4, 8)]
    second_ids = {f"github:{issue.external_id}" for issue in second_batch}
    match_gate = Gate(
        matching.match_batch,
        when=lambda session, doc_ids: bool(second_ids & set(doc_ids)),
    )
    delivery_gate = Gate(sender._attempt)
    monkeypatch.setattr(matching, "match_batch", match_gate)
    monkeypatch.setattr(sender, "_attempt", delivery_gate)
    with api_server() as client:
        headers = register(client, "ada@example.org")
        user_id = user_id_of(client, headers)
        saved = client.post(
            "/v1/saved-searches",
            json={"name": "Python", "query": {"language": ["Python"]}},
            headers=headers,
        )
        assert saved.status_code == 201, saved.text
    search_id = saved.json()["id"]

    with running_worker(threads=2):
        issue_ids = store_and_index(first_batch)
        delivery_gate.wait_reached()
        issue_ids += store_and_index(second_batch)
        match_gate.wait_reached()
        with service_outage(service):
            match_error = match_gate.release_and_wait()
            delivery_error = delivery_gate.release_and_wait()
            time.sleep(outage_seconds)
        wait_until(
            lambda: alert_rows(search_id)[0] == len(issue_ids)
            and alert_rows(search_id)[1] == ["sent", "sent"],
            timeout=120,
            what="every match to be stored and every delivery sent",
        )
        broker.join("alerts", timeout=60_000)
    return AlertRun(search_id, user_id, issue_ids, match_error, delivery_error)
