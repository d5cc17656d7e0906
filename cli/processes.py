"""Start and stop the demo's child processes: the local GitHub, workers, API."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

logger = logging.getLogger(__name__)


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class PortInUse(RuntimeError):
    """A port that a command was about to start a server on is taken."""


def require_free_port(port: int, name: str, setting: str) -> None:
    """Raise before starting `name` on `port` when something already listens
    there, since waiting for the port would then find the wrong server."""
    if port_is_open(port):
        raise PortInUse(
            f"port {port} for {name} is already in use; stop the process on it "
            f"or choose another port with {setting}"
        )


def wait_for_port(
    port: int, timeout: float, name: str, process: subprocess.Popen | None = None
) -> None:
    """Wait until `port` accepts connections. With `process`, raise as soon as
    that process exits instead of waiting out the timeout."""
    deadline = time.monotonic() + timeout
    while not port_is_open(port):
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{name} exited with code {process.returncode} before opening port {port}; "
                "see its log"
            )
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name} did not open port {port} within {timeout:.0f} s")
        time.sleep(0.2)


def spawn(args: list[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start a Python module in its own process group, logging to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    logger.info("started %s (pid %d), log %s", " ".join(args), process.pid, log_path)
    return process


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        logger.warning("pid %d ignored SIGTERM for %.0f s; killing it", process.pid, timeout)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
