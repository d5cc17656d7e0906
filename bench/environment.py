"""An isolated database, Redis database and index prefix for benchmarks.

Benchmarks run against the local stack like the demo, but on their own
database `odyssey_bench`, Redis database 2 and index prefix, so they neither
read nor disturb demo or test data.
"""

import os
from typing import Any


def bench_environment(
    database: str = "odyssey_bench", redis_db: int = 2, index_prefix: str = "odyssey-bench"
) -> dict[str, str]:
    """Return the settings of a benchmark's own database, Redis database and
    index prefix on the local stack's ports."""
    postgres_port = os.environ.get("ODYSSEY_POSTGRES_PORT", "55432")
    redis_port = os.environ.get("ODYSSEY_REDIS_PORT", "56379")
    return {
        "DATABASE_URL": f"postgresql+psycopg://odyssey@127.0.0.1:{postgres_port}/{database}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/{redis_db}",
        "ODYSSEY_INDEX_PREFIX": index_prefix,
    }


def use_bench_environment(**names: Any) -> dict[str, str]:
    """Set a benchmark's settings for this process and return them for children.

    The database, Redis database and index prefix replace any exported
    DATABASE_URL, REDIS_URL or ODYSSEY_INDEX_PREFIX, because benchmarks empty
    them first. `names` go to bench_environment. LOG_LEVEL defaults to
    WARNING and may be exported.
    """
    os.environ.update(bench_environment(**names))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    keys = ("DATABASE_URL", "REDIS_URL", "ODYSSEY_INDEX_PREFIX", "LOG_LEVEL")
    return {key: os.environ[key] for key in keys}


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
