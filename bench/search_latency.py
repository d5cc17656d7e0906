"""Latency of faceted searches through the HTTP API.

Usage: python -m bench.search_latency [--searches N] [--api-workers W]

Run after bench.indexing_throughput, which loads the benchmark index. Starts
the API with uvicorn on 127.0.0.1, sends N distinct faceted searches one at a
time (the first request of each is a cache miss), then the same N again (cache
hits), and prints p50, p95 and p99 of the client-side latency of each pass.
"""

import argparse
import random
import statistics
import time

import httpx

from bench.environment import use_bench_environment

CHILD_ENV = use_bench_environment()

from cli import processes  # noqa: E402
from core.settings import get_settings  # noqa: E402

API_PORT = 58100
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


def timed_pass(client: httpx.Client, queries: list[list[tuple[str, str]]]) -> list[float]:
    latencies = []
    for params in queries:
        started = time.perf_counter()
        response = client.get("/v1/search", params=params)
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return latencies


def report(name: str, latencies: list[float]) -> None:
    print(
        f"{name}: n={len(latencies)} p50={statistics.median(latencies):.1f} ms "
        f"p95={percentile(latencies, 0.95):.1f} ms p99={percentile(latencies, 0.99):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--api-workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    settings = get_settings()
    env = {**CHILD_ENV, "SEARCH_CACHE_TTL": "600"}
    api = processes.spawn(
        ["-m", "cli.main", "serve", "--port", str(API_PORT), "--workers", str(args.api_workers)],
        settings.stack_dir / "logs" / "bench-api.log",
        env,
    )
    try:
        processes.wait_for_port(API_PORT, 60, "the API")
        with httpx.Client(base_url=f"http://127.0.0.1:{API_PORT}", timeout=30) as client:
            first = client.get("/v1/search", params={"size": 1}).json()
            if first["total"] == 0:
                raise SystemExit("the benchmark index is empty; run bench.indexing_throughput first")
            facets = {
                facet["name"]: [value["value"] for value in facet["values"][:15]]
                for facet in first["facets"]
                if facet["name"] != "freshness"
            }
            queries = build_queries(facets, args.searches)
            for params in queries[:10]:  # warm up connections and JIT-compiled code
                client.get("/v1/search", params=params + [("q", "warmup")])
            print(f"index: {first['total']} searchable issues; {len(queries)} distinct searches")
            report("uncached (first request of each search)", timed_pass(client, queries))
            report("cached (same searches again)", timed_pass(client, queries))
    finally:
        processes.stop(api)


if __name__ == "__main__":
    main()
