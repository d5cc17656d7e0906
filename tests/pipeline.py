"""Helpers that run refreshes through real Dramatiq workers in the test process."""

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dramatiq

from core.broker import broker
from core.database import session_scope
from core.elastic import get_elasticsearch
from core.settings import get_settings
from indexer import refresh_jobs
from indexer.refresh_jobs import RefreshProgress
from indexer.routes import start_refresh
from indexer.search_index import alias_name

FINISHED = ("completed", "partial", "failed")


def write_records(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def record(number: int, repo: str = "acme/widgets", **fields: Any) -> dict[str, Any]:
    """One issue record in the local GitHub's JSONL shape."""
    values = {
        "source": "github",
        "repo": repo,
        "number": number,
        "url": f"https://github.com/{repo}/issues/{number}",
        "title": f"Issue number {number}",
        "state": "open",
        "labels": ["good first issue"],
        "language": "Python",
        "created_at": "2024-05-01",
        "body": "Steps to reproduce are in the guide.",
        "comments": 1,
    }
    values.update(fields)
    return values


@contextmanager
def github_url(url: str) -> Iterator[None]:
    """Aim the GitHub client of this process at `url`."""
    previous = os.environ.get("GITHUB_API_URL")
    os.environ["GITHUB_API_URL"] = url
    get_settings.cache_clear()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("GITHUB_API_URL", None)
        else:
            os.environ["GITHUB_API_URL"] = previous
        get_settings.cache_clear()


@contextmanager
def running_worker(threads: int = 4) -> Iterator[dramatiq.Worker]:
    import indexer.tasks  # noqa: F401  (declares the actors)

    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=100)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def wait_for_job(job_id: str, timeout: float = 120.0) -> RefreshProgress:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            progress = refresh_jobs.job_progress(session, job_id)
        assert progress is not None
        if progress.status in FINISHED:
            # Index jobs of the last pages may still be queued behind the
            # finish step; wait for the queue to drain.
            broker.join("default", timeout=int(timeout * 1000))
            get_elasticsearch().indices.refresh(index=alias_name())
            return progress
        time.sleep(0.2)
    raise TimeoutError(f"refresh {job_id} did not finish within {timeout} s")


def run_refresh(timeout: float = 120.0) -> RefreshProgress:
    job_id, created = start_refresh()
    assert created
    return wait_for_job(job_id, timeout)


def indexed_numbers() -> list[tuple[str, int]]:
    client = get_elasticsearch()
    result = client.search(
        index=alias_name(), size=1000, query={"match_all": {}}, source=["repo", "number"]
    )
    return sorted((hit["_source"]["repo"], hit["_source"]["number"]) for hit in result["hits"]["hits"])
