"""The one factory for the Redis client."""

from functools import lru_cache

from redis import Redis

from core.settings import get_settings


@lru_cache
def get_redis() -> Redis:
    return Redis.from_url(
        get_settings().redis_url,
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=5,
    )
