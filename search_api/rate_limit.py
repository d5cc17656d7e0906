"""Per-client request rate limits, counted in Redis so all API processes share them.

Each client gets a counter per minute (a fixed window): signed-in callers by
user id with `RATE_LIMIT_USER_PER_MINUTE`, everyone else by address with
`RATE_LIMIT_ANONYMOUS_PER_MINUTE`. A request over the limit gets 429 in the
error format with `Retry-After` set to the seconds left in the window. When
Redis is unreachable, requests pass unlimited and a warning is logged.
"""

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from fastapi.responses import JSONResponse
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import AppError, error_body
from core.redis_client import get_redis
from core.settings import get_settings

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# Probes and scrapes must keep working while a client is throttled.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# Only the API is limited. The web UI's page, scripts and styles are static
# and cheap, and counting them would spend a visitor's budget on each load
# (and show a throttled visitor a JSON error in place of the page).
LIMITED_PREFIXES = ("/v1/", "/graphql")
# At most one warning per this many seconds while Redis is unreachable.
WARNING_INTERVAL = 60.0


@dataclass(frozen=True)
class Client:
    key: str
    limit: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


def client_address(scope: Scope, headers: Headers) -> str:
    """Return the caller's address, taken from `X-Real-IP` only when the direct
    peer is a trusted proxy."""
    peer = scope["client"][0] if scope.get("client") else "unknown"
    real_ip = headers.get("x-real-ip")
    if real_ip and is_trusted_proxy(peer, get_settings().trusted_proxies):
        return real_ip.strip()
    return peer


def is_trusted_proxy(peer: str, trusted_proxies: str) -> bool:
    """Whether `peer` is one of the comma-separated addresses or networks
    (CIDR) in `trusted_proxies`; names such as `testclient` match exactly."""
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        address = None
    for entry in (item.strip() for item in trusted_proxies.split(",")):
        if not entry:
            continue
        if entry == peer:
            return True
        try:
            if address is not None and address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def identify_client(scope: Scope, headers: Headers) -> Client:
    settings = get_settings()
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        from accounts.tokens import decode_access_token

        try:
            claims = decode_access_token(token.strip())
        except AppError:
            # An invalid token is rejected by the endpoint; it is counted by address.
            pass
        else:
            return Client(f"user:{claims.user_id}", settings.rate_limit_user_per_minute)
    address = client_address(scope, headers)
    return Client(f"address:{address}", settings.rate_limit_anonymous_per_minute)


def count_request(client: Client, now: float) -> Decision:
    """Add one request to the client's window and decide whether it may pass."""
    window = int(now // WINDOW_SECONDS)
    key = f"{get_settings().index_prefix}:ratelimit:{client.key}:{window}"
    pipeline = get_redis().pipeline(transaction=True)
    pipeline.incr(key)
    pipeline.expire(key, WINDOW_SECONDS + 5)
    count, _ = pipeline.execute()
    retry_after = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
    return Decision(
        allowed=count <= client.limit,
        limit=client.limit,
        remaining=max(0, client.limit - count),
        retry_after=retry_after,
    )


def too_many_requests(decision: Decision) -> JSONResponse:
    return JSONResponse(
        error_body(
            "rate_limited",
            f"too many requests: the limit is {decision.limit} per minute; "
            f"retry in {decision.retry_after} s",
            {"limit": decision.limit, "retry_after": decision.retry_after},
        ),
        status_code=429,
        headers={
            "Retry-After": str(decision.retry_after),
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": "0",
        },
    )


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._last_warning = 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or path in EXEMPT_PATHS
            or not path.startswith(LIMITED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        client = identify_client(scope, Headers(scope=scope))
        if client.limit <= 0:
            await self.app(scope, receive, send)
            return
        try:
            # The Redis client blocks, so it runs off the event loop.
            decision = await run_in_threadpool(count_request, client, time.time())
        except RedisError as error:
            self._warn_unlimited(error)
            await self.app(scope, receive, send)
            return
        if not decision.allowed:
            await too_many_requests(decision)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _warn_unlimited(self, error: RedisError) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARNING_INTERVAL:
            self._last_warning = now
            logger.warning("rate limits are off while Redis is unreachable: %s", error)
