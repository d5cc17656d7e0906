"""The fake GitLab's HTTP API: `/api/v4/issues`, `/api/v4/projects/:id`,
`/api/v4/projects/:id/issues` and `/api/v4/projects/:id/languages`.

Behaviour follows GitLab's API documentation: `PRIVATE-TOKEN` (or
`Authorization: Bearer`) authentication, `GET /issues` only with a token,
`labels` as AND over comma-separated names, offset pagination with `x-*`
headers and a `Link` header (no `x-total`, `x-total-pages` or `rel="last"`
past `count_limit` results), keyset pagination on project issues with
`pagination=keyset`, and `RateLimit-*` headers on every answer with 429 and
`Retry-After` once the window's budget is spent. Tests switch faults on
through `FakeGitLab.faults` (5xx, 429, malformed bodies, delays).
"""

import asyncio
import base64
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from fakes.github.faults import FaultInjector, FaultKind
from fakes.gitlab.store import (
    FakeIssue,
    FakeProject,
    GitLabStore,
    http_date,
    parse_time,
)

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# GitLab leaves out x-total, x-total-pages and rel="last" past this many results.
COUNT_LIMIT = 10_000
KEYSET_ORDERS = ("id", "created_at", "updated_at")
OFFSET_ORDERS = ("id", "created_at", "updated_at")


@dataclass
class RateLimiter:
    """A fixed window of `limit` requests per `window` seconds, like the
    throttle that sends GitLab.com's RateLimit-* headers."""

    limit: int = 600
    window: float = 60.0
    clock: Callable[[], float] = time.time
    _start: float = 0.0
    _observed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self) -> tuple[bool, dict[str, str]]:
        with self._lock:
            now = self.clock()
            if now >= self._start + self.window:
                self._start, self._observed = now, 0
            self._observed += 1
            reset = self._start + self.window
            allowed = self._observed <= self.limit
            headers = {
                "RateLimit-Name": "throttle_authenticated_api",
                "RateLimit-Limit": str(self.limit),
                "RateLimit-Observed": str(self._observed),
                "RateLimit-Remaining": str(max(0, self.limit - self._observed)),
                "RateLimit-Reset": str(int(reset + 0.999)),
                "RateLimit-ResetTime": http_date(datetime.fromtimestamp(reset, UTC)),
            }
            if not allowed:
                headers["Retry-After"] = str(max(1, int(reset - now + 0.999)))
            return allowed, headers


class FakeGitLab:
    def __init__(
        self,
        store: GitLabStore,
        *,
        tokens: list[str] | None = None,
        rate_limit: int = 600,
        rate_window: float = 60.0,
        count_limit: int = COUNT_LIMIT,
    ) -> None:
        self.store = store
        self.tokens = set(tokens if tokens is not None else ["test-gitlab-token"])
        self.rate_limiter = RateLimiter(rate_limit, rate_window)
        self.count_limit = count_limit
        self.faults = FaultInjector()
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.statuses: Counter[int] = Counter()
        self._log_lock = threading.Lock()

    def throttle(self, count: int = 1, *, retry_after: int | None = 1) -> None:
        """Answer the next `count` requests with 429 and `Retry-After`."""
        self.faults.secondary_rate_limit(count, status=429, retry_after=retry_after)

    def log(self, request: Request, status: int) -> None:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        with self._log_lock:
            self.requests.append((request.url.path, params))
            self.statuses[status] += 1


def get_fake_gitlab(app: FastAPI) -> FakeGitLab:
    return app.state.fake_gitlab


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status, headers=headers)


