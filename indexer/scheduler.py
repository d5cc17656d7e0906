"""The scheduler: enqueues each source's refresh at its own interval.

Several schedulers may run at once (for example one per host). Before it
enqueues a refresh, a scheduler sets the Redis key `scheduler:due:<source>`
with SET NX and an expiry of one interval. Only the scheduler that set the key
enqueues that refresh, and the next refresh becomes due when the key expires.
Periodic jobs of other packages (PERIODIC_JOBS) are enqueued the same way.
"""

import logging
import math
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from core.broker import enqueue
from core.database import session_scope
from core.redis_client import get_redis
from core.settings import get_settings
from indexer import source_state

logger = logging.getLogger(__name__)

DUE_KEY = "scheduler:due:{source}"
JOB_DUE_KEY = "scheduler:due-job:{name}"


@dataclass(frozen=True)
class PeriodicJob:
    """An actor the scheduler enqueues every `interval` seconds."""

    actor_name: str
    queue_name: str
    interval: float


# Jobs of other packages that run on a clock; the actors are enqueued by
# name, so the scheduler does not import their code.
PERIODIC_JOBS = {
    "alert-digests": PeriodicJob("run_due_digests", "alerts", 3600.0),
}

# (actor name, queue name) -> message id
EnqueueJob = Callable[[str, str], str]


def _enqueue_job(actor_name: str, queue_name: str) -> str:
    return enqueue(actor_name, queue_name=queue_name)

# (source, mode) -> (job id, created)
StartRefresh = Callable[[str, str], tuple[str, bool]]


def _start_refresh(source: str, mode: str) -> tuple[str, bool]:
    from indexer.routes import start_refresh

    return start_refresh(source, mode)


class Scheduler:
    def __init__(
        self,
        intervals: dict[str, float] | None = None,
        *,
        start: StartRefresh = _start_refresh,
        periodic_jobs: dict[str, PeriodicJob] | None = None,
        enqueue_job: EnqueueJob = _enqueue_job,
    ) -> None:
        settings = get_settings()
        self.intervals = dict(intervals or settings.refresh_intervals)
        self.sweep_interval = settings.sweep_interval
        self.tick = settings.scheduler_tick
        self.instance_id = uuid.uuid4().hex
        self._start = start
        self.periodic_jobs = dict(PERIODIC_JOBS if periodic_jobs is None else periodic_jobs)
        self._enqueue_job = enqueue_job

    def run_once(self) -> list[str]:
        """Enqueue the refresh of every source that is due and whose due key
        this scheduler won; return the ids of the jobs it started."""
        started = []
        for source, interval in sorted(self.intervals.items()):
            key = DUE_KEY.format(source=source)
            expiry = max(1, math.ceil(interval))
            if not get_redis().set(key, self.instance_id, nx=True, ex=expiry):
                continue
            with session_scope() as session:
                mode = source_state.next_mode(session, source, self.sweep_interval)
            try:
                job_id, created = self._start(source, mode)
            except Exception:
                # Free the slot, so this or another scheduler tries again.
                get_redis().delete(key)
                logger.exception("scheduler %s failed to start a %s refresh", self.instance_id, source)
                continue
            if created:
                started.append(job_id)
            logger.info(
                "scheduler %s %s %s refresh %s",
                self.instance_id,
                "enqueued" if created else "found running",
                mode,
                job_id,
            )
        self._run_periodic_jobs()
        return started

    def _run_periodic_jobs(self) -> None:
        for name, job in sorted(self.periodic_jobs.items()):
            key = JOB_DUE_KEY.format(name=name)
            expiry = max(1, math.ceil(job.interval))
            if not get_redis().set(key, self.instance_id, nx=True, ex=expiry):
                continue
            try:
                message_id = self._enqueue_job(job.actor_name, job.queue_name)
            except Exception:
                get_redis().delete(key)
                logger.exception("scheduler %s failed to enqueue %s", self.instance_id, name)
                continue
            logger.info(
                "scheduler %s enqueued %s (message %s)", self.instance_id, name, message_id
            )

    def run(self, stop: threading.Event, max_ticks: int | None = None) -> None:
        """Call `run_once` every `scheduler_tick` seconds until `stop` is set
        or `max_ticks` ticks have run."""
        logger.info(
            "scheduler %s started; intervals %s s", self.instance_id, self.intervals
        )
        ticks = 0
        while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
            try:
                self.run_once()
            except Exception:
                logger.exception("scheduler %s tick failed; trying again", self.instance_id)
            ticks += 1
            stop.wait(self.tick)
        logger.info("scheduler %s stopped after %d ticks", self.instance_id, ticks)
