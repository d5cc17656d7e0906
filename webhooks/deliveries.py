"""Acceptance of verified deliveries: de-duplication by delivery id, then
enqueueing for a worker. A delivery id is remembered in Redis for
`webhook_dedupe_ttl` seconds; GitHub and GitLab retry with the same id."""

import logging

from core.broker import enqueue
from core.redis_client import get_redis
from core.settings import get_settings

logger = logging.getLogger(__name__)

DELIVERY_KEY = "webhook:delivery:{provider}:{delivery_id}"


def accept(provider: str, delivery_id: str, actor_name: str, *args: object) -> bool:
    """Enqueue a delivery unless its id was accepted before; return whether it
    was enqueued."""
    key = DELIVERY_KEY.format(provider=provider, delivery_id=delivery_id)
    redis = get_redis()
    if not redis.set(key, "1", nx=True, ex=get_settings().webhook_dedupe_ttl):
        logger.info("%s delivery %s is a duplicate; ignored", provider, delivery_id)
        return False
    try:
        enqueue(actor_name, *args)
    except Exception:
        # Forget the id, so the sender's retry of this delivery is accepted.
        redis.delete(key)
        raise
    logger.info("%s delivery %s enqueued for %s", provider, delivery_id, actor_name)
    return True