def create_app(store: GitLabStore | None = None, **options: Any) -> FastAPI:
    """`options` go to FakeGitLab: `tokens`, `rate_limit`, `rate_window`,
    `count_limit`."""
    fake = FakeGitLab(store or GitLabStore(), **options)
    app = FastAPI(title="fake GitLab")
    app.state.fake_gitlab = fake

    @app.middleware("http")
    async def gate(request: Request, call_next: Callable) -> Response:
        decision = fake.faults.draw()
        if decision.delay_seconds:
            await asyncio.sleep(decision.delay_seconds)
        allowed, headers = fake.rate_limiter.hit()
        response: Response
        if not allowed:
            response = error(429, "Retry later", headers)
        elif decision.fault is not None:
            response = fault_response(decision.fault.kind, decision.fault, headers)
        else:
            response = await call_next(request)
            response.headers.update(headers)
        fake.log(request, response.status_code)
        return response

    @app.get("/api/v4/issues")
    def list_issues(request: Request) -> Response:
        authenticated, rejected = authenticate(fake, request)
        if rejected:
            return rejected
        if not authenticated:
            return error(401, "401 Unauthorized")
        params = request.query_params
        pairs = fake.store.snapshot()
        if params.get("scope", "created_by_me") == "created_by_me":
            # The token's user authored none of the stored issues.
            pairs = []
        if params.get("non_archived", "true") == "true":
            pairs = [(i, p) for i, p in pairs if not p.archived]
        return list_response(fake, request, pairs, authenticated, keyset_allowed=False)

    @app.get("/api/v4/projects/{project_ref:path}/issues")
    def list_project_issues(project_ref: str, request: Request) -> Response:
        authenticated, rejected = authenticate(fake, request)
        if rejected:
            return rejected
        project = visible_project(fake, project_ref, authenticated)
        if project is None:
            return error(404, "404 Project Not Found")
        pairs = [(i, p) for i, p in fake.store.snapshot() if p.id == project.id]
        return list_response(fake, request, pairs, authenticated, keyset_allowed=True)

    @app.get("/api/v4/projects/{project_ref:path}/languages")
    def project_languages(project_ref: str, request: Request) -> Response:
        authenticated, rejected = authenticate(fake, request)
        if rejected:
            return rejected
        project = visible_project(fake, project_ref, authenticated)
        if project is None:
            return error(404, "404 Project Not Found")
        return JSONResponse(dict(project.languages))

    @app.get("/api/v4/projects/{project_ref:path}")
    def get_project(project_ref: str, request: Request) -> Response:
        authenticated, rejected = authenticate(fake, request)
        if rejected:
            return rejected
        project = visible_project(fake, project_ref, authenticated)
        if project is None:
            return error(404, "404 Project Not Found")
        return JSONResponse(project.to_json())

    return app


def fault_response(kind: FaultKind, rule: Any, headers: dict[str, str]) -> Response:
    if kind is FaultKind.SERVER_ERROR:
        return Response(
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            status_code=rule.status or 502,
            media_type="text/html",
        )
    if kind is FaultKind.SECONDARY_RATE_LIMIT:
        throttled = dict(headers, **{"RateLimit-Remaining": "0"})
        if rule.retry_after is not None:
            throttled["Retry-After"] = str(rule.retry_after)
        else:
            throttled.pop("Retry-After", None)
        return error(429, "Retry later", throttled)
    # A body cut off mid-array, as a dropped connection leaves it.
    return Response('[{"id": 1, "iid": 1, "title": "trunc', media_type="application/json")


def authenticate(fake: FakeGitLab, request: Request) -> tuple[bool, Response | None]:
    """Return (authenticated, rejection). A missing token is anonymous; a
    wrong one is refused."""
    token = request.headers.get("private-token")
    authorization = request.headers.get("authorization", "")
    if token is None and authorization.lower().startswith("bearer "):
        token = authorization[7:]
    if token is None:
        return False, None
    if token not in fake.tokens:
        return False, error(401, "401 Unauthorized")
    return True, None


def visible_project(fake: FakeGitLab, reference: str, authenticated: bool) -> FakeProject | None:
    project = fake.store.find_project(reference)
    if project is None or (project.visibility != "public" and not authenticated):
        return None
    return project


def filter_issues(
    pairs: list[tuple[FakeIssue, FakeProject]], request: Request, authenticated: bool
) -> list[tuple[FakeIssue, FakeProject]]:
    params = request.query_params
    state = params.get("state", "all")
    if state in ("opened", "closed"):
        pairs = [(i, p) for i, p in pairs if i.state == state]
    labels = params.get("labels")
    if labels:
        wanted = [name.strip() for name in labels.split(",") if name.strip()]
        if [name.lower() for name in wanted] == ["none"]:
            pairs = [(i, p) for i, p in pairs if not i.labels]
        elif [name.lower() for name in wanted] == ["any"]:
            pairs = [(i, p) for i, p in pairs if i.labels]
        else:
            # Every listed label must be on the issue: AND, whole names.
            pairs = [(i, p) for i, p in pairs if all(name in i.labels for name in wanted)]
    confidential = params.get("confidential")
    if not authenticated:
        pairs = [(i, p) for i, p in pairs if not i.confidential]
    elif confidential in ("true", "false"):
        pairs = [(i, p) for i, p in pairs if i.confidential == (confidential == "true")]
    iids = {int(value) for value in params.getlist("iids[]") if value.isdigit()}
    if iids:
        pairs = [(i, p) for i, p in pairs if i.iid in iids]
    for name, keep in (
        ("updated_after", lambda i, t: i.updated_at >= t),
        ("updated_before", lambda i, t: i.updated_at <= t),
        ("created_after", lambda i, t: i.created_at >= t),
        ("created_before", lambda i, t: i.created_at <= t),
    ):
        if params.get(name):
            moment = parse_time(params[name])
            pairs = [(i, p) for i, p in pairs if keep(i, moment)]
    return pairs


