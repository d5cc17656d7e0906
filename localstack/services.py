"""The local-stack service interface, and the PostgreSQL and Redis services.

Each service lives in its own folder under `settings.stack_dir`, listens on
127.0.0.1 only and keeps its data, logs and PID file in that folder. `start()`
only launches a service, and the caller polls `is_healthy()` until it is ready.
Elasticsearch lives in `localstack.elasticsearch_node`.
"""

import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from core.settings import Settings
from localstack.system import (
    SERVICE_USER,
    StackError,
    apt_install,
    as_service_user,
    is_process_running,
    make_service_dir,
    read_pid,
    run,
    tail,
    terminate,
    wait_for_exit,
    write_service_file,
)

logger = logging.getLogger(__name__)

POSTGRES_BIN_DIR = Path("/usr/lib/postgresql/15/bin")
# Databases created in the PostgreSQL instance, all owned by the service user:
# the application database from DATABASE_URL's default and the test database.
POSTGRES_DATABASES = ("odyssey", "odyssey_test")
REDIS_SERVER = Path("/usr/bin/redis-server")


@dataclass(frozen=True)
class ServiceStatus:
    name: str
    port: int
    pid: int | None
    healthy: bool
    log_file: Path

    @property
    def running(self) -> bool:
        return self.pid is not None


class Service(ABC):
    """A server process of the local stack."""

    name: str
    port: int
    log_file: Path
    # A substring of the process command line, to tell our process from another
    # program that reuses its PID.
    process_marker: str

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def install(self) -> None:
        """Install binaries and initialise data, unless that is already done."""

    @abstractmethod
    def start(self) -> None:
        """Launch the server without waiting until it is healthy."""

    @abstractmethod
    def stop(self) -> None:
        """Stop the server cleanly and wait until its process has exited."""

    @abstractmethod
    def is_healthy(self) -> bool:
        """Return True if a health request to the server on its port succeeds."""

    @abstractmethod
    def pid_file(self) -> Path: ...

    def pid(self) -> int | None:
        """Return the server's PID if it is running, else None."""
        pid = read_pid(self.pid_file())
        if pid is None or not is_process_running(pid, self.process_marker):
            return None
        return pid

    def has_failed_to_start(self) -> bool:
        """Return True once a launched server has exited without becoming healthy."""
        return self.pid() is None

    def diagnostic_logs(self) -> list[Path]:
        """Return the log files to show when the server fails to start."""
        return [self.log_file]

    def after_healthy(self) -> None:
        """Create the objects the server must contain. `up` calls it every time."""

    def status(self) -> ServiceStatus:
        pid = self.pid()
        return ServiceStatus(
            name=self.name,
            port=self.port,
            pid=pid,
            healthy=pid is not None and self.is_healthy(),
            log_file=self.log_file,
        )


