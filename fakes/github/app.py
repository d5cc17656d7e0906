"""A local stand-in for api.github.com/graphql, for tests and the demo.

`POST /graphql` validates each document against GitHub's published schema and
executes it over records from a JSONL file. It sends GitHub's rate-limit
headers and error shapes. Test-control endpoints under `/_fake/` switch on
faults, add records and report request counts. The same controls are Python
methods on `get_fake_github(app)`.
"""

import asyncio
import json
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from graphql import DocumentNode, GraphQLSchema, OperationDefinitionNode
from pydantic import BaseModel

from fakes.github.faults import (
    FaultInjector,
    FaultKind,
    FaultRule,
    Outcome,
    RequestStats,
)
from fakes.github.rate_limit import DEFAULT_LIMIT, RateLimiter, RateLimitSnapshot
from fakes.github.records import IssueStore, RecordError
from fakes.github.resolvers import execute_document
from fakes.github.schema import (
    check_pagination_arguments,
    load_github_schema,
    parse_and_validate,
)

logger = logging.getLogger(__name__)

JSON_MEDIA_TYPE = "application/json; charset=utf-8"
RATE_LIMIT_DOCS_URL = "https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api"
AUTH_DOCS_URL = (
    "https://docs.github.com/graphql/guides/forming-calls-with-graphql"
    "#authenticating-with-graphql"
)
# The user id in RATE_LIMITED messages, because the fake has a single user.
FAKE_USER_ID = 1
# Number of validated request documents kept. Past it, the oldest is dropped.
VALIDATED_DOCUMENTS = 32
SERVER_ERROR_BODY = (
    "<html><head><title>{status} {reason}</title></head><body>"
    "<h1>{status} {reason}</h1><p>The fake GitHub server failed on purpose.</p>"
    "</body></html>"
)
REASONS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(slots=True)
class GraphQLReply:
    """The outcome of one GraphQL request before it becomes an HTTP response."""

    status: int
    body: dict[str, Any]
    outcome: Outcome
    rate_limit: RateLimitSnapshot | None = None
    operation: str | None = None


