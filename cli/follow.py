"""Follow a refresh job in the terminal with a progress bar."""

import logging
import time

from tqdm import tqdm

from core.database import session_scope
from indexer import refresh_jobs
from indexer.refresh_jobs import RefreshProgress

logger = logging.getLogger(__name__)

FINISHED = ("completed", "partial", "failed")


def follow_refresh(job_id: str, timeout: float, poll_interval: float = 0.5) -> RefreshProgress:
    """Poll a job until it finishes or `timeout` seconds pass; return its last
    progress. The bar counts search pages, whose total grows as pages are found."""
    deadline = time.monotonic() + timeout
    with tqdm(desc=f"refresh {job_id[:8]}", unit="page", total=0) as bar:
        while True:
            with session_scope() as session:
                progress = refresh_jobs.job_progress(session, job_id)
            if progress is None:
                raise LookupError(f"refresh job {job_id} not found")
            bar.total = max(progress.pages_total, 1)
            bar.n = progress.pages_done + progress.pages_failed
            bar.set_postfix(status=progress.status, issues=progress.issues_seen)
            bar.refresh()
            if progress.status in FINISHED:
                return progress
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"refresh {job_id} still {progress.status} after {timeout:.0f} s; "
                    "is a worker running (`odyssey worker`)?"
                )
            time.sleep(poll_interval)
