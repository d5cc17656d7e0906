"""The Dramatiq broker, set up once per process on import.

Importing this module before any actor is declared binds every actor to the
Redis broker from the settings.
"""

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import CurrentMessage

from core.settings import get_settings

# Messages held by a worker that stops sending heartbeats for this long are
# handed to another worker, so a killed worker delays its jobs by at most this.
HEARTBEAT_TIMEOUT_MS = 15_000


def build_broker() -> RedisBroker:
    settings = get_settings()
    broker = RedisBroker(
        url=settings.redis_url,
        namespace=f"{settings.index_prefix}-dramatiq",
        heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
    )
    broker.add_middleware(CurrentMessage())
    return broker


broker = build_broker()
dramatiq.set_broker(broker)


def enqueue(actor_name: str, *args: object, queue_name: str = "default") -> str:
    """Send a message to an actor by name, so callers need not import the
    worker code; return the message id."""
    message = dramatiq.Message(
        queue_name=queue_name,
        actor_name=actor_name,
        args=args,
        kwargs={},
        options={},
    )
    return broker.enqueue(message).message_id
