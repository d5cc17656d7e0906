"""Metrics that worker processes store in Redis and the API's `/metrics` reports.

Dramatiq workers and the GitHub client run in other processes (often other
hosts) than the API, so their counters live in Redis hashes under the index
prefix. The API reads them at scrape time, together with the depth of each
Dramatiq queue, so one scrape target covers the whole deployment.
"""

import logging
import time
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

from core.redis_client import get_redis
from core.settings import get_settings

logger = logging.getLogger(__name__)

FIELD_SEPARATOR = "|"


def _key(name: str) -> str:
    return f"{get_settings().index_prefix}:metrics:{name}"


def broker_namespace() -> str:
    """Return the Redis key prefix of the Dramatiq broker, as set in `core.broker`."""
    return f"{get_settings().index_prefix}-dramatiq"


def record_job_outcome(actor: str, queue: str, outcome: str) -> None:
    """Count one finished message: outcome is succeeded, failed, retried or skipped."""
    field = FIELD_SEPARATOR.join((actor, queue, outcome))
    try:
        get_redis().hincrby(_key("jobs"), field, 1)
    except RedisError as error:
        logger.warning("counting job outcome %s in Redis failed: %s", field, error)


def record_queues(queue_names: set[str]) -> None:
    """Remember queue names, so the API can report their depth without
    importing the actors that declare them."""
    if not queue_names:
        return
    try:
        get_redis().sadd(_key("queues"), *sorted(queue_names))
    except RedisError as error:
        logger.warning("recording queue names in Redis failed: %s", error)


def record_rate_limit(source: str, remaining: int | None, limit: int | None) -> None:
    """Store the rate-limit points a source's API reported as remaining."""
    if remaining is None:
        return
    values: dict[str, float] = {
        f"{source}{FIELD_SEPARATOR}remaining": remaining,
        f"{source}{FIELD_SEPARATOR}updated_at": time.time(),
    }
    if limit is not None:
        values[f"{source}{FIELD_SEPARATOR}limit"] = limit
    try:
        get_redis().hset(_key("rate_limit"), mapping=values)
    except RedisError as error:
        logger.warning("storing the %s rate limit in Redis failed: %s", source, error)


class SharedMetricsCollector(Collector):
    """Report job outcomes, queue depths and API rate limits stored in Redis."""

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        try:
            redis = get_redis()
            jobs = redis.hgetall(_key("jobs"))
            rate_limit = redis.hgetall(_key("rate_limit"))
            queues = sorted(redis.smembers(_key("queues")) | {"default"})
            namespace = broker_namespace()
            depths = {
                queue: (redis.llen(f"{namespace}:{queue}"), redis.llen(f"{namespace}:{queue}.DQ"))
                for queue in queues
            }
        except RedisError as error:
            logger.warning("reading shared metrics from Redis failed: %s", error)
            return
        yield _job_family(jobs)
        yield _queue_family(depths)
        yield from _rate_limit_families(rate_limit)


def _job_family(jobs: dict[str, str]) -> CounterMetricFamily:
    family = CounterMetricFamily(
        "odyssey_jobs",
        "Dramatiq messages processed by all workers, by actor, queue and outcome.",
        labels=["actor", "queue", "outcome"],
    )
    for field, count in sorted(jobs.items()):
        parts = field.split(FIELD_SEPARATOR)
        if len(parts) == 3:
            family.add_metric(parts, float(count))
    return family


def _queue_family(depths: dict[str, tuple[int, int]]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "odyssey_queue_messages",
        "Dramatiq messages waiting in a queue (ready) or for their retry time (delayed).",
        labels=["queue", "state"],
    )
    for queue, (ready, delayed) in depths.items():
        family.add_metric([queue, "ready"], ready)
        family.add_metric([queue, "delayed"], delayed)
    return family


def _rate_limit_families(values: dict[str, str]) -> Iterator[GaugeMetricFamily]:
    remaining = GaugeMetricFamily(
        "odyssey_source_rate_limit_remaining",
        "Rate-limit points the source's API last reported as remaining.",
        labels=["source"],
    )
    limit = GaugeMetricFamily(
        "odyssey_source_rate_limit_limit",
        "Rate-limit points per window that the source's API last reported.",
        labels=["source"],
    )
    updated = GaugeMetricFamily(
        "odyssey_source_rate_limit_updated_timestamp_seconds",
        "Unix time of the last rate-limit report from the source's API.",
        labels=["source"],
    )
    families = {"remaining": remaining, "limit": limit, "updated_at": updated}
    for field, value in sorted(values.items()):
        source, _, name = field.partition(FIELD_SEPARATOR)
        if name in families:
            families[name].add_metric([source], float(value))
    yield from families.values()
