"""Fixtures for tests against the real local stack.

The tests need the servers started by `python -m localstack up`. They use
their own database (`odyssey_test`), Redis database 1 and index prefix, so
they can run beside the demo. Every test starts from empty tables, an empty
Redis database and no index.
"""

import os
import uuid

# Settings are read once per process, and the Dramatiq broker is built on
# import, so the test environment is set before any project module loads.
_POSTGRES_PORT = os.environ.get("ODYSSEY_POSTGRES_PORT", "55432")
_REDIS_PORT = os.environ.get("ODYSSEY_REDIS_PORT", "56379")
# Separate names let several test runs share one local stack.
TEST_DATABASE = os.environ.get("ODYSSEY_TEST_DATABASE", "odyssey_test")
TEST_REDIS_DB = os.environ.get("ODYSSEY_TEST_REDIS_DB", "1")
# The fixtures drop the schema and flush Redis, so the URLs are always built
# here: an exported DATABASE_URL or REDIS_URL of a real deployment is ignored.
if "test" not in TEST_DATABASE or TEST_REDIS_DB == "0":
    raise RuntimeError(
        f"refusing to run tests on database {TEST_DATABASE!r} and Redis database "
        f"{TEST_REDIS_DB}: the test database name must contain 'test' and the Redis "
        "database must not be 0 (the demo's)"
    )
# "native" uses the local stack on this machine (what CI runs); "testcontainers"
# starts the same servers in Docker containers (see tests/containers.py).
TEST_STACK = os.environ.get("ODYSSEY_TEST_STACK", "native")
if TEST_STACK == "testcontainers":
    from tests.containers import start_containers

    os.environ.update(start_containers(TEST_DATABASE))
elif TEST_STACK == "native":
    os.environ["DATABASE_URL"] = (
        f"postgresql+psycopg://odyssey@127.0.0.1:{_POSTGRES_PORT}/{TEST_DATABASE}"
    )
    os.environ["REDIS_URL"] = f"redis://127.0.0.1:{_REDIS_PORT}/{TEST_REDIS_DB}"
else:
    raise RuntimeError(
        f"ODYSSEY_TEST_STACK={TEST_STACK!r} is invalid; use 'native' or 'testcontainers'"
    )
os.environ["ODYSSEY_INDEX_PREFIX"] = f"odyssey-test-{uuid.uuid4().hex[:8]}"
os.environ["ODYSSEY_ADMIN_TOKEN"] = "test-admin-token"
os.environ["ODYSSEY_JWT_SECRET"] = "test-secret-" + "x" * 32
os.environ["GITHUB_TOKEN"] = "test-token"
os.environ["SEARCH_CACHE_TTL"] = "60"
# Off, so the suite is not throttled; the rate-limit tests turn it on.
os.environ["RATE_LIMIT_ANONYMOUS_PER_MINUTE"] = "0"
os.environ["RATE_LIMIT_USER_PER_MINUTE"] = "0"

from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from core.database import create_database_if_missing, get_engine  # noqa: E402
from core.elastic import get_elasticsearch  # noqa: E402
from core.migrations import upgrade_database  # noqa: E402
from core.redis_client import get_redis  # noqa: E402
from core.settings import get_settings  # noqa: E402
import accounts.models  # noqa: E402,F401  (registers the tables)
import indexer.models  # noqa: E402,F401
import tracking.models  # noqa: E402,F401
import indexer.tracked.models  # noqa: E402,F401
import indexer.sync_models  # noqa: E402,F401
import alerts.models  # noqa: E402,F401

STACK_HINT = "start the local stack first: bash localstack/bootstrap.sh"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out tests that stop and start the native stack's servers when the
    servers run in containers instead."""
    if TEST_STACK == "native":
        return
    native = [item for item in items if item.get_closest_marker("native_stack")]
    if native:
        config.hook.pytest_deselected(items=native)
        items[:] = [item for item in items if not item.get_closest_marker("native_stack")]


def _require_stack() -> None:
    settings = get_settings()
    try:
        create_database_if_missing(get_settings().database_url)
        get_redis().ping()
        get_elasticsearch().cluster.health(timeout="5s")
        with get_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 (any failure has the same fix)
        pytest.exit(
            f"the local stack is not reachable ({type(error).__name__}: {error}); "
            f"{STACK_HINT} (settings: {settings.database_url}, {settings.redis_url}, "
            f"{settings.elasticsearch_url})",
            returncode=2,
        )


@pytest.fixture(scope="session", autouse=True)
def test_stack() -> Iterator[None]:
    _require_stack()
    with get_engine().begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade_database()
    yield
    _delete_test_indices()


def _delete_test_indices() -> None:
    client = get_elasticsearch()
    prefix = get_settings().index_prefix
    client.indices.delete(index=f"{prefix}-*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture(autouse=True)
def clean_state(test_stack: None) -> Iterator[None]:
    tables = ", ".join(
        f'"{table.name}"' for table in SQLModel.metadata.sorted_tables
    )
    with get_engine().begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    get_redis().flushdb()
    _delete_test_indices()
    yield