class FakeGitHub:
    """The state behind one app: records, rate limit, faults and counts."""

    def __init__(
        self,
        store: IssueStore,
        schema: GraphQLSchema,
        *,
        require_token: bool = True,
        valid_tokens: Collection[str] | None = None,
        rate_limiter: RateLimiter | None = None,
        faults: FaultInjector | None = None,
    ):
        self.store = store
        self.schema = schema
        self.require_token = require_token
        # None accepts any non-empty token. Otherwise tokens outside the set get
        # "Bad credentials".
        self.valid_tokens = (
            frozenset(valid_tokens) if valid_tokens is not None else None
        )
        self.rate_limiter = rate_limiter or RateLimiter()
        self.faults = faults or FaultInjector()
        self.stats = RequestStats()
        # Clients send the same few documents again and again, and validating
        # one against GitHub's schema takes about 15 ms.
        self._validated: OrderedDict[str, DocumentNode] = OrderedDict()
        self._validated_lock = threading.Lock()

    def validated_document(
        self, source: str
    ) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
        """Parse and validate `source`, remembering the last valid documents."""
        with self._validated_lock:
            document = self._validated.get(source)
        if document is not None:
            return document, []
        document, errors = parse_and_validate(self.schema, source)
        if document is not None:
            with self._validated_lock:
                self._validated[source] = document
                if len(self._validated) > VALIDATED_DOCUMENTS:
                    self._validated.popitem(last=False)
        return document, errors

    def reset(self) -> None:
        """Clear faults, counts and the rate-limit window, keeping the records."""
        self.faults.reset()
        self.stats.reset()
        self.rate_limiter.reset()

    def check_authorization(self, header: str | None) -> dict[str, Any] | None:
        """Return GitHub's 401 body when the Authorization header is not accepted."""
        if not self.require_token:
            return None
        if header is None or not header.strip():
            return {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": AUTH_DOCS_URL,
            }
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        accepted = (
            scheme.lower() in ("bearer", "token")
            and bool(token)
            and (self.valid_tokens is None or token in self.valid_tokens)
        )
        if accepted:
            return None
        return {
            "message": "Bad credentials",
            "documentation_url": "https://docs.github.com/graphql",
            "status": "401",
        }

    def handle_graphql(self, payload: Any) -> GraphQLReply:
        """Validate, rate-limit and execute one decoded request body."""
        if not isinstance(payload, Mapping) or not isinstance(
            payload.get("query"), str
        ):
            return GraphQLReply(
                200,
                {
                    "errors": [
                        {
                            "message": (
                                "A query attribute must be specified and must be a "
                                "string."
                            )
                        }
                    ]
                },
                Outcome.BAD_REQUEST,
            )
        operation = payload.get("operationName")
        operation = operation if isinstance(operation, str) else None
        variables = payload.get("variables")
        if isinstance(variables, str):
            try:
                variables = json.loads(variables) if variables.strip() else None
            except json.JSONDecodeError:
                variables = []
        if variables is not None and not isinstance(variables, Mapping):
            return GraphQLReply(
                200,
                {"errors": [{"message": "Variables must be a JSON object."}]},
                Outcome.BAD_REQUEST,
                operation=operation,
            )

        current = self.rate_limiter.peek()
        if current.remaining <= 0:
            return self._rate_limited(current, operation)

        document, errors = self.validated_document(payload["query"])
        if document is None:
            return GraphQLReply(
                200, {"errors": errors}, Outcome.GRAPHQL_ERROR, current, operation
            )
        if operation is None:
            operation = operation_name_of(document)
        errors = check_pagination_arguments(self.schema, document, variables or {})
        if errors:
            return GraphQLReply(
                200, {"errors": errors}, Outcome.GRAPHQL_ERROR, current, operation
            )

        charged, snapshot = self.rate_limiter.try_charge()
        if not charged:
            return self._rate_limited(snapshot, operation)
        body = execute_document(
            self.schema, document, self.store, snapshot, variables, operation
        )
        outcome = Outcome.GRAPHQL_ERROR if body.get("errors") else Outcome.OK
        return GraphQLReply(200, body, outcome, snapshot, operation)

    @staticmethod
    def _rate_limited(
        snapshot: RateLimitSnapshot, operation: str | None
    ) -> GraphQLReply:
        # GitHub returns HTTP 200 with this error when the primary budget is spent.
        body = {
            "errors": [
                {
                    "type": "RATE_LIMITED",
                    "message": f"API rate limit exceeded for user ID {FAKE_USER_ID}.",
                }
            ]
        }
        return GraphQLReply(200, body, Outcome.RATE_LIMITED, snapshot, operation)


def operation_name_of(document: DocumentNode) -> str | None:
    """Return the name of the document's only operation, if it has one."""
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    if len(operations) == 1 and operations[0].name is not None:
        return operations[0].name.value
    return None


def get_fake_github(app: FastAPI) -> FakeGitHub:
    """Return the state object of an app made by create_app."""
    fake = getattr(app.state, "fake_github", None)
    if not isinstance(fake, FakeGitHub):
        raise TypeError("this app was not made by fakes.github.app.create_app")
    return fake


