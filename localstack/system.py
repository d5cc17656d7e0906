"""Operating-system helpers for the local stack: the service user, processes,
packages, files and verified downloads.

Every service runs as the unprivileged user `odyssey` when root starts the stack,
because PostgreSQL and Elasticsearch exit with an error when started as root. A
caller other than root runs the services as itself.
"""

import hashlib
import logging
import os
import pwd
import signal
import socket
import stat
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

logger = logging.getLogger(__name__)

SERVICE_USER = "odyssey"

_apt_lists_updated = False


class StackError(RuntimeError):
    """A local-stack step failed. The message names the step and what to do."""


def is_root() -> bool:
    return os.geteuid() == 0


def ensure_service_user() -> None:
    """Create the system user that runs the services, if root and it is missing."""
    if not is_root():
        return
    try:
        pwd.getpwnam(SERVICE_USER)
        return
    except KeyError:
        pass
    logger.info("Creating system user %s", SERVICE_USER)
    run(
        [
            "useradd",
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            SERVICE_USER,
        ]
    )


def as_service_user(command: Sequence[str]) -> list[str]:
    """Prefix `command` so that it runs as the service user when we are root."""
    if not is_root():
        return list(command)
    return [
        "setpriv",
        f"--reuid={SERVICE_USER}",
        f"--regid={SERVICE_USER}",
        "--init-groups",
        *command,
    ]


def give_to_service_user(path: Path, recursive: bool = False) -> None:
    """Change the owner of `path` to the service user. Does nothing unless root."""
    if not is_root():
        return
    if recursive:
        run(["chown", "-R", f"{SERVICE_USER}:{SERVICE_USER}", str(path)])
        return
    entry = pwd.getpwnam(SERVICE_USER)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def make_reachable(path: Path) -> None:
    """Add the execute bit for others to every parent of `path` that lacks it.
    Does nothing unless root.

    Without this, a clone under a private home folder (mode 700) hides the
    stack from the service user. The bit allows passing through a folder but
    not listing it.
    """
    if not is_root():
        return
    for parent in reversed(path.resolve().parents):
        mode = parent.stat().st_mode
        if mode & stat.S_IXOTH:
            continue
        logger.warning(
            "Adding execute permission for others to %s so user %s can reach %s",
            parent,
            SERVICE_USER,
            path,
        )
        parent.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)


