"""Dramatiq actors that apply webhook deliveries. `indexer.tasks` imports this
module, so `odyssey worker` runs them."""

import logging
from typing import Any

import dramatiq

from core.broker import broker  # noqa: F401  (binds the actors to the Redis broker)
from indexer.write_lock import IndexLocked
from indexer.search_index import ensure_index
from webhooks import github_events, gitlab_events

logger = logging.getLogger(__name__)

MAX_RETRIES = 10


def _retry_when(retries: int, exception: Exception) -> bool:
    # A rebuild holds the index-writer lock for as long as it runs.
    return isinstance(exception, IndexLocked) or retries < MAX_RETRIES


@dramatiq.actor(retry_when=_retry_when, min_backoff=1_000, max_backoff=60_000)
def process_github_delivery(event: str, delivery_id: str, payload: dict[str, Any]) -> None:
    """Apply a GitHub `issues`, `label` or `repository` delivery."""
    ensure_index()
    github_events.apply_event(event, payload)
    logger.info("GitHub delivery %s (%s.%s) applied", delivery_id, event, payload.get("action"))


@dramatiq.actor(retry_when=_retry_when, min_backoff=1_000, max_backoff=60_000)
def process_gitlab_delivery(event: str, delivery_id: str, payload: dict[str, Any]) -> None:
    """Apply a GitLab Issue Hook delivery."""
    ensure_index()
    gitlab_events.apply_event(event, payload)
    logger.info("GitLab delivery %s (%s) applied", delivery_id, event)
