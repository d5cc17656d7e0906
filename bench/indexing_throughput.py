"""End-to-end indexing throughput: local GitHub -> workers -> searchable.

Usage: python -m bench.indexing_throughput [--generate N] [--workers P] [--threads T]

Serves the demo records (or N generated ones) from the local GitHub, runs a
refresh with Dramatiq worker processes, and prints issues per second from the
refresh request until every issue is searchable. Needs the local stack up.
"""

import argparse
import time
from pathlib import Path

from bench.environment import use_bench_environment

CHILD_ENV = use_bench_environment()

from bench.cpu import CpuUsage  # noqa: E402
from bench.memory import PeakMemory  # noqa: E402
from cli import processes  # noqa: E402
from cli.demo import demo_data_path, point_at_local_github  # noqa: E402
from core.settings import get_settings  # noqa: E402


def run(data_path: Path, workers: int, threads: int, timeout: float) -> dict[str, object]:
    from bench.environment import reset_bench_state
    from cli.follow import follow_refresh
    from indexer.routes import start_refresh

    settings = get_settings()
    # Checked before the benchmark data is emptied, so a refused run loses nothing.
    processes.require_free_port(
        settings.fake_github_port, "the local GitHub", "ODYSSEY_FAKE_GITHUB_PORT"
    )
    reset_bench_state()
    env = {**CHILD_ENV, **point_at_local_github(), "GITHUB_PAGE_SIZE": "100"}
    logs = settings.stack_dir / "logs"
    record_count = count_records(data_path)
    children = [
        processes.spawn(
            [
                "-m", "fakes.github", "--data", str(data_path),
                "--port", str(settings.fake_github_port),
                "--rate-limit", str(rate_limit_points(record_count)),
            ],
            logs / "bench-fake-github.log",
            env,
        )
    ]
    try:
        processes.wait_for_port(settings.fake_github_port, 300, "the local GitHub", children[0])
        children.append(
            processes.spawn(
                ["-m", "cli.main", "worker", "--processes", str(workers), "--threads", str(threads)],
                logs / "bench-worker.log",
                env,
            )
        )
        time.sleep(3)  # worker start-up is not part of the figure
        pids = {"worker": children[1].pid, "fake_github": children[0].pid}
        memory = PeakMemory(pids)
        cpu = CpuUsage(pids)
        with memory, cpu:
            started = time.perf_counter()
            job_id, _ = start_refresh()
            progress = follow_refresh(job_id, timeout=timeout, poll_interval=0.2)
            elapsed = time.perf_counter() - started
    finally:
        for child in reversed(children):
            processes.stop(child)
    return {
        "records": record_count,
        "status": progress.status,
        "pages": progress.pages_done,
        "issues_stored": progress.issues_seen,
        "issues_searchable": progress.issues_indexed,
        "seconds": elapsed,
        "stored_per_second": progress.issues_seen / elapsed,
        "searchable_per_second": progress.issues_indexed / elapsed,
        **memory.summary(),
        **cpu.summary(),
        "indexed_per_pipeline_cpu_second": progress.issues_indexed / pipeline_cpu_seconds(cpu),
    }


def count_records(data_path: Path) -> int:
    with data_path.open() as records:
        return sum(1 for line in records if line.strip())


def rate_limit_points(record_count: int) -> int:
    """Points per hour for the local GitHub: GitHub's 5,000, or enough for
    every page when the data has more issues than that budget covers. The
    benchmark measures the pipeline, not waiting for a GitHub rate-limit
    window. A refresh costs about 30 points per 1,000 issues."""
    return max(5000, record_count // 20)


def pipeline_cpu_seconds(cpu: CpuUsage) -> float:
    """CPU seconds of the parts that would run in production: everything but
    the local GitHub and unrelated load."""
    parts = cpu.seconds_by_part()
    return sum(parts[name] for name in ("worker", "postgres", "redis", "elasticsearch")) or 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--generate", type=int, help="generate this many records instead")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker process")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds")
    args = parser.parse_args()
    data_path = demo_data_path()
    if args.generate:
        from bench.generate_issues import generated_file

        data_path = generated_file(get_settings().stack_dir / "bench", data_path, args.generate)
    try:
        result = run(data_path, args.workers, args.threads, args.timeout)
    except processes.PortInUse as error:
        raise SystemExit(f"error: {error}") from None
    print(f"data: {data_path}")
    for key, value in result.items():
        print(f"{key}: {value:.1f}" if isinstance(value, float) else f"{key}: {value}")


if __name__ == "__main__":
    main()