def make_service_dir(path: Path, mode: int = 0o755) -> None:
    """Create `path` owned by the service user with `mode`, and check access."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    give_to_service_user(path)
    if not is_root():
        return
    probe = subprocess.run(as_service_user(["test", "-w", str(path)]), check=False)
    if probe.returncode != 0:
        raise StackError(
            f"User {SERVICE_USER} cannot write to {path}. Check that every parent "
            "folder has the execute bit for others (chmod o+x), or set "
            "ODYSSEY_STACK_DIR to another folder."
        )


def write_service_file(path: Path, text: str, mode: int = 0o644) -> None:
    """Write `text` to `path` and give the file to the service user."""
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    give_to_service_user(path)


def run(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600.0,
) -> subprocess.CompletedProcess[str]:
    """Run `command` and raise StackError with its output if it fails."""
    logger.debug("Running %s", " ".join(command))
    try:
        result = subprocess.run(
            list(command),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise StackError(
            f"Command timed out after {timeout:.0f} s: {' '.join(command)}"
        ) from error
    except FileNotFoundError as error:
        raise StackError(f"Command not found: {command[0]}") from error
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise StackError(
            f"Command failed with exit code {result.returncode}: "
            f"{' '.join(command)}\n{output}"
        )
    return result


def apt_install(packages: Sequence[str]) -> None:
    """Install Debian packages, running `apt-get update` once per process."""
    global _apt_lists_updated
    if not is_root():
        raise StackError(
            f"Missing Debian packages {', '.join(packages)}. Run "
            f"`apt-get install {' '.join(packages)}` as root, or run "
            "localstack/bootstrap.sh as root."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_lists_updated:
        logger.info("Running apt-get update")
        run(["apt-get", "update"], env=env)
        _apt_lists_updated = True
    logger.info("Installing Debian packages: %s", " ".join(packages))
    run(
        ["apt-get", "install", "-y", "--no-install-recommends", *packages],
        env=env,
        timeout=1200.0,
    )


def read_pid(pid_file: Path) -> int | None:
    """Return the PID on the first line of `pid_file`, or None if unreadable."""
    try:
        first_line = pid_file.read_text(encoding="ascii").splitlines()[0]
        return int(first_line.strip())
    except (OSError, IndexError, ValueError):
        return None


def is_process_running(pid: int, command_part: str) -> bool:
    """Check that `pid` is alive, not a zombie, and its command line contains
    `command_part`, so a PID reused by another program does not count."""
    proc = Path("/proc") / str(pid)
    try:
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        # The state is the first field after the parenthesised command name.
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z" and command_part in cmdline


def wait_for_exit(pid: int, command_part: str, timeout: float) -> bool:
    """Poll every 0.2 s until `pid` exits. Return False if it outlives `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_process_running(pid, command_part):
            return True
        time.sleep(0.2)
    return not is_process_running(pid, command_part)


def terminate(pid: int, command_part: str, timeout: float, name: str) -> None:
    """Send SIGTERM to `pid`, wait up to `timeout` s, then send SIGKILL."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if wait_for_exit(pid, command_part, timeout):
        return
    logger.warning(
        "%s (pid %d) still running %.0f s after SIGTERM, sending SIGKILL",
        name,
        pid,
        timeout,
    )
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    wait_for_exit(pid, command_part, 10.0)


def is_port_in_use(port: int) -> bool:
    """Return True if something accepts TCP connections on 127.0.0.1:`port`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def tail(path: Path, lines: int = 20) -> str:
    """Return the last `lines` lines of a log file, or a note if it is missing."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f"({path} does not exist yet)"
    return "\n".join(text.splitlines()[-lines:])


def download_verified(url: str, destination: Path, sha512: str) -> None:
    """Download `url` to `destination` unless a copy with SHA-512 `sha512` is
    already there, and raise StackError if the download has another digest."""
    if destination.exists():
        if _sha512_of(destination) == sha512:
            return
        logger.warning(
            "Cached %s has an unexpected SHA-512, downloading it again", destination
        )
    try:
        _download(url, destination, sha512)
    except httpx.HTTPError as error:
        raise StackError(
            f"Download of {url} failed: {error}. Check access to the Maven "
            "repository, or set ODYSSEY_MAVEN_REPOSITORY_URL to a mirror."
        ) from error


def _download(url: str, destination: Path, sha512: str) -> None:
    # The download goes to a .part file that is renamed once verified, so an
    # interrupted run never leaves a truncated file under the final name.
    partial = destination.with_name(destination.name + ".part")
    digest = hashlib.sha512()
    logger.info("Downloading %s", url)
    started = time.monotonic()
    with httpx.stream("GET", url, follow_redirects=True, timeout=60.0) as response:
        response.raise_for_status()
        with partial.open("wb") as output:
            for chunk in response.iter_bytes(chunk_size=1 << 20):
                output.write(chunk)
                digest.update(chunk)
    if digest.hexdigest() != sha512:
        partial.unlink()
        raise StackError(
            f"Download of {url} has SHA-512 {digest.hexdigest()}, expected {sha512}. "
            "Run the command again; if it fails again, the repository is serving "
            "a different file."
        )
    partial.replace(destination)
    logger.info(
        "Downloaded %s (%.1f MB) in %.1f s",
        destination.name,
        destination.stat().st_size / 1e6,
        time.monotonic() - started,
    )


def _sha512_of(path: Path) -> str:
    digest = hashlib.sha512()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
