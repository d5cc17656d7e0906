"""A worker killed in the middle of a refresh loses and duplicates nothing."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from core.database import session_scope
from core.settings import get_settings
from fakes.github.server_thread import run_fake_github
from indexer import refresh_jobs
from indexer.models import Issue
from indexer.routes import start_refresh
from tests.pipeline import indexed_numbers, record, wait_for_job, write_records

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ISSUES = 240


def start_worker(graphql_url: str, log_path: Path) -> subprocess.Popen:
    settings = get_settings()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "ODYSSEY_INDEX_PREFIX": settings.index_prefix,
        "GITHUB_API_URL": graphql_url,
        "GITHUB_PAGE_SIZE": "10",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "dramatiq", "indexer.tasks", "--processes", "1", "--threads", "2"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_pages(job_id: str, pages: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            progress = refresh_jobs.job_progress(session, job_id)
        if progress and progress.pages_done >= pages:
            return
        time.sleep(0.1)
    raise TimeoutError(f"refresh {job_id} did not reach {pages} pages in {timeout} s")


def test_killed_worker_loses_and_duplicates_nothing(tmp_path):
    records = [record(n, repo=f"org{n % 12}/repo{n % 12}") for n in range(1, ISSUES + 1)]
    path = write_records(tmp_path / "issues.jsonl", records)
    log_path = tmp_path / "worker.log"
    with run_fake_github(path) as github:
        # Slow responses keep pages in flight when the worker dies.
        github.fake.faults.slow(0.3, count=None)
        first = start_worker(github.graphql_url, log_path)
        try:
            job_id, _ = start_refresh()
            wait_for_pages(job_id, 4, timeout=120)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
            with session_scope() as session:
                stopped_at = refresh_jobs.job_progress(session, job_id)
            assert stopped_at is not None
            assert stopped_at.status == "running"
            second = start_worker(github.graphql_url, log_path)
            try:
                progress = wait_for_job(job_id, timeout=240)
            finally:
                os.killpg(second.pid, signal.SIGTERM)
                second.wait(30)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
    assert progress.status == "completed", log_path.read_text()[-3000:]
    with session_scope() as session:
        stored = session.execute(select(func.count()).select_from(Issue)).scalar_one()
    assert stored == ISSUES
    assert progress.issues_indexed == ISSUES
    assert len(set(indexed_numbers())) == len(indexed_numbers())