class Postgres(Service):
    """PostgreSQL 15 from Debian's packages, in its own cluster.

    The cluster keeps fsync on, so a crash does not corrupt it, but turns
    synchronous_commit off. A crash may then lose the commits of the last
    600 ms (three times wal_writer_delay, per the PostgreSQL 15 manual), which
    a development and test database can afford.
    """

    name = "postgres"
    process_marker = "postgres"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.port = settings.postgres_port
        self.home = settings.stack_dir / "postgres"
        self.data_dir = self.home / "data"
        self.socket_dir = self.home / "run"
        self.log_file = self.home / "log" / "postgres.log"

    def pid_file(self) -> Path:
        return self.data_dir / "postmaster.pid"

    def install(self) -> None:
        if not (POSTGRES_BIN_DIR / "initdb").exists():
            apt_install(["postgresql-15"])
        make_service_dir(self.home)
        make_service_dir(self.socket_dir)
        make_service_dir(self.log_file.parent)
        if (self.data_dir / "PG_VERSION").exists():
            return

        # initdb writes into a scratch folder that is renamed when complete, so
        # an interrupted run leaves no half-initialised data folder behind.
        scratch = self.home / "data.initdb"
        if scratch.exists():
            run(["rm", "-rf", str(scratch)])
        make_service_dir(scratch, mode=0o700)
        logger.info("Initialising PostgreSQL cluster in %s", self.data_dir)
        run(
            as_service_user(
                [
                    str(POSTGRES_BIN_DIR / "initdb"),
                    f"--pgdata={scratch}",
                    f"--username={SERVICE_USER}",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                    "--auth=trust",
                ]
            ),
            cwd=self.home,
        )
        with (scratch / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\ninclude_if_exists = 'odyssey.conf'\n")
        scratch.rename(self.data_dir)

    def start(self) -> None:
        self._write_config()
        logger.info("Starting PostgreSQL on 127.0.0.1:%d", self.port)
        # pg_ctl -w returns once the server accepts connections, which takes
        # about a second, so PostgreSQL needs no separate launch check.
        run(
            as_service_user(
                [
                    str(POSTGRES_BIN_DIR / "pg_ctl"),
                    "start",
                    f"--pgdata={self.data_dir}",
                    f"--log={self.log_file}",
                    "--wait",
                    f"--timeout={int(self.settings.stack_start_timeout)}",
                ]
            ),
            cwd=self.home,
            timeout=self.settings.stack_start_timeout + 10,
        )

    def _write_config(self) -> None:
        # Both files are rewritten on every start, so a changed port setting or
        # a hand edit never survives a restart.
        write_service_file(
            self.data_dir / "odyssey.conf",
            "# Written by localstack on every start; edits are overwritten.\n"
            "listen_addresses = '127.0.0.1'\n"
            f"port = {self.port}\n"
            f"unix_socket_directories = '{self.socket_dir}'\n"
            "synchronous_commit = off\n"
            "timezone = 'UTC'\n"
            "log_timezone = 'UTC'\n",
            mode=0o600,
        )
        write_service_file(
            self.data_dir / "pg_hba.conf",
            "# Written by localstack on every start; edits are overwritten.\n"
            "# TYPE  DATABASE  USER     ADDRESS       METHOD\n"
            f"local   all       {SERVICE_USER}                trust\n"
            f"host    all       {SERVICE_USER}  127.0.0.1/32  trust\n",
            mode=0o600,
        )

    def stop(self) -> None:
        if self.pid() is None:
            return
        logger.info("Stopping PostgreSQL")
        run(
            as_service_user(
                [
                    str(POSTGRES_BIN_DIR / "pg_ctl"),
                    "stop",
                    f"--pgdata={self.data_dir}",
                    "--mode=fast",
                    "--wait",
                    f"--timeout={int(self.settings.stack_stop_timeout)}",
                ]
            ),
            cwd=self.home,
            timeout=self.settings.stack_stop_timeout + 10,
        )

    def _connect(self, dbname: str) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SERVICE_USER,
            dbname=dbname,
            connect_timeout=2,
            autocommit=True,
        )

    def is_healthy(self) -> bool:
        try:
            with self._connect("postgres") as connection:
                connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def after_healthy(self) -> None:
        with self._connect("postgres") as connection:
            for database in POSTGRES_DATABASES:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
                ).fetchone()
                if exists:
                    continue
                logger.info("Creating database %s", database)
                connection.execute(
                    f'CREATE DATABASE "{database}" OWNER "{SERVICE_USER}"'
                )


class Redis(Service):
    """Redis from Debian's redis-server package, with append-only persistence."""

    name = "redis"
    process_marker = "redis-server"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.port = settings.redis_port
        self.home = settings.stack_dir / "redis"
        self.data_dir = self.home / "data"
        self.config_file = self.home / "redis.conf"
        self.log_file = self.home / "redis.log"

    def pid_file(self) -> Path:
        return self.home / "redis.pid"

    def install(self) -> None:
        if not REDIS_SERVER.exists():
            apt_install(["redis-server"])
        make_service_dir(self.home)
        make_service_dir(self.data_dir, mode=0o700)

    def start(self) -> None:
        write_service_file(
            self.config_file,
            "# Written by localstack on every start; edits are overwritten.\n"
            "bind 127.0.0.1\n"
            f"port {self.port}\n"
            "protected-mode yes\n"
            "daemonize yes\n"
            f'pidfile "{self.pid_file()}"\n'
            f'logfile "{self.log_file}"\n'
            f'dir "{self.data_dir}"\n'
            "appendonly yes\n"
            "appendfsync everysec\n"
            "save 3600 1 300 100 60 10000\n",
        )
        logger.info("Starting Redis on 127.0.0.1:%d", self.port)
        self.pid_file().unlink(missing_ok=True)
        run(as_service_user([str(REDIS_SERVER), str(self.config_file)]), cwd=self.home)
        # redis-server returns as soon as it has forked, and the daemon writes
        # its PID file a moment later.
        for _ in range(50):
            if self.pid() is not None:
                return
            time.sleep(0.1)
        raise StackError(
            f"Redis exited during startup. Read {self.log_file}:\n{tail(self.log_file)}"
        )

    def _client(self) -> redis.Redis:
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            socket_timeout=2,
            socket_connect_timeout=2,
            # redis-py retries with backoff by default, which turns the closed
            # connection after SHUTDOWN into a 4 s delay.
            retry=Retry(NoBackoff(), 0),
        )

    def stop(self) -> None:
        pid = self.pid()
        if pid is None:
            return
        logger.info("Stopping Redis")
        try:
            # SHUTDOWN writes the final snapshot before the server exits.
            self._client().shutdown()
        except redis.RedisError as error:
            logger.warning("Redis SHUTDOWN failed (%s); sending SIGTERM", error)
        if wait_for_exit(pid, self.process_marker, self.settings.stack_stop_timeout):
            return
        terminate(pid, self.process_marker, self.settings.stack_stop_timeout, "Redis")

    def is_healthy(self) -> bool:
        try:
            return bool(self._client().ping())
        except redis.RedisError:
            return False
