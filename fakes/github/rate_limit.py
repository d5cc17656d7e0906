"""The primary GraphQL rate limit: a point budget per fixed window.

Like GitHub, the window starts with the first request after the previous one
ended and lasts an hour by default. Unlike GitHub, every executed query costs
exactly one point (GitHub's cost is the estimated number of sub-requests divided
by 100, at least 1), and one budget is shared by all tokens.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_LIMIT = 5000
DEFAULT_WINDOW_SECONDS = 3600
QUERY_COST = 1


@dataclass(frozen=True, slots=True)
class RateLimitSnapshot:
    """The budget after one request, as reported by rateLimit and headers."""

    limit: int
    remaining: int
    used: int
    cost: int
    reset_at: float

    @property
    def reset_at_iso(self) -> str:
        return datetime.fromtimestamp(self.reset_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def headers(self) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-used": str(self.used),
            "x-ratelimit-reset": str(int(self.reset_at)),
            "x-ratelimit-resource": "graphql",
        }


class RateLimiter:
    """A thread-safe point budget, where `clock` returns epoch seconds."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        *,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ):
        if limit < 0:
            raise ValueError(f"rate limit must be non-negative, got {limit}")
        self._lock = threading.Lock()
        self._clock = clock
        self.limit = limit
        self.window_seconds = window_seconds
        self._used = 0
        self._window_end: float | None = None

    def _roll_window(self) -> float:
        now = self._clock()
        if self._window_end is None or now >= self._window_end:
            self._window_end = now + self.window_seconds
            self._used = 0
        return self._window_end

    def _snapshot(self, cost: int) -> RateLimitSnapshot:
        window_end = self._roll_window()
        return RateLimitSnapshot(
            limit=self.limit,
            remaining=max(0, self.limit - self._used),
            used=self._used,
            cost=cost,
            reset_at=window_end,
        )

    def peek(self) -> RateLimitSnapshot:
        """Return the current budget without charging it."""
        with self._lock:
            return self._snapshot(0)

    def try_charge(self, cost: int = QUERY_COST) -> tuple[bool, RateLimitSnapshot]:
        """Charge `cost` points if they remain, and return success and the budget."""
        with self._lock:
            self._roll_window()
            if self.limit - self._used < cost:
                return False, self._snapshot(0)
            self._used += cost
            return True, self._snapshot(cost)

    def set_remaining(self, remaining: int) -> None:
        """Set the points left in the current window, for example 0 to exhaust it."""
        with self._lock:
            self._roll_window()
            self._used = max(0, self.limit - remaining)

    def reset(self, limit: int | None = None) -> None:
        """Start a fresh window on the next request, optionally with a new limit."""
        with self._lock:
            if limit is not None:
                self.limit = limit
            self._used = 0
            self._window_end = None
