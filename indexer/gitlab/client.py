"""An httpx client for GitLab's REST API v4 with retries, rate-limit waits and
a circuit breaker per instance.

Pages come from the response headers: the `Link` header's `rel="next"` where
the server sends one (keyset pagination sends nothing else), `x-next-page`
otherwise. `x-total` is never needed, because GitLab leaves it out past
10,000 results. The `RateLimit-*` headers of every answer are kept: while
fewer requests than the reserve remain, the client waits for the reset or
stops when that is too far away. A 429 is waited out for its `Retry-After`;
5xx answers, timeouts and malformed bodies are retried with backoff.
"""

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx
import pybreaker

from core.settings import GitLabInstance, Settings, get_settings
from core.shared_metrics import record_rate_limit
from core.tls import client_tls_context
from indexer.gitlab.errors import (
    GitLabAuthError,
    GitLabNotFound,
    GitLabRateLimitExhausted,
    GitLabRequestError,
    GitLabTransientError,
)

logger = logging.getLogger(__name__)

# Seconds to wait on a 429 that came without Retry-After or RateLimit-Reset;
# GitLab.com's protected paths ask for 60.
DEFAULT_THROTTLE_WAIT = 60.0
MAX_BACKOFF = 60.0
NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')

Params = Sequence[tuple[str, str]]

