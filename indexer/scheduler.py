"""The scheduler: enqueues each source's refresh at its own interval.

Several schedulers may run at once (for example one per host). Before it
enqueues a refresh, a scheduler sets the Redis key `scheduler:due:<source>`
with SET NX and an expiry of one interval. Only the scheduler that set the key
enqueues that refresh, and the next refresh becomes due when the key expires.
"""

import logging
import math
import threading
import uuid
from collections.abc import Callable

from core.database import session_scope
from core.redis_client import get_redis
from core.settings import get_settings
from indexer import source_state

logger = logging.getLogger(__name__)

DUE_KEY = "scheduler:due:{source}"

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
    ) -> None:
        settings = get_settings()
        self.intervals = dict(intervals or settings.refresh_intervals)
        self.sweep_interval = settings.sweep_interval
        self.tick = settings.scheduler_tick
        self.instance_id = uuid.uuid4().hex
        self._start = start

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
        return started

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
