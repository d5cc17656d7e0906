"""The scheduler enqueues each due refresh once, however many schedulers run."""

import threading

from sqlalchemy import func, select

from core.database import session_scope
from indexer.models import RefreshJob
from indexer.scheduler import PeriodicJob, Scheduler


def test_two_schedulers_start_one_refresh():
    calls: list[tuple[str, str]] = []
    lock = threading.Lock()

    def start(source: str, mode: str) -> tuple[str, bool]:
        with lock:
            calls.append((source, mode))
        from indexer.routes import start_refresh

        return start_refresh(source, mode)

    schedulers = [Scheduler({"github": 30.0}, start=start) for _ in range(2)]
    barrier = threading.Barrier(2)

    def run(scheduler: Scheduler) -> None:
        barrier.wait()
        for _ in range(5):
            scheduler.run_once()

    threads = [threading.Thread(target=run, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with session_scope() as session:
        jobs = session.execute(select(func.count()).select_from(RefreshJob)).scalar_one()
        mode = session.execute(select(RefreshJob.mode)).scalar_one()
    assert calls == [("github", "full")]
    assert jobs == 1
    assert mode == "full"


def test_scheduler_runs_again_after_interval_expires():
    from core.redis_client import get_redis

    started: list[str] = []
    scheduler = Scheduler(
        {"github": 60.0}, start=lambda source, mode: (started.append(mode) or "job", True)
    )
    scheduler.run_once()
    scheduler.run_once()
    get_redis().delete("scheduler:due:github")  # as if the interval ran out
    scheduler.run_once()
    assert started == ["full", "full"]


def test_scheduler_run_stops_on_event():
    stop = threading.Event()
    started: list[str] = []
    scheduler = Scheduler({"github": 60.0}, start=lambda s, m: (started.append(s) or "j", True))
    stop.set()
    scheduler.run(stop)
    scheduler.run(threading.Event(), max_ticks=1)
    assert started == ["github"]


def test_periodic_job_is_enqueued_once_across_schedulers():
    calls: list[tuple[str, str]] = []
    jobs = {"digests": PeriodicJob("run_due_digests", "alerts", 60.0)}

    def record(actor_name: str, queue_name: str) -> str:
        calls.append((actor_name, queue_name))
        return f"message-{len(calls)}"

    schedulers = [
        Scheduler({}, start=lambda s, m: ("job", True), periodic_jobs=jobs, enqueue_job=record)
        for _ in range(2)
    ]
    for _ in range(3):
        for scheduler in schedulers:
            scheduler.run_once()
    assert calls == [("run_due_digests", "alerts")]