_breakers: dict[str, pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(instance_name: str) -> pybreaker.CircuitBreaker:
    """The breaker shared by every client of one instance in this process, so
    all jobs of a worker stop calling an instance together while it is down."""
    with _breakers_lock:
        breaker = _breakers.get(instance_name)
        if breaker is None:
            breaker = pybreaker.CircuitBreaker(
                fail_max=5,
                reset_timeout=30,
                exclude=[
                    GitLabAuthError,
                    GitLabNotFound,
                    GitLabRequestError,
                    GitLabRateLimitExhausted,
                ],
                name=f"gitlab:{instance_name}",
            )
            _breakers[instance_name] = breaker
        return breaker


@dataclass(frozen=True)
class GitLabPage:
    items: list[dict[str, Any]]
    # Query string of the request for the next page; None on the last page.
    next_query: str | None


@dataclass
class RateLimitState:
    remaining: int | None = None
    reset_at: float | None = None  # epoch seconds

    def update(self, headers: httpx.Headers) -> None:
        remaining = _int_header(headers, "ratelimit-remaining")
        if remaining is None:
            return
        self.remaining = remaining
        reset = _int_header(headers, "ratelimit-reset")
        if reset is not None:
            self.reset_at = float(reset)
        elif "ratelimit-resettime" in headers:
            try:
                moment = parsedate_to_datetime(headers["ratelimit-resettime"])
                self.reset_at = moment.timestamp()
            except (TypeError, ValueError):
                self.reset_at = None


class GitLabClient:
    def __init__(
        self,
        instance: GitLabInstance,
        settings: Settings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        breaker: pybreaker.CircuitBreaker | None = None,
    ) -> None:
        self.instance = instance
        self.settings = settings or get_settings()
        headers = {"User-Agent": "oss-odyssey", "Accept": "application/json"}
        if instance.token:
            headers["PRIVATE-TOKEN"] = instance.token
        self._http = httpx.Client(
            base_url=f"{instance.url}/api/v4",
            headers=headers,
            timeout=self.settings.gitlab_timeout,
            transport=transport,
            verify=client_tls_context(),
        )
        self._sleep = sleep
        self._breaker = breaker or breaker_for(instance.name)
        self.rate_limit = RateLimitState()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "GitLabClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Endpoints

    def project(self, project: int | str) -> dict[str, Any]:
        """`GET /projects/:id`; `project` is the numeric id or the full path."""
        data = self.get(f"/projects/{project_ref(project)}")
        if "id" not in data:
            raise GitLabRequestError(f"GitLab {self.instance.name}: project without id")
        return data

    def project_languages(self, project_id: int) -> dict[str, float]:
        """Language name -> percentage of the repository."""
        return self.get(f"/projects/{project_id}/languages")

    def get_page(self, path: str, query: Params | str) -> GitLabPage:
        """Fetch one page of a list endpoint and find the next page's query."""
        params = parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else list(query)
        response = self._request(path, params, expect=list)
        return GitLabPage(response.json(), next_query(response, params))

    def iter_pages(self, path: str, params: Params) -> Iterator[GitLabPage]:
        query: Params | str | None = params
        while query is not None:
            page = self.get_page(path, query)
            yield page
            query = page.next_query

    def get(self, path: str, params: Params = ()) -> dict[str, Any]:
        """Fetch one JSON object."""
        return self._request(path, list(params), expect=dict).json()

    # Transport

    def _request(
        self, path: str, params: list[tuple[str, str]], *, expect: type
    ) -> httpx.Response:
        self._wait_for_budget()
        return self._breaker.call(self._request_with_retries, path, params, expect)

    def _wait_for_budget(self) -> None:
        remaining = self.rate_limit.remaining
        if remaining is None or remaining > self.settings.gitlab_rate_limit_reserve:
            return
        reset_at = self.rate_limit.reset_at or time.time() + DEFAULT_THROTTLE_WAIT
        self._wait(max(0.0, reset_at - time.time()) + 1.0, f"{remaining} requests remain")
        self.rate_limit.remaining = None

    def _wait(self, seconds: float, reason: str) -> None:
        limit = self.settings.gitlab_max_rate_limit_wait
        if seconds > limit:
            raise GitLabRateLimitExhausted(
                f"GitLab {self.instance.name} rate limit: {reason}; it resets in "
                f"{seconds:.0f} s, longer than GITLAB_MAX_RATE_LIMIT_WAIT ({limit:.0f} s)",
                time.time() + seconds,
            )
        logger.warning(
            "GitLab %s rate limit: %s; waiting %.1f s", self.instance.name, reason, seconds
        )
        self._sleep(seconds)

    def _request_with_retries(
        self, path: str, params: list[tuple[str, str]], expect: type
    ) -> httpx.Response:
        attempts = self.settings.gitlab_max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                response = self._request_once(path, params)
                # The body is parsed inside the retry loop, so a truncated
                # answer is retried and never stored.
                _check_body(response, expect)
                return response
            except _Retry as retry:
                reason = retry.reason
                if attempt == attempts:
                    raise GitLabTransientError(
                        f"GitLab {self.instance.name} {path} failed after "
                        f"{attempts} attempts: {reason}"
                    ) from None
                delay = retry.delay
                if delay is None:
                    delay = min(MAX_BACKOFF, 2.0 ** (attempt - 1))
                logger.warning(
                    "GitLab %s %s attempt %d/%d failed (%s); retrying in %.1f s",
                    self.instance.name,
                    path,
                    attempt,
                    attempts,
                    reason,
                    delay,
                )
                if retry.throttled:
                    self._wait(delay, "HTTP 429")
                else:
                    self._sleep(delay)
        raise AssertionError("unreachable")

    def _request_once(self, path: str, params: list[tuple[str, str]]) -> httpx.Response:
        try:
            response = self._http.get(path, params=params)
        except httpx.TransportError as error:
            raise _Retry(f"{type(error).__name__}: {error}") from None
        self.rate_limit.update(response.headers)
        record_rate_limit("gitlab", self.rate_limit.remaining, None)
        status = response.status_code
        if status in (401, 403):
            raise GitLabAuthError(
                f"GitLab {self.instance.name} returned HTTP {status} for {path}; "
                "check the instance's token in GITLAB_INSTANCES"
            )
        if status == 404:
            raise GitLabNotFound(f"GitLab {self.instance.name}: {path} not found")
        if status == 429:
            raise _Retry("HTTP 429", self._throttle_wait(response), throttled=True)
        if status >= 500:
            raise _Retry(f"HTTP {status}", _retry_after(response))
        if status != 200:
            raise GitLabRequestError(
                f"GitLab {self.instance.name} returned HTTP {status} for {path}: "
                f"{response.text[:200]}"
            )
        return response

    def _throttle_wait(self, response: httpx.Response) -> float:
        retry_after = _retry_after(response)
        if retry_after is not None:
            return retry_after
        reset = _int_header(response.headers, "ratelimit-reset")
        if reset is not None:
            return max(0.0, reset - time.time()) + 1.0
        return DEFAULT_THROTTLE_WAIT


class _Retry(Exception):
    def __init__(self, reason: str, delay: float | None = None, *, throttled: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.delay = delay
        self.throttled = throttled


def project_ref(project: int | str) -> str:
    """A project id for a URL path: the number, or the URL-encoded full path."""
    return str(project) if str(project).isdigit() else quote(str(project), safe="")


def next_query(response: httpx.Response, params: Params) -> str | None:
    """The query string of the next page, from `Link` or `x-next-page`.

    Only the query of the `Link` target is kept: the path and host are ours,
    so a misconfigured external URL on the server cannot send the token
    elsewhere.
    """
    link = NEXT_LINK.search(response.headers.get("link", ""))
    if link:
        return urlsplit(link.group(1)).query
    next_page = response.headers.get("x-next-page", "").strip()
    if next_page.isdigit():
        kept = [(key, value) for key, value in params if key != "page"]
        return urlencode([*kept, ("page", next_page)])
    return None


def _check_body(response: httpx.Response, expect: type) -> None:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _Retry("malformed JSON body") from None
    if not isinstance(body, expect) or (
        expect is list and not all(isinstance(item, dict) for item in body)
    ):
        raise _Retry(f"body is not a JSON {expect.__name__} of objects")


def _int_header(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        logger.warning("ignoring a Retry-After header that is not in seconds: %r", value)
        return None