def list_response(
    fake: FakeGitLab,
    request: Request,
    pairs: list[tuple[FakeIssue, FakeProject]],
    authenticated: bool,
    *,
    keyset_allowed: bool,
) -> Response:
    params = request.query_params
    order_by = params.get("order_by", "created_at")
    sort = params.get("sort", "desc")
    if order_by not in OFFSET_ORDERS or sort not in ("asc", "desc"):
        return error(400, "order_by, sort does not have a valid value")
    try:
        per_page = min(MAX_PER_PAGE, max(1, int(params.get("per_page", DEFAULT_PER_PAGE))))
        page = max(1, int(params.get("page", 1)))
    except ValueError:
        return error(400, "page, per_page is invalid")
    pairs = filter_issues(pairs, request, authenticated)
    pairs.sort(key=lambda pair: (getattr(pair[0], order_by), pair[0].id), reverse=sort == "desc")
    if keyset_allowed and params.get("pagination") == "keyset" and order_by in KEYSET_ORDERS:
        return keyset_page(request, pairs, order_by, sort, per_page)
    return offset_page(fake, request, pairs, page, per_page)


def _link(request: Request, **changes: str) -> str:
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    query += list(changes.items())
    return f"{request.url.replace(query=urlencode(query))}"


def offset_page(
    fake: FakeGitLab,
    request: Request,
    pairs: list[tuple[FakeIssue, FakeProject]],
    page: int,
    per_page: int,
) -> Response:
    total = len(pairs)
    total_pages = max(1, -(-total // per_page))
    window = pairs[(page - 1) * per_page : page * per_page]
    has_next = page * per_page < total
    headers = {
        "x-page": str(page),
        "x-per-page": str(per_page),
        "x-prev-page": str(page - 1) if page > 1 else "",
        "x-next-page": str(page + 1) if has_next else "",
    }
    links = []
    if page > 1:
        links.append(f'<{_link(request, page=str(page - 1))}>; rel="prev"')
    if has_next:
        links.append(f'<{_link(request, page=str(page + 1))}>; rel="next"')
    links.append(f'<{_link(request, page="1")}>; rel="first"')
    if total <= fake.count_limit:
        headers["x-total"] = str(total)
        headers["x-total-pages"] = str(total_pages)
        links.append(f'<{_link(request, page=str(total_pages))}>; rel="last"')
    headers["link"] = ", ".join(links)
    return JSONResponse([issue.to_json(project) for issue, project in window], headers=headers)


def encode_cursor(issue: FakeIssue, order_by: str) -> str:
    value = getattr(issue, order_by)
    value = value.isoformat() if isinstance(value, datetime) else value
    return base64.urlsafe_b64encode(json.dumps({"id": issue.id, order_by: value}).encode()).decode()


def keyset_page(
    request: Request,
    pairs: list[tuple[FakeIssue, FakeProject]],
    order_by: str,
    sort: str,
    per_page: int,
) -> Response:
    cursor = request.query_params.get("cursor")
    if cursor:
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
            raw = data[order_by]
            after = (parse_time(raw) if order_by != "id" else int(raw), int(data["id"]))
        except (ValueError, KeyError, TypeError):
            return error(400, "cursor is invalid")
        if sort == "asc":
            pairs = [p for p in pairs if (getattr(p[0], order_by), p[0].id) > after]
        else:
            pairs = [p for p in pairs if (getattr(p[0], order_by), p[0].id) < after]
    window = pairs[:per_page]
    headers = {}
    if len(pairs) > per_page:
        next_cursor = encode_cursor(window[-1][0], order_by)
        headers["link"] = f'<{_link(request, cursor=next_cursor)}>; rel="next"'
    return JSONResponse([issue.to_json(project) for issue, project in window], headers=headers)
