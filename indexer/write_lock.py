"""Shared index writes and exclusive rebuilds, coordinated through Redis.

Refresh pages, webhooks and reconciliation write to the index side by side.
Each writer registers in a sorted set of active writers, scored by the time
its registration expires. A rebuild first sets a flag that turns new writers
away, then waits for the registered ones to finish, so no write lands in the
old index after the rebuild copied it. A writer that is turned away raises
`IndexLocked`, and its job retries until the flag is gone.

A single mutex for every write would be simpler, but it makes the worker
threads of a refresh queue behind each other's bulk requests.
"""

import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from core.redis_client import get_redis

logger = logging.getLogger(__name__)

REBUILD_FLAG = "lock:index-rebuild"
ACTIVE_WRITERS = "lock:index-writers"
# Seconds a writer's registration lasts; one bulk write takes well under this.
WRITE_TIMEOUT = 120
# Seconds a writer waits for a rebuild to end before its job retries later.
WRITE_WAIT = 5.0
POLL_INTERVAL = 0.1

# Registers a writer unless a rebuild is running; drops expired registrations.
_ENTER_WRITER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now_ms)
redis.call('ZADD', KEYS[2], now_ms + ARGV[2] * 1000, ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2] * 1000)
return 1
"""

# Counts writers whose registration has not expired.
_COUNT_WRITERS = """
local now = redis.call('TIME')
local now_ms = now[1] * 1000 + math.floor(now[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
return redis.call('ZCARD', KEYS[1])
"""

# Deletes the rebuild flag only when this rebuild still owns it.
_RELEASE_FLAG = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class IndexLocked(RuntimeError):
    """An index rebuild is running; regular writes wait for it."""


class RebuildRunning(RuntimeError):
    """Another rebuild is running, or the running writes did not finish in time."""


@contextmanager
def shared_write(wait: float = WRITE_WAIT) -> Iterator[None]:
    """Hold a writer's place for one index write; raise `IndexLocked` when a
    rebuild runs for longer than `wait` seconds."""
    redis = get_redis()
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while not redis.eval(_ENTER_WRITER, 2, REBUILD_FLAG, ACTIVE_WRITERS, token, WRITE_TIMEOUT):
        if time.monotonic() >= deadline:
            raise IndexLocked("the index is being rebuilt; the write will be retried")
        time.sleep(POLL_INTERVAL)
    try:
        yield
    finally:
        redis.zrem(ACTIVE_WRITERS, token)


def active_writers() -> int:
    return int(get_redis().eval(_COUNT_WRITERS, 1, ACTIVE_WRITERS))


@contextmanager
def exclusive_rebuild(timeout: int, drain_wait: float) -> Iterator[None]:
    """Hold the index alone for at most `timeout` seconds.

    Raises `RebuildRunning` when another rebuild is running, or when the
    writes already under way do not finish within `drain_wait` seconds.
    """
    redis = get_redis()
    token = uuid.uuid4().hex
    if not redis.set(REBUILD_FLAG, token, nx=True, ex=timeout):
        raise RebuildRunning(
            "cannot start the index rebuild: another rebuild is running; wait for it to finish"
        )
    try:
        deadline = time.monotonic() + drain_wait
        while (writers := active_writers()) > 0:
            if time.monotonic() >= deadline:
                raise RebuildRunning(
                    f"cannot start the index rebuild: {writers} index writes did not finish "
                    f"within {drain_wait:.0f} s"
                )
            time.sleep(POLL_INTERVAL)
        yield
    finally:
        redis.eval(_RELEASE_FLAG, 1, REBUILD_FLAG, token)
