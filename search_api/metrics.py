"""`GET /metrics` for Prometheus, and the middleware that times every request.

The endpoint reports this process's request and Elasticsearch timings and
cache lookups (`core.metrics`), job outcomes, queue depths and source rate
limits stored in Redis by the workers (`core.shared_metrics`), and the size
and freshness of the index per source, read from Elasticsearch at scrape time.
"""

import logging
import time
from collections.abc import Iterator

from elasticsearch import ApiError, TransportError
from fastapi import APIRouter, Response
from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.elastic import get_elasticsearch
from core.metrics import HTTP_REQUEST_SECONDS, render_metrics
from core.shared_metrics import SharedMetricsCollector
from indexer.search_index import alias_name

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])

# Requests that match no route share one label value, so scanners probing
# random paths cannot create one time series per path.
UNMATCHED_ROUTE = "(unmatched)"


class IndexStatsCollector(Collector):
    """Report searchable issues and the newest indexing time per source."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            result = get_elasticsearch().search(
                index=alias_name(),
                size=0,
                aggs={
                    "sources": {
                        "terms": {"field": "source", "size": 50},
                        "aggs": {"newest": {"max": {"field": "indexed_at"}}},
                    }
                },
            )
        except (ApiError, TransportError) as error:
            logger.warning("reading index statistics for /metrics failed: %s", error)
            return
        issues = GaugeMetricFamily(
            "odyssey_index_issues",
            "Issues in the search index, by source.",
            labels=["source"],
        )
        newest = GaugeMetricFamily(
            "odyssey_index_last_indexed_timestamp_seconds",
            "Unix time of the most recently indexed issue, by source; "
            "time() minus this is the index's staleness.",
            labels=["source"],
        )
        for bucket in result["aggregations"]["sources"]["buckets"]:
            issues.add_metric([bucket["key"]], bucket["doc_count"])
            if bucket["newest"]["value"] is not None:
                newest.add_metric([bucket["key"]], bucket["newest"]["value"] / 1000)
        yield issues
        yield newest


def _build_scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SharedMetricsCollector())
    registry.register(IndexStatsCollector())
    return registry


SCRAPE_REGISTRY = _build_scrape_registry()


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    """Serve all metrics in the Prometheus text format."""
    body, content_type = render_metrics(SCRAPE_REGISTRY)
    return Response(content=body, media_type=content_type)


class RequestMetricsMiddleware:
    """Observe each HTTP request's duration under its route template
    (`/v1/issues/{issue_id}`, not the concrete path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED_ROUTE
            HTTP_REQUEST_SECONDS.labels(scope["method"], template, str(status)).observe(
                time.perf_counter() - started
            )
