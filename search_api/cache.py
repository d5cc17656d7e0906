"""Redis cache of first result pages.

Keys contain the index generation, which every index write bumps, so a cached
page never outlives the index state it was computed from; the TTL then frees
the memory of stale keys.
"""

import logging

from redis.exceptions import RedisError

from core.metrics import SEARCH_CACHE_LOOKUPS
from core.redis_client import get_redis
from core.settings import get_settings
from core.unavailable import RepeatLimiter
from indexer.search_index import GENERATION_KEY

logger = logging.getLogger(__name__)
# While Redis is down every search would log the same warning.
_outage_log = RepeatLimiter(logger)

PREFIX = "search:cache"


def cache_key(generation: str, fingerprint: str, size: int) -> str:
    return f"{PREFIX}:{generation}:{fingerprint}:{size}"


def get_cached(fingerprint: str, size: int) -> tuple[str | None, str | None]:
    """Return (key, cached JSON), or (None, None) when Redis is unreachable,
    in which case the search runs uncached."""
    if get_settings().search_cache_ttl <= 0:
        return None, None
    try:
        redis = get_redis()
        generation = redis.get(GENERATION_KEY) or "0"
        key = cache_key(generation, fingerprint, size)
        cached = redis.get(key)
        SEARCH_CACHE_LOOKUPS.labels("hit" if cached else "miss").inc()
        return key, cached
    except RedisError as error:
        _outage_log.warning("read", "search cache read failed, serving uncached: %s", error)
        return None, None


def store_cached(key: str, payload: str) -> None:
    try:
        get_redis().set(key, payload, ex=get_settings().search_cache_ttl)
    except RedisError as error:
        _outage_log.warning("write", "search cache write failed for %s: %s", key, error)
