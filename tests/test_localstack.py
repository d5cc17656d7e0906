"""Tests for the local stack; they expect `python -m localstack up` to have run."""

import psycopg
import pytest

from core.settings import get_settings
from localstack.services import POSTGRES_DATABASES
from localstack.stack import format_status, status, stop, up
from localstack.system import StackError

pytestmark = pytest.mark.native_stack

SERVICE_NAMES = {"postgres", "redis", "elasticsearch"}


def test_status_reports_every_service_healthy() -> None:
    statuses = {entry.name: entry for entry in status()}

    assert set(statuses) == SERVICE_NAMES
    for name, entry in statuses.items():
        assert entry.running, f"{name} is not running; read {entry.log_file}"
        assert entry.healthy, f"{name} is not healthy; read {entry.log_file}"


def test_status_ports_match_settings() -> None:
    settings = get_settings()
    ports = {entry.name: entry.port for entry in status()}

    assert ports["postgres"] == settings.postgres_port
    assert ports["redis"] == settings.redis_port
    assert ports["elasticsearch"] == settings.elasticsearch_port


def test_second_up_keeps_pids() -> None:
    before = {entry.name: entry.pid for entry in status()}

    after_statuses = up()
    after = {entry.name: entry.pid for entry in after_statuses}

    assert None not in before.values()
    assert after == before
    assert all(entry.healthy for entry in after_statuses)


def test_up_creates_databases() -> None:
    settings = get_settings()
    with psycopg.connect(
        host="127.0.0.1",
        port=settings.postgres_port,
        user="odyssey",
        dbname="postgres",
        connect_timeout=5,
    ) as connection:
        rows = connection.execute(
            "SELECT datname, pg_get_userbyid(datdba) FROM pg_database"
        ).fetchall()
    owners: dict[str, str] = dict(rows)

    for database in POSTGRES_DATABASES:
        assert database in owners
        assert owners[database] == "odyssey"


def test_up_installs_github_schema() -> None:
    schema = get_settings().github_schema_path

    assert schema.is_file()
    assert "type Query" in schema.read_text(encoding="utf-8")


def test_format_status_one_line_per_service() -> None:
    lines = format_status(status()).splitlines()

    assert len(lines) == len(SERVICE_NAMES)
    assert {line.split()[0] for line in lines} == SERVICE_NAMES
    assert [line.split()[3] for line in lines] == ["healthy"] * len(lines)


def test_stop_then_up_restarts_redis() -> None:
    stop("redis")
    stopped = {entry.name: entry for entry in status()}

    restarted = {entry.name: entry for entry in up()}

    assert not stopped["redis"].running
    assert stopped["postgres"].running
    assert restarted["redis"].running
    assert restarted["redis"].healthy


def test_stop_unknown_service_raises() -> None:
    with pytest.raises(StackError, match="Invalid service name 'mysql'"):
        stop("mysql")
