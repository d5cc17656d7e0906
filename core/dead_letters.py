"""The Dramatiq dead-letter queue: list and replay messages whose retries ran out.

Dramatiq's Redis broker keeps each dead-lettered message id in the sorted set
`<namespace>:<queue>.XQ` (scored by the time in ms it was dead-lettered) and
the encoded message in the hash `<namespace>:<queue>.XQ.msgs`, for the
broker's `dead_message_ttl` (7 days by default).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import dramatiq
from dramatiq.common import q_name

from core.broker import broker
from core.redis_client import get_redis

logger = logging.getLogger(__name__)

# Options the Retries middleware sets; a replayed message starts afresh.
RETRY_OPTIONS = ("retries", "traceback", "requeue_timestamp")


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    queue_name: str
    actor_name: str
    args: tuple
    retries: int
    dead_lettered_at: datetime
    # Last line of the stored traceback. NOTE: Dramatiq's Redis broker stores
    # the message as last enqueued, so this is the error of the attempt before
    # the final one. It is None when the first attempt was the final one.
    error: str | None


def _keys(queue_name: str) -> tuple[str, str]:
    xqueue = f"{broker.namespace}:{q_name(queue_name)}.XQ"
    return xqueue, f"{xqueue}.msgs"


def list_dead_letters(queue_name: str = "default", limit: int = 100) -> list[DeadLetter]:
    """Return up to `limit` dead-lettered messages of a queue, oldest first."""
    xqueue, messages = _keys(queue_name)
    redis = get_redis()
    entries = redis.zrange(xqueue, 0, limit - 1, withscores=True)
    letters = []
    for message_id, score in entries:
        encoded = redis.hget(messages, message_id)
        if encoded is None:
            continue  # expired between the two reads
        message = dramatiq.Message.decode(encoded.encode())
        traceback = message.options.get("traceback") or ""
        letters.append(
            DeadLetter(
                message_id=message_id,
                queue_name=q_name(message.queue_name),
                actor_name=message.actor_name,
                args=tuple(message.args),
                retries=int(message.options.get("retries", 0)),
                dead_lettered_at=datetime.fromtimestamp(score / 1000, timezone.utc),
                error=traceback.strip().splitlines()[-1] if traceback else None,
            )
        )
    return letters


def replay(message_ids: list[str], queue_name: str = "default") -> list[str]:
    """Enqueue dead-lettered messages again with a fresh retry count and remove
    them from the dead-letter queue; return the ids that were replayed."""
    xqueue, messages = _keys(queue_name)
    redis = get_redis()
    replayed = []
    for message_id in message_ids:
        encoded = redis.hget(messages, message_id)
        if encoded is None:
            logger.warning("dead letter %s not found in %s", message_id, xqueue)
            continue
        message = dramatiq.Message.decode(encoded.encode())
        options = {k: v for k, v in message.options.items() if k not in RETRY_OPTIONS}
        fresh = message.copy(queue_name=q_name(message.queue_name), options=options)
        # Removed before the enqueue, so a worker cannot run the replayed
        # message while it still sits in the DLQ; put back if enqueue fails.
        redis.zrem(xqueue, message_id)
        redis.hdel(messages, message_id)
        try:
            broker.enqueue(fresh)
        except Exception:
            logger.exception(
                "replaying dead letter %s (%s) failed", message_id, message.actor_name
            )
            redis.zadd(xqueue, {message_id: 0})
            redis.hset(messages, message_id, encoded)
            raise
        logger.info("replayed dead letter %s (%s)", message_id, message.actor_name)
        replayed.append(message_id)
    return replayed


def replay_all(queue_name: str = "default") -> list[str]:
    xqueue, _ = _keys(queue_name)
    return replay(list(get_redis().zrange(xqueue, 0, -1)), queue_name)
