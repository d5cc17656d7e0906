"""Prometheus metrics at /metrics, request and job ids, and JSON logs."""

import io
import json
import logging

import dramatiq
from dramatiq.broker import MessageProxy
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from core import broker as broker_module
from core.job_metrics import JobMetrics
from core.json_logging import JsonFormatter
from core.logging_setup import apply_log_format
from core.settings import get_settings
from fakes.github.server_thread import run_fake_github
from search_api.app import create_app
from tests.factories import make_issue, make_repository, store_and_index
from tests.pipeline import github_url, record, run_refresh, running_worker, write_records


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app())


def scrape(client: TestClient) -> dict[tuple[str, frozenset], float]:
    """Return every sample of /metrics keyed by name and label set."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def index_two_issues() -> list[int]:
    repo = make_repository("acme/widgets", "Python")
    return store_and_index(
        [
            make_issue(1, "Fix typo in README", ("good first issue",), repo),
            make_issue(2, "Add parser tests", ("good first issue",), repo),
        ]
    )


def test_metrics_time_requests_by_route_template(client):
    index_two_issues()
    before = scrape(client)
    hit_id = client.get("/v1/search").json()["hits"][0]["id"]
    assert client.get(f"/v1/issues/{hit_id}").status_code == 200
    assert client.get("/v1/no-such-endpoint").status_code == 404
    after = scrape(client)

    count = "odyssey_http_request_duration_seconds_count"
    search = {"method": "GET", "route": "/v1/search", "status": "200"}
    detail = {"method": "GET", "route": "/v1/issues/{issue_id}", "status": "200"}
    assert value(after, count, **search) == value(before, count, **search) + 1
    assert value(after, count, **detail) == value(before, count, **detail) + 1
    labels = {str(key) for key in after}
    assert not any(f"/v1/issues/{hit_id}" in label for label in labels)
    assert not any("/v1/no-such-endpoint" in label for label in labels)


def test_metrics_count_cache_hits_and_elasticsearch_time(client):
    index_two_issues()
    before = scrape(client)
    for _ in range(2):
        assert client.get("/v1/search", params={"q": "typo"}).status_code == 200
    after = scrape(client)

    lookups = "odyssey_search_cache_lookups_total"
    assert value(after, lookups, result="miss") == value(before, lookups, result="miss") + 1
    assert value(after, lookups, result="hit") == value(before, lookups, result="hit") + 1
    queries = "odyssey_elasticsearch_query_duration_seconds_count"
    assert value(after, queries, operation="search") == (
        value(before, queries, operation="search") + 1
    )


def test_metrics_report_index_size_and_freshness(client):
    index_two_issues()
    samples = scrape(client)
    assert value(samples, "odyssey_index_issues", source="github") == 2
    assert value(samples, "odyssey_index_last_indexed_timestamp_seconds", source="github") > 0


def test_metrics_report_queue_depth(client):
    broker_module.enqueue("metrics_probe_actor")
    broker_module.enqueue("metrics_probe_actor")
    samples = scrape(client)
    assert value(samples, "odyssey_queue_messages", queue="default", state="ready") == 2
    assert value(samples, "odyssey_queue_messages", queue="default", state="delayed") == 0


def test_metrics_report_job_outcomes_and_rate_limit(client, tmp_path):
    records = write_records(tmp_path / "issues.jsonl", [record(1), record(2)])
    with run_fake_github(records) as github, github_url(github.graphql_url):
        with running_worker():
            progress = run_refresh()
    assert progress.status == "completed"
    samples = scrape(client)

    succeeded = {"queue": "default", "outcome": "succeeded"}
    assert value(samples, "odyssey_jobs_total", actor="plan_refresh", **succeeded) == 1
    assert value(samples, "odyssey_jobs_total", actor="fetch_page", **succeeded) >= 1
    assert value(samples, "odyssey_jobs_total", actor="finish_refresh", **succeeded) >= 1
    remaining = value(samples, "odyssey_source_rate_limit_remaining", source="github")
    limit = value(samples, "odyssey_source_rate_limit_limit", source="github")
    assert 0 < remaining <= limit


def probe_message() -> MessageProxy:
    """A message as middleware receives it while a worker processes it."""
    return MessageProxy(
        dramatiq.Message(queue_name="default", actor_name="probe", args=(), kwargs={}, options={})
    )


def test_job_outcomes_distinguish_retry_and_failure(client):
    middleware = JobMetrics()
    broker = broker_module.broker
    retried = probe_message()
    failed = probe_message()
    failed.fail()
    middleware.after_process_message(broker, retried, exception=RuntimeError("x"))
    middleware.after_process_message(broker, failed, exception=RuntimeError("x"))
    middleware.after_skip_message(broker, retried)
    samples = scrape(client)

    labels = {"actor": "probe", "queue": "default"}
    assert value(samples, "odyssey_jobs_total", outcome="retried", **labels) == 1
    assert value(samples, "odyssey_jobs_total", outcome="failed", **labels) == 1
    assert value(samples, "odyssey_jobs_total", outcome="skipped", **labels) == 1


def test_request_id_is_echoed_or_generated(client):
    supplied = client.get("/healthz", headers={"X-Request-ID": "gateway-42"})
    assert supplied.headers["x-request-id"] == "gateway-42"
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert replaced.headers["x-request-id"] != "bad id with spaces"
    assert len(replaced.headers["x-request-id"]) == 32


@pytest.fixture
def json_log_stream(monkeypatch) -> io.StringIO:
    """A root handler writing JSON lines, as configured by LOG_FORMAT=json."""
    monkeypatch.setattr(get_settings(), "log_format", "json")
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    saved = {other: other.formatter for other in root.handlers}
    root.addHandler(handler)
    apply_log_format()
    yield stream
    root.removeHandler(handler)
    for other, formatter in saved.items():
        other.setFormatter(formatter)


def log_entries(stream: io.StringIO, message: str) -> list[dict]:
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in entries if entry["message"] == message]


def test_json_logs_carry_request_id(json_log_stream):
    app = create_app()
    probe_logger = logging.getLogger("tests.probe")

    def probe_log() -> dict[str, str]:
        probe_logger.warning("probe from a request")
        return {"status": "ok"}

    app.add_api_route("/probe-log", probe_log)
    # Ahead of the web UI's catch-all route, which would match the path first.
    app.router.routes.insert(0, app.router.routes.pop())

    response = TestClient(app).get("/probe-log", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200
    [entry] = log_entries(json_log_stream, "probe from a request")
    assert entry["request_id"] == "req-123"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "tests.probe"
    assert "job_id" not in entry


def test_json_logs_carry_job_id(json_log_stream):
    middleware = JobMetrics()
    message = probe_message()
    probe_logger = logging.getLogger("tests.probe")
    middleware.before_process_message(broker_module.broker, message)
    probe_logger.warning("probe from a job")
    middleware.after_process_message(broker_module.broker, message)
    probe_logger.warning("probe after the job")

    [during] = log_entries(json_log_stream, "probe from a job")
    assert during["job_id"] == message.message_id
    [after] = log_entries(json_log_stream, "probe after the job")
    assert "job_id" not in after


def test_text_log_format_is_the_default():
    assert get_settings().log_format == "text"
    handler = logging.StreamHandler(io.StringIO())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        apply_log_format()
        assert not isinstance(handler.formatter, JsonFormatter)
    finally:
        root.removeHandler(handler)


def test_server_writes_uvicorn_lines_as_json_too(tmp_path):
    import socket

    import httpx

    from cli import processes

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log_path = tmp_path / "api.log"
    api = processes.spawn(
        ["-m", "cli.main", "serve", "--port", str(port)], log_path, {"LOG_FORMAT": "json"}
    )
    try:
        processes.wait_for_port(port, 60, "the API")
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
    finally:
        processes.stop(api)
    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    loggers = {entry["logger"] for entry in entries}
    assert "uvicorn.access" in loggers
    assert "uvicorn.error" in loggers
    assert any("GET /healthz" in entry["message"] for entry in entries)
