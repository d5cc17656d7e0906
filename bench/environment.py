"""An isolated database, Redis database and index prefix for benchmarks.

Benchmarks run against the local stack like the demo, but on their own
database `odyssey_bench`, Redis database 2 and index prefix, so they neither
read nor disturb demo or test data.
"""

import os

_POSTGRES_PORT = os.environ.get("ODYSSEY_POSTGRES_PORT", "55432")
_REDIS_PORT = os.environ.get("ODYSSEY_REDIS_PORT", "56379")
BENCH_ENV = {
    "DATABASE_URL": f"postgresql+psycopg://odyssey@127.0.0.1:{_POSTGRES_PORT}/odyssey_bench",
    "REDIS_URL": f"redis://127.0.0.1:{_REDIS_PORT}/2",
    "ODYSSEY_INDEX_PREFIX": "odyssey-bench",
    "LOG_LEVEL": "WARNING",
}


def use_bench_environment() -> dict[str, str]:
    """Set the benchmark settings for this process and return them for children."""
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    return {key: os.environ[key] for key in BENCH_ENV}


def reset_bench_state() -> None:
    """Create or empty the benchmark database, Redis database and indices."""
    from sqlalchemy import text

    from core.database import create_database_if_missing, get_engine
    from core.elastic import get_elasticsearch
    from core.migrations import upgrade_database
    from core.redis_client import get_redis
    from core.settings import get_settings

    settings = get_settings()
    create_database_if_missing(settings.database_url)
    with get_engine().begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database()
    get_redis().flushdb()
    get_elasticsearch().indices.delete(
        index=f"{settings.index_prefix}-*", ignore_unavailable=True, allow_no_indices=True
    )
