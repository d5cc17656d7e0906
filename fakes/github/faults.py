"""Failures that tests switch on, and counts of the responses the fake sent.

A fault rule fires on the next `count` requests, or on a random `fraction` of
requests (seeded, so runs repeat), or both: a rule with a fraction and a count
fires on at most `count` requests. A rule with neither fires on every request
until reset. Slow rules add a delay and let the request continue, so they
combine with one other fault. Among the other rules, the first that fires wins.
"""

import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

# Upper bound for one injected delay, so a mistaken test cannot hang a run.
MAX_DELAY_SECONDS = 60.0
SERVER_ERROR_STATUSES = (500, 502, 503, 504)
SECONDARY_LIMIT_STATUSES = (403, 429)


class FaultKind(StrEnum):
    SERVER_ERROR = "server_error"
    SECONDARY_RATE_LIMIT = "secondary_rate_limit"
    SLOW = "slow"
    MALFORMED = "malformed"


@dataclass(slots=True)
class FaultRule:
    """One switched-on fault, where `remaining` is None for no count limit."""

    kind: FaultKind
    remaining: int | None = 1
    fraction: float | None = None
    status: int | None = None
    retry_after: int | None = None
    delay_seconds: float = 0.0

    def validate(self) -> None:
        if self.remaining is not None and self.remaining < 1:
            raise ValueError(f"count must be at least 1, got {self.remaining}")
        if self.fraction is not None and not 0.0 < self.fraction <= 1.0:
            raise ValueError(f"fraction must be in (0, 1], got {self.fraction}")
        if (
            self.kind is FaultKind.SERVER_ERROR
            and self.status not in SERVER_ERROR_STATUSES
        ):
            raise ValueError(
                f"server_error status must be one of {SERVER_ERROR_STATUSES}"
            )
        if (
            self.kind is FaultKind.SECONDARY_RATE_LIMIT
            and self.status not in SECONDARY_LIMIT_STATUSES
        ):
            raise ValueError(
                f"secondary_rate_limit status must be one of {SECONDARY_LIMIT_STATUSES}"
            )
        if self.retry_after is not None and self.retry_after < 0:
            raise ValueError(
                f"retry_after must be non-negative, got {self.retry_after}"
            )
        if (
            self.kind is FaultKind.SLOW
            and not 0.0 < self.delay_seconds <= MAX_DELAY_SECONDS
        ):
            raise ValueError(
                f"slow delay must be in (0, {MAX_DELAY_SECONDS}] seconds, "
                f"got {self.delay_seconds}"
            )


@dataclass(frozen=True, slots=True)
class FaultDecision:
    """The delay and the fault (if any) to apply to one request, in that order."""

    delay_seconds: float = 0.0
    fault: FaultRule | None = None


class FaultInjector:
    """A thread-safe list of fault rules, consumed as requests arrive."""

    def __init__(self, seed: int = 0):
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self._rules: list[FaultRule] = []

    def add(self, rule: FaultRule) -> FaultRule:
        rule.validate()
        with self._lock:
            self._rules.append(rule)
        return rule

    def fail_next(self, count: int = 1, *, status: int = 502) -> FaultRule:
        """Fail the next `count` requests with a 5xx status and an HTML body."""
        return self.add(FaultRule(FaultKind.SERVER_ERROR, count, status=status))

    def fail_fraction(
        self, fraction: float, *, status: int = 502, count: int | None = None
    ) -> FaultRule:
        """Fail a random `fraction` of requests with a 5xx status."""
        return self.add(
            FaultRule(FaultKind.SERVER_ERROR, count, fraction, status=status)
        )

    def secondary_rate_limit(
        self, count: int = 1, *, status: int = 403, retry_after: int | None = 60
    ) -> FaultRule:
        """Return GitHub's secondary-limit error, with no Retry-After for None."""
        return self.add(
            FaultRule(
                FaultKind.SECONDARY_RATE_LIMIT,
                count,
                status=status,
                retry_after=retry_after,
            )
        )

    def slow(self, seconds: float, count: int | None = 1) -> FaultRule:
        """Delay the next `count` requests (None: all) by `seconds` each."""
        return self.add(FaultRule(FaultKind.SLOW, count, delay_seconds=seconds))

    def malformed(self, count: int = 1) -> FaultRule:
        """Return a truncated JSON body with HTTP 200."""
        return self.add(FaultRule(FaultKind.MALFORMED, count))

    def reset(self) -> None:
        with self._lock:
            self._rules.clear()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(rule) for rule in self._rules]

    def draw(self) -> FaultDecision:
        """Decide the faults for one request and consume their counts."""
        delay = 0.0
        fault: FaultRule | None = None
        with self._lock:
            for rule in list(self._rules):
                if rule.kind is not FaultKind.SLOW and fault is not None:
                    continue
                if rule.fraction is not None and self._random.random() >= rule.fraction:
                    continue
                if rule.kind is FaultKind.SLOW:
                    delay += rule.delay_seconds
                else:
                    fault = rule
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
        return FaultDecision(min(delay, MAX_DELAY_SECONDS), fault)


class Outcome(StrEnum):
    """The kind of response the fake sent for one POST /graphql request."""

    OK = "ok"
    GRAPHQL_ERROR = "graphql_error"
    BAD_REQUEST = "bad_request"
    UNAUTHORIZED = "unauthorized"
    RATE_LIMITED = "rate_limited"
    SECONDARY_RATE_LIMITED = "secondary_rate_limited"
    SERVER_ERROR = "server_error"
    MALFORMED = "malformed"


class RequestStats:
    """Thread-safe counts of GraphQL requests, by outcome and operation name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_outcome: Counter[str] = Counter()
        self._by_operation: Counter[str] = Counter()
        self._delayed = 0

    def record(
        self, outcome: Outcome, operation: str | None = None, delayed: bool = False
    ) -> None:
        with self._lock:
            self._by_outcome[outcome.value] += 1
            if operation is not None:
                self._by_operation[operation] += 1
            if delayed:
                self._delayed += 1

    def snapshot(self) -> dict[str, Any]:
        """Return `{"total", "by_outcome", "by_operation", "delayed"}`."""
        with self._lock:
            return {
                "total": sum(self._by_outcome.values()),
                "by_outcome": dict(self._by_outcome),
                "by_operation": dict(self._by_operation),
                "delayed": self._delayed,
            }

    def reset(self) -> None:
        with self._lock:
            self._by_outcome.clear()
            self._by_operation.clear()
            self._delayed = 0
