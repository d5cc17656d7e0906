"""An httpx client for GitHub's GraphQL API with retries, rate-limit budgeting
and a circuit breaker.

GitHub responds to a spent primary budget with HTTP 200 and a `RATE_LIMITED`
error, and a secondary rate limit with 403 or 429, often with `Retry-After`.
Both are waited out here; 5xx answers, timeouts and malformed bodies are
retried with exponential backoff. Failures that survive the retries count
against the circuit breaker, which then fails fast until GitHub recovers.
"""

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pybreaker

from core.settings import Settings, get_settings
from core.shared_metrics import record_rate_limit
from core.tls import client_tls_context
from indexer.github.errors import (
    GitHubAuthError,
    GitHubQueryError,
    GitHubTransientError,
    RateLimitExhausted,
)

logger = logging.getLogger(__name__)

# Shared by every client in the process, so all jobs of one worker stop
# calling GitHub together while it is down.
github_breaker = pybreaker.CircuitBreaker(
    fail_max=5,
    reset_timeout=30,
    exclude=[GitHubAuthError, GitHubQueryError, RateLimitExhausted],
    name="github",
)

SECONDARY_LIMIT_STATUSES = (403, 429)
# Seconds to wait on a secondary rate limit that came without Retry-After,
# as GitHub's REST documentation advises.
DEFAULT_SECONDARY_WAIT = 60.0
MAX_BACKOFF = 60.0


@dataclass
class RateLimitState:
    limit: int | None = None
    remaining: int | None = None
    reset_at: float | None = None  # epoch seconds

    def update(self, rate_limit: dict[str, Any] | None, headers: httpx.Headers) -> None:
        if rate_limit:
            self.limit = rate_limit.get("limit", self.limit)
            self.remaining = rate_limit.get("remaining", self.remaining)
            if rate_limit.get("resetAt"):
                reset = datetime.fromisoformat(rate_limit["resetAt"].replace("Z", "+00:00"))
                self.reset_at = reset.timestamp()
        elif "x-ratelimit-remaining" in headers:
            self.remaining = int(headers["x-ratelimit-remaining"])
            if "x-ratelimit-reset" in headers:
                self.reset_at = float(headers["x-ratelimit-reset"])


class GitHubClient:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        breaker: pybreaker.CircuitBreaker = github_breaker,
    ) -> None:
        self.settings = settings or get_settings()
        headers = {"User-Agent": "oss-odyssey", "Accept": "application/json"}
        if self.settings.github_token:
            headers["Authorization"] = f"bearer {self.settings.github_token}"
        self._http = httpx.Client(
            headers=headers,
            timeout=self.settings.github_timeout,
            transport=transport,
            verify=client_tls_context(),
        )
        self._sleep = sleep
        self._breaker = breaker
        self.rate_limit = RateLimitState()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "GitHubClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        allow_not_found: bool = False,
    ) -> dict[str, Any]:
        """Run one GraphQL document and return its `data`.

        With `allow_not_found`, `NOT_FOUND` errors are accepted: GitHub sends
        one per deleted node of a `nodes(ids:)` lookup, next to a null entry.
        """
        self._wait_for_budget()
        return self._breaker.call(
            self._execute_with_retries, query, variables or {}, allow_not_found
        )

    def _wait_for_budget(self) -> None:
        remaining = self.rate_limit.remaining
        if remaining is None or remaining > self.settings.github_rate_limit_reserve:
            return
        self._wait_until_reset(f"{remaining} points remain")

    def _wait_until_reset(self, reason: str) -> None:
        reset_at = self.rate_limit.reset_at or time.time() + DEFAULT_SECONDARY_WAIT
        wait = max(0.0, reset_at - time.time()) + 1.0
        if wait > self.settings.github_max_rate_limit_wait:
            raise RateLimitExhausted(
                f"GitHub rate limit: {reason}; the budget resets in {wait:.0f} s, "
                f"longer than GITHUB_MAX_RATE_LIMIT_WAIT "
                f"({self.settings.github_max_rate_limit_wait:.0f} s)",
                reset_at,
            )
        logger.warning("GitHub rate limit: %s; waiting %.1f s for the reset", reason, wait)
        self._sleep(wait)
        self.rate_limit.remaining = None

    def _execute_with_retries(
        self, query: str, variables: dict[str, Any], allow_not_found: bool
    ) -> dict[str, Any]:
        attempts = self.settings.github_max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._execute_once(query, variables, allow_not_found)
            except _Retry as retry:
                if attempt == attempts:
                    raise GitHubTransientError(
                        f"GitHub request failed after {attempts} attempts: {retry.reason}"
                    ) from None
                delay = retry.delay
                if delay is None:
                    delay = min(MAX_BACKOFF, 2.0 ** (attempt - 1))
                logger.warning(
                    "GitHub request attempt %d/%d failed (%s); retrying in %.1f s",
                    attempt,
                    attempts,
                    retry.reason,
                    delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _execute_once(
        self, query: str, variables: dict[str, Any], allow_not_found: bool
    ) -> dict[str, Any]:
        try:
            response = self._http.post(
                self.settings.github_api_url, json={"query": query, "variables": variables}
            )
        except httpx.TransportError as error:
            raise _Retry(f"{type(error).__name__}: {error}") from None

        if response.status_code == 401:
            raise GitHubAuthError(
                "GitHub rejected the token (HTTP 401); set GITHUB_TOKEN to a valid token"
            )
        if response.status_code in SECONDARY_LIMIT_STATUSES:
            raise _Retry(
                f"HTTP {response.status_code} secondary rate limit",
                self._secondary_wait(response),
            )
        if response.status_code >= 500:
            raise _Retry(f"HTTP {response.status_code}", _retry_after(response))
        if response.status_code != 200:
            raise GitHubQueryError(
                f"GitHub returned HTTP {response.status_code}: {response.text[:200]}"
            )
        try:
            payload = response.json()
        except json.JSONDecodeError:
            raise _Retry("malformed JSON body") from None
        if not isinstance(payload, dict):
            raise _Retry("response body is not a JSON object")

        data = payload.get("data") or {}
        self.rate_limit.update(data.get("rateLimit"), response.headers)
        record_rate_limit("github", self.rate_limit.remaining, self.rate_limit.limit)
        errors = payload.get("errors") or []
        if any(error.get("type") == "RATE_LIMITED" for error in errors):
            self.rate_limit.remaining = 0
            if "x-ratelimit-reset" in response.headers:
                self.rate_limit.reset_at = float(response.headers["x-ratelimit-reset"])
            self._wait_until_reset("the primary budget is spent")
            raise _Retry("primary rate limit reset", 0.0)
        if allow_not_found:
            errors = [error for error in errors if error.get("type") != "NOT_FOUND"]
        if errors:
            messages = "; ".join(str(error.get("message")) for error in errors[:3])
            raise GitHubQueryError(f"GitHub rejected the query: {messages}")
        return data

    def _secondary_wait(self, response: httpx.Response) -> float:
        retry_after = _retry_after(response)
        if retry_after is not None:
            return retry_after
        if response.headers.get("x-ratelimit-remaining") == "0":
            reset = float(response.headers.get("x-ratelimit-reset", time.time()))
            return max(0.0, reset - time.time()) + 1.0
        return DEFAULT_SECONDARY_WAIT


class _Retry(Exception):
    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        logger.warning("ignoring a Retry-After header that is not in seconds: %r", value)
        return None