def create_app(
    records_path: Path | None,
    *,
    require_token: bool = True,
    rate_limit: int = DEFAULT_LIMIT,
    records: Iterable[Mapping[str, Any]] = (),
    schema_path: Path | None = None,
    valid_tokens: Collection[str] | None = None,
    rate_limiter: RateLimiter | None = None,
) -> FastAPI:
    """Build the fake GitHub app over the records of a JSONL file.

    `records` adds records after the file (or alone, when `records_path` is
    None). `rate_limiter` replaces the default one, for example to inject a
    clock; `rate_limit` is ignored then.
    """
    schema = load_github_schema(schema_path)
    store = (
        IssueStore.from_jsonl(records_path)
        if records_path is not None
        else IssueStore()
    )
    extra = list(records)
    if extra:
        store.put_many(extra)
    fake = FakeGitHub(
        store,
        schema,
        require_token=require_token,
        valid_tokens=valid_tokens,
        rate_limiter=rate_limiter or RateLimiter(rate_limit),
    )
    app = FastAPI(title="Fake GitHub GraphQL API", docs_url=None, redoc_url=None)
    app.state.fake_github = fake
    add_graphql_route(app, fake)
    add_control_routes(app, fake)
    return app


def add_graphql_route(app: FastAPI, fake: FakeGitHub) -> None:
    @app.post("/graphql")
    async def graphql_endpoint(request: Request) -> Response:
        request_id = uuid.uuid4().hex[:20].upper()
        decision = fake.faults.draw()
        delayed = decision.delay_seconds > 0
        if delayed:
            logger.info(
                "request %s: injected delay of %.2f s",
                request_id,
                decision.delay_seconds,
            )
            await asyncio.sleep(decision.delay_seconds)

        fault = decision.fault
        if fault is not None:
            logger.info(
                "request %s: injected %s fault (status %s)",
                request_id,
                fault.kind.value,
                fault.status,
            )
        if fault is not None and fault.kind is FaultKind.SERVER_ERROR:
            fake.stats.record(Outcome.SERVER_ERROR, delayed=delayed)
            return server_error_response(fault)
        if fault is not None and fault.kind is FaultKind.SECONDARY_RATE_LIMIT:
            fake.stats.record(Outcome.SECONDARY_RATE_LIMITED, delayed=delayed)
            return secondary_limit_response(fault, fake.rate_limiter.peek(), request_id)

        denial = fake.check_authorization(request.headers.get("authorization"))
        if denial is not None:
            logger.info("request %s rejected: %s", request_id, denial["message"])
            fake.stats.record(Outcome.UNAUTHORIZED, delayed=delayed)
            return JSONResponse(denial, status_code=401, media_type=JSON_MEDIA_TYPE)

        try:
            payload = json.loads(await request.body())
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            logger.info("request %s rejected: invalid JSON body: %s", request_id, error)
            fake.stats.record(Outcome.BAD_REQUEST, delayed=delayed)
            return JSONResponse(
                {
                    "message": "Problems parsing JSON",
                    "documentation_url": "https://docs.github.com/graphql",
                },
                status_code=400,
                media_type=JSON_MEDIA_TYPE,
            )

        reply = await run_in_threadpool(fake.handle_graphql, payload)
        headers = {"x-github-request-id": request_id}
        if reply.rate_limit is not None:
            headers.update(reply.rate_limit.headers())
        content = json.dumps(reply.body).encode()
        outcome = reply.outcome
        if fault is not None and fault.kind is FaultKind.MALFORMED:
            content = content[: max(1, len(content) // 2)]
            outcome = Outcome.MALFORMED
        fake.stats.record(outcome, reply.operation, delayed=delayed)
        return Response(
            content,
            status_code=reply.status,
            headers=headers,
            media_type=JSON_MEDIA_TYPE,
        )


def server_error_response(fault: FaultRule) -> HTMLResponse:
    status = fault.status or 502
    body = SERVER_ERROR_BODY.format(
        status=status, reason=REASONS.get(status, "Server Error")
    )
    return HTMLResponse(body, status_code=status)


def secondary_limit_response(
    fault: FaultRule, snapshot: RateLimitSnapshot, request_id: str
) -> JSONResponse:
    headers = snapshot.headers()
    headers["x-github-request-id"] = request_id
    if fault.retry_after is not None:
        headers["retry-after"] = str(fault.retry_after)
    body = {
        "documentation_url": RATE_LIMIT_DOCS_URL,
        "message": (
            "You have exceeded a secondary rate limit. Please wait a few minutes "
            "before you try again. If you reach out to GitHub Support for help, "
            f"please include the request ID {request_id}."
        ),
    }
    return JSONResponse(
        body,
        status_code=fault.status or 403,
        headers=headers,
        media_type=JSON_MEDIA_TYPE,
    )


class FaultRequest(BaseModel):
    """Body of POST /_fake/faults, where `count: null` means until reset."""

    kind: Literal["server_error", "secondary_rate_limit", "slow", "malformed", "reset"]
    count: int | None = 1
    fraction: float | None = None
    status: int | None = None
    retry_after: int | None = 60
    seconds: float = 0.0


class RateLimitRequest(BaseModel):
    """Body of POST /_fake/rate-limit, where `reset` starts a new window first."""

    remaining: int | None = None
    limit: int | None = None
    reset: bool = False


DEFAULT_FAULT_STATUS = {
    FaultKind.SERVER_ERROR: 502,
    FaultKind.SECONDARY_RATE_LIMIT: 403,
}


def add_control_routes(app: FastAPI, fake: FakeGitHub) -> None:
    @app.post("/_fake/faults")
    def add_fault(request: FaultRequest) -> dict[str, Any]:
        if request.kind == "reset":
            fake.faults.reset()
            return {"active": []}
        kind = FaultKind(request.kind)
        rule = FaultRule(
            kind,
            remaining=request.count,
            fraction=request.fraction,
            status=request.status or DEFAULT_FAULT_STATUS.get(kind),
            retry_after=request.retry_after,
            delay_seconds=request.seconds,
        )
        try:
            fake.faults.add(rule)
        except ValueError as error:
            logger.warning("rejected fault request %s: %s", request, error)
            raise HTTPException(status_code=422, detail=str(error)) from error
        logger.info("fault switched on: %s", rule)
        return {"active": fake.faults.active()}

    @app.get("/_fake/faults")
    def list_faults() -> dict[str, Any]:
        return {"active": fake.faults.active()}

    @app.delete("/_fake/faults")
    def reset_faults() -> dict[str, Any]:
        fake.faults.reset()
        return {"active": []}

    @app.post("/_fake/records")
    async def put_records(request: Request) -> dict[str, Any]:
        try:
            payload = json.loads(await request.body())
        except json.JSONDecodeError as error:
            raise HTTPException(
                status_code=400, detail=f"invalid JSON: {error}"
            ) from error
        items = payload if isinstance(payload, list) else [payload]
        try:
            stored = fake.store.put_many(items)
        except (RecordError, TypeError, ValueError) as error:
            logger.warning("rejected records from POST /_fake/records: %s", error)
            raise HTTPException(
                status_code=422, detail=f"invalid record: {error}"
            ) from error
        return {"stored": stored, "total": len(fake.store)}

    @app.get("/_fake/stats")
    def get_stats() -> dict[str, Any]:
        return fake.stats.snapshot()

    @app.delete("/_fake/stats")
    def reset_stats() -> dict[str, Any]:
        fake.stats.reset()
        return fake.stats.snapshot()

    @app.post("/_fake/rate-limit")
    def set_rate_limit(request: RateLimitRequest) -> dict[str, Any]:
        if request.reset or request.limit is not None:
            fake.rate_limiter.reset(request.limit)
        if request.remaining is not None:
            fake.rate_limiter.set_remaining(request.remaining)
        snapshot = fake.rate_limiter.peek()
        return {
            "limit": snapshot.limit,
            "remaining": snapshot.remaining,
            "used": snapshot.used,
            "resetAt": snapshot.reset_at_iso,
        }

    @app.post("/_fake/reset")
    def reset_all() -> dict[str, Any]:
        fake.reset()
        return {"records": len(fake.store)}

    @app.get("/_fake/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "records": len(fake.store)}
