"""CPU seconds spent by each part of the pipeline during a benchmark.

The parts share one machine, so a rate limited by CPU is explained by where
the CPU went: the benchmark's own children (the local GitHub, the workers,
the API) and the servers of this stack, each by process tree. `other` is
whatever else kept the cores busy, such as other people's jobs or stacks.
"""

import psutil

from core.settings import get_settings

from bench.memory import PeriodicSampler

STACK_SERVERS = ("postgres", "redis", "elasticsearch")


def stack_server_pids() -> dict[str, int]:
    """The main process of each server of this stack (the one in the settings'
    stack folder and ports), so servers of other stacks on the machine are
    not counted."""
    settings = get_settings()
    stack_dir = str(settings.stack_dir)
    redis_address = f"127.0.0.1:{settings.redis_port}"
    found: dict[str, int] = {}
    for process in psutil.process_iter(["name", "cmdline"]):
        command = " ".join(process.info["cmdline"] or ())
        if process.info["name"] == "postgres" and f"-D {stack_dir}/" in command:
            found["postgres"] = process.pid
        elif process.info["name"] == "redis-server" and redis_address in command:
            found["redis"] = process.pid
        elif process.info["name"] == "java" and stack_dir in command:
            found["elasticsearch"] = process.pid
    return found


def _busy_seconds(times) -> float:
    return times.user + times.system


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class CpuUsage(PeriodicSampler):
    """Add up the CPU time of named process trees and of the stack's servers.

    Each process is sampled every `interval` seconds; time spent by a process
    that starts and ends between two samples is missed, and shows as `other`.
    """

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        super().__init__(interval)
        self.pids = {**pids, **stack_server_pids()}
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.machine_start = psutil.cpu_times()
        self.machine_end = self.machine_start

    def sample(self) -> None:
        members = [(name, process) for name, pid in self.pids.items() for process in _tree(pid)]
        started = bool(self.last)
        for name, process in members:
            try:
                seconds = _busy_seconds(process.cpu_times())
            except psutil.NoSuchProcess:
                continue
            key = (name, process.pid)
            # A process first seen after the start counts from zero.
            self.first.setdefault(key, seconds if not started else 0.0)
            self.last[key] = seconds
        self.machine_end = psutil.cpu_times()

    def seconds_by_part(self) -> dict[str, float]:
        parts = {name: 0.0 for name in [*self.pids, *STACK_SERVERS]}
        for key, seconds in self.last.items():
            parts[key[0]] += seconds - self.first[key]
        busy = _machine_busy(self.machine_end) - _machine_busy(self.machine_start)
        parts["other"] = max(0.0, busy - sum(parts.values()))
        return parts

    def summary(self) -> dict[str, str]:
        parts = self.seconds_by_part()
        total = sum(parts.values())
        shares = ", ".join(
            f"{name} {seconds:.1f} s ({seconds / total:.0%})" for name, seconds in parts.items()
        ) if total else "none"
        return {"cpu_seconds": f"{total:.1f} s busy: {shares}"}


def _machine_busy(times) -> float:
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)
