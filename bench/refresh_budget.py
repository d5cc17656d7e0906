"""Print GitHub rate-limit points per 1,000 issues for a full refresh and for an
incremental refresh with no changes, against the local GitHub.

The local GitHub charges 1 point per query; real GitHub charges
max(1, sub-requests / 100), so a 50-issue search page costs about 1 there too.

    .venv/bin/python -m bench.refresh_budget                  # 2,000 generated records
    .venv/bin/python -m bench.refresh_budget --generate 20000
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GITHUB_TOKEN", "bench-token")

from bench.environment import reset_bench_state, use_bench_environment  # noqa: E402

FINISHED = ("completed", "partial", "failed")


def wait_for_job(job_id: str, timeout: float) -> str:
    from core.broker import broker
    from core.database import session_scope
    from indexer.models import RefreshJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            status = session.get(RefreshJob, job_id).status
        if status in FINISHED:
            broker.join("default", timeout=int(timeout * 1000))
            return status
        time.sleep(0.2)
    raise TimeoutError(f"refresh {job_id} did not finish within {timeout} s")


def measure(mode: str, fake, timeout: float) -> tuple[str, int]:
    """Run one refresh and return its status and the points it used."""
    from indexer.routes import start_refresh

    before = fake.rate_limiter.peek().used
    job_id, _ = start_refresh("github", mode)
    status = wait_for_job(job_id, timeout)
    return status, fake.rate_limiter.peek().used - before


def run(count: int, timeout: float) -> None:
    import dramatiq
    from sqlalchemy import func, select

    import indexer.tasks  # noqa: F401  (declares the actors)
    from bench.generate_issues import generate
    from core.broker import broker
    from core.database import session_scope
    from core.settings import get_settings
    from fakes.github.server_thread import run_fake_github
    from indexer.models import Issue

    reset_bench_state()
    with tempfile.TemporaryDirectory() as directory:
        records = generate(get_settings().demo_data_path, Path(directory) / "r.jsonl", count)
        with run_fake_github(records) as github:
            os.environ["GITHUB_API_URL"] = github.graphql_url
            get_settings.cache_clear()
            worker = dramatiq.Worker(broker, worker_threads=8)
            worker.start()
            try:
                full_status, full_points = measure("full", github.fake, timeout)
                incremental_status, incremental_points = measure(
                    "incremental", github.fake, timeout
                )
            finally:
                worker.stop()
    with session_scope() as session:
        stored = session.execute(select(func.count()).select_from(Issue)).scalar_one()
    print(f"records served: {count}, issues stored: {stored}")
    for name, status, points in (
        ("full", full_status, full_points),
        ("incremental, no changes", incremental_status, incremental_points),
    ):
        per_thousand = points / stored * 1000 if stored else float("nan")
        print(
            f"{name:<24} {status:<10} {points:>6} points  "
            f"{per_thousand:>8.1f} points per 1,000 issues"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generate", type=int, default=2000, help="records to generate")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per refresh")
    args = parser.parse_args()
    # Its own database, Redis database and index prefix, so other benchmarks
    # running at the same time are not disturbed.
    use_bench_environment(
        database="odyssey_bench_budget", redis_db=6, index_prefix="odyssey-bench-budget"
    )
    run(args.generate, args.timeout)


if __name__ == "__main__":
    main()
