"""Bring the local stack up, down, or report its status.

`up` is idempotent: it installs what is missing, starts only the services that
are not running and waits until all of them are healthy. A file lock in the
stack folder keeps two `up` or `down` runs from interleaving.
"""

import fcntl
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.settings import Settings, get_settings
from localstack.elasticsearch_node import Elasticsearch
from localstack.services import Postgres, Redis, Service, ServiceStatus
from localstack.system import (
    StackError,
    ensure_service_user,
    is_port_in_use,
    make_reachable,
    run,
    tail,
)

logger = logging.getLogger(__name__)

# npm packages that the fake GitHub server reads its schema and webhook
# payloads from, pinned to exact versions so every machine gets the same files.
NPM_PACKAGES = {
    "@octokit/graphql-schema": "15.26.1",
    "@octokit/webhooks-examples": "7.6.1",
}
HEALTH_POLL_INTERVAL = 0.5


def services(settings: Settings | None = None) -> list[Service]:
    """Return the stack's services in start order. `down` stops them in reverse."""
    settings = settings or get_settings()
    # Elasticsearch starts first because it takes longest, and its launcher
    # runs in the background while the other two start.
    return [Elasticsearch(settings), Postgres(settings), Redis(settings)]


def up() -> list[ServiceStatus]:
    """Install, start and wait for every service, then return their statuses."""
    settings = get_settings()
    started = time.monotonic()
    with _stack_lock(settings):
        ensure_service_user()
        make_reachable(settings.stack_dir)
        install_npm_packages(settings)
        stack = services(settings)
        for service in stack:
            service.install()
        for service in stack:
            _start_unless_running(service)
        _wait_until_healthy(stack, settings.stack_start_timeout)
        for service in stack:
            service.after_healthy()
    logger.info("Local stack is up (%.1f s)", time.monotonic() - started)
    return status()


def down() -> None:
    """Stop every running service, waiting for each process to exit."""
    settings = get_settings()
    with _stack_lock(settings):
        for service in reversed(services(settings)):
            service.stop()
    logger.info("Local stack is down")


def stop(name: str) -> None:
    """Stop one service by name. The next `up` starts it again."""
    settings = get_settings()
    with _stack_lock(settings):
        _service_named(name, settings).stop()


def start(name: str) -> ServiceStatus:
    """Start one stopped service by name and wait until it is healthy.

    A running service is left as it is. Unlike `up`, nothing is installed, so
    this is for bringing back a service that `stop` stopped.
    """
    settings = get_settings()
    with _stack_lock(settings):
        service = _service_named(name, settings)
        _start_unless_running(service)
        _wait_until_healthy([service], settings.stack_start_timeout)
        service.after_healthy()
    return service.status()


def status() -> list[ServiceStatus]:
    return [service.status() for service in services()]


def format_status(statuses: list[ServiceStatus]) -> str:
    """Format one line per service: name, port, running state, health, PID."""
    lines = []
    for entry in statuses:
        state = "running" if entry.running else "stopped"
        health = "healthy" if entry.healthy else "unhealthy"
        pid = f"pid {entry.pid}" if entry.pid is not None else "-"
        lines.append(f"{entry.name:<14} {entry.port:>5}  {state:<8} {health:<9} {pid}")
    return "\n".join(lines)


def install_npm_packages(settings: Settings) -> None:
    """Install the pinned npm packages under the stack folder if any is missing
    or has another version."""
    prefix = settings.stack_dir / "npm"
    if all(
        _installed_npm_version(prefix, package) == version
        for package, version in NPM_PACKAGES.items()
    ):
        return
    prefix.mkdir(parents=True, exist_ok=True)
    specs = [f"{package}@{version}" for package, version in NPM_PACKAGES.items()]
    logger.info("Installing npm packages: %s", " ".join(specs))
    run(
        ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", *specs],
        timeout=600.0,
    )


def _installed_npm_version(prefix: Path, package: str) -> str | None:
    manifest = prefix / "node_modules" / package / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return None


def _service_named(name: str, settings: Settings) -> Service:
    for service in services(settings):
        if service.name == name:
            return service
    names = ", ".join(service.name for service in services(settings))
    raise StackError(f"Invalid service name {name!r}. Use one of: {names}")


def _start_unless_running(service: Service) -> None:
    pid = service.pid()
    if pid is not None:
        logger.info("%s is already running (pid %d)", service.name, pid)
        return
    if is_port_in_use(service.port):
        raise StackError(
            f"{service.name} is not running, but another process listens on "
            f"127.0.0.1:{service.port}. Stop that process (see `ss -ltnp`) or set "
            f"ODYSSEY_{service.name.upper()}_PORT to a free port."
        )
    service.start()


def _wait_until_healthy(stack: list[Service], timeout: float) -> None:
    """Poll every service until all are healthy. If one exits or `timeout`
    seconds pass, raise StackError with the service name and its log tails."""
    deadline = time.monotonic() + timeout
    waiting = list(stack)
    while waiting:
        for service in list(waiting):
            if service.is_healthy():
                logger.info("%s is healthy on port %d", service.name, service.port)
                waiting.remove(service)
            elif service.has_failed_to_start():
                raise StackError(
                    f"{service.name} exited during startup.\n{_log_tails(service)}"
                )
        if not waiting:
            return
        if time.monotonic() >= deadline:
            service = waiting[0]
            raise StackError(
                f"{service.name} did not become healthy within {timeout:.0f} s. "
                f"Raise ODYSSEY_STACK_START_TIMEOUT if the machine is slow.\n"
                f"{_log_tails(service)}"
            )
        time.sleep(HEALTH_POLL_INTERVAL)


def _log_tails(service: Service) -> str:
    parts = [f"Read {path}:\n{tail(path)}" for path in service.diagnostic_logs()]
    return "\n".join(parts)


@contextmanager
def _stack_lock(settings: Settings) -> Iterator[None]:
    settings.stack_dir.mkdir(parents=True, exist_ok=True)
    settings.stack_dir.chmod(0o755)
    with (settings.stack_dir / "stack.lock").open("w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)
