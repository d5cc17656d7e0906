"""Prometheus metrics measured in the process that serves or runs the work.

With several uvicorn workers, set `PROMETHEUS_MULTIPROC_DIR` to an empty
directory writable by all of them, so `/metrics` adds up every worker's values
(prometheus-client's multiprocess mode). Without it, each scrape reports the
one worker process that served it.
"""

import os
import shutil
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# Bucket bounds in seconds, from a cached search (a few ms) to a slow export.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUEST_SECONDS = Histogram(
    "odyssey_http_request_duration_seconds",
    "Time from request to the end of the response, by route template.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
ELASTICSEARCH_QUERY_SECONDS = Histogram(
    "odyssey_elasticsearch_query_duration_seconds",
    "Round trip of Elasticsearch requests made by the API, by operation.",
    ["operation"],
    buckets=LATENCY_BUCKETS,
)
SEARCH_CACHE_LOOKUPS = Counter(
    "odyssey_search_cache_lookups",
    "Lookups of first result pages in the Redis cache, by result (hit, miss).",
    ["result"],
)


def prepare_multiprocess_directory() -> None:
    """Empty the multiprocess directory before the API workers start, because
    files left by an earlier run would be added to the new run's values."""
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return
    path = Path(directory)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def render_metrics(extra: CollectorRegistry) -> tuple[bytes, str]:
    """Return the text exposition of this process's metrics (or every API
    worker's, in multiprocess mode) followed by those of `extra`, and its
    content type."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(extra), CONTENT_TYPE_LATEST
