"""Peak resident memory (RSS) of benchmark child processes, sampled in a thread.

Each child started by `cli.processes.spawn` leads its own process group (uvicorn
or Dramatiq forks its workers under it), so the sampler sums RSS over the
process and all its descendants. Pages shared between a parent and its forks
are counted once per process, so the sum overstates real memory use a little.
"""

import logging
import threading

import psutil

logger = logging.getLogger(__name__)


def tree_rss_bytes(pid: int) -> tuple[int, list[int]]:
    """Return the summed RSS of a process and its descendants, and each RSS."""
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, []
    sizes = []
    for member in members:
        try:
            sizes.append(member.memory_info().rss)
        except psutil.NoSuchProcess:
            continue
    return sum(sizes), sizes


class PeriodicSampler:
    """Call `sample` every `interval` seconds in a thread while in a `with` block."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        raise NotImplementedError


class PeakMemory(PeriodicSampler):
    """Sample the RSS of named process trees every `interval` seconds and keep peaks."""

    def __init__(self, pids: dict[str, int], interval: float = 0.5) -> None:
        super().__init__(interval)
        self.pids = pids
        self.peak_total: dict[str, int] = {name: 0 for name in pids}
        self.peak_largest: dict[str, int] = {name: 0 for name in pids}

    def sample(self) -> None:
        for name, pid in self.pids.items():
            total, sizes = tree_rss_bytes(pid)
            self.peak_total[name] = max(self.peak_total[name], total)
            self.peak_largest[name] = max(self.peak_largest[name], max(sizes, default=0))

    def summary(self) -> dict[str, str]:
        """Peak RSS per tree, in MiB: the sum over all processes and the largest one."""
        mib = 1024 * 1024
        return {
            f"{name}_peak_rss": (
                f"{self.peak_total[name] / mib:.0f} MiB in all processes, "
                f"{self.peak_largest[name] / mib:.0f} MiB in the largest"
            )
            for name in self.pids
        }
