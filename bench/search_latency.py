"""Latency of faceted searches through the HTTP API at several client counts.

Usage: python -m bench.search_latency [--searches N] [--api-workers W]
       [--clients 1 8 32] [--port P]

Run after bench.indexing_throughput, which loads the benchmark index. Starts
the API with W uvicorn workers on 127.0.0.1, first with the Redis cache off
(SEARCH_CACHE_TTL=0), then on. In each mode it sends N distinct faceted searches
once to warm up (and, with the cache on, to fill it), then, for each client
count, sends the N searches again spread over that many concurrent
connections. It prints p50, p95 and p99 of the client-side latency, the
throughput, and the peak RSS of the API processes.
"""

import argparse
import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.environment import use_bench_environment

CHILD_ENV = use_bench_environment()

from bench.cpu import CpuUsage  # noqa: E402
from bench.memory import PeakMemory  # noqa: E402
from cli import processes  # noqa: E402
from core.settings import get_settings  # noqa: E402

DEFAULT_API_PORT = 58100
WORDS = ["docs", "typo", "test", "error", "add", "fix", "readme", "parser", "support", "update"]
SORTS = ["relevance", "newest", "updated"]


def build_queries(facets: dict[str, list[str]], count: int, seed: int = 3) -> list[list[tuple[str, str]]]:
    """Distinct search parameter lists: a word half the time, one or two facets."""
    rng = random.Random(seed)
    queries: list[list[tuple[str, str]]] = []
    seen: set[tuple] = set()
    names = [name for name, values in facets.items() if values]
    for _ in range(count * 20):
        if len(queries) == count:
            break
        params: list[tuple[str, str]] = [("sort", rng.choice(SORTS)), ("size", "20")]
        if rng.random() < 0.5:
            params.append(("q", rng.choice(WORDS)))
        for name in rng.sample(names, k=min(len(names), rng.randint(1, 2))):
            params.append((name, rng.choice(facets[name])))
        key = tuple(sorted(params))
        if key not in seen:
            seen.add(key)
            queries.append(params)
    return queries


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed_pass(
    base_url: str, queries: list[list[tuple[str, str]]], clients: int
) -> tuple[list[float], float]:
    """Send every query once, spread over `clients` concurrent connections; return
    the latencies in ms and the wall time in s."""

    def run_share(share: list[list[tuple[str, str]]]) -> list[float]:
        latencies = []
        with httpx.Client(base_url=base_url, timeout=30) as client:
            for params in share:
                started = time.perf_counter()
                response = client.get("/v1/search", params=params)
                latencies.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
        return latencies

    shares = [queries[index::clients] for index in range(clients)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(run_share, shares))
    return [value for result in results for value in result], time.perf_counter() - started


def report(name: str, latencies: list[float], wall: float) -> None:
    print(
        f"{name}: n={len(latencies)} p50={statistics.median(latencies):.1f} ms "
        f"p95={percentile(latencies, 0.95):.1f} ms p99={percentile(latencies, 0.99):.1f} ms "
        f"throughput={len(latencies) / wall:.0f}/s",
        flush=True,
    )


def cpu_per_search(cpu: CpuUsage, searches: int) -> str:
    """CPU milliseconds per search spent by each part, to show what saturates."""
    parts = cpu.seconds_by_part()
    return ", ".join(
        f"{name} {seconds * 1000 / searches:.1f} ms"
        for name, seconds in parts.items()
        if name in ("api", "elasticsearch", "redis", "other")
    )


def discover_facets(base_url: str) -> tuple[int, dict[str, list[str]]]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        response = client.get("/v1/search", params={"size": 1})
    first = response.json()
    if response.status_code != 200:
        message = first.get("error", {}).get("message", response.text[:200])
        raise SystemExit(f"the first search failed with status {response.status_code}: {message}")
    if first["total"] == 0:
        raise SystemExit("the benchmark index is empty; run bench.indexing_throughput first")
    facets = {
        facet["name"]: [value["value"] for value in facet["values"][:15]]
        for facet in first["facets"]
        if facet["name"] != "freshness"
    }
    return first["total"], facets


def run_mode(cached: bool, args: argparse.Namespace) -> None:
    """Start the API with the cache on or off and measure every client count."""
    env = {**CHILD_ENV, "SEARCH_CACHE_TTL": "600" if cached else "0"}
    env.update({"RATE_LIMIT_ANONYMOUS_PER_MINUTE": "0", "RATE_LIMIT_USER_PER_MINUTE": "0"})
    processes.require_free_port(args.port, "the benchmark's API", "--port")
    api = processes.spawn(
        ["-m", "cli.main", "serve", "--port", str(args.port), "--workers", str(args.api_workers)],
        get_settings().stack_dir / "logs" / "bench-api.log",
        env,
    )
    base_url = f"http://127.0.0.1:{args.port}"
    try:
        processes.wait_for_port(args.port, 60, "the API", api)
        total, facets = discover_facets(base_url)
        queries = build_queries(facets, args.searches)
        label = "cached" if cached else "uncached"
        print(f"index: {total} searchable issues; {len(queries)} distinct searches; {label}")
        # Warm-up: fills the cache in cached mode and warms every worker process.
        timed_pass(base_url, queries, 8)
        with PeakMemory({"api": api.pid}) as memory:
            for clients in args.clients:
                with CpuUsage({"api": api.pid}) as cpu:
                    latencies, wall = timed_pass(base_url, queries, clients)
                report(f"{label}, {clients} clients", latencies, wall)
                print(f"  cpu per search: {cpu_per_search(cpu, len(latencies))}", flush=True)
        for name, value in memory.summary().items():
            print(f"{label} {name}: {value}")
    finally:
        processes.stop(api)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--searches", type=int, default=400, help="distinct searches per pass")
    parser.add_argument("--api-workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_API_PORT, help="port of the API it starts on 127.0.0.1"
    )
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[1, 8, 32], help="concurrent clients"
    )
    parser.add_argument(
        "--modes", nargs="+", choices=["uncached", "cached"], default=["uncached", "cached"],
        help="run with the Redis cache off, on, or both",
    )
    args = parser.parse_args()
    for mode in args.modes:
        try:
            run_mode(mode == "cached", args)
        except processes.PortInUse as error:
            raise SystemExit(f"error: {error}") from None


if __name__ == "__main__":
    main()
