"""Middleware that rejects request bodies above `MAX_REQUEST_BODY_BYTES` with 413."""

import logging

from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import error_body
from core.settings import get_settings

logger = logging.getLogger(__name__)


def too_large_response(limit: int) -> JSONResponse:
    return JSONResponse(
        error_body(
            "payload_too_large",
            f"the request body is larger than the limit of {limit} bytes",
            {"max_bytes": limit},
        ),
        status_code=413,
    )


class BodySizeLimitMiddleware:
    """Check `Content-Length` up front. A body without one (chunked transfer) is
    read into memory up to the limit and then passed on, so the limit holds
    either way."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = get_settings().max_request_body_bytes
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None:
            # uvicorn rejects a malformed Content-Length before the app runs.
            if length.isdigit() and int(length) > limit:
                await too_large_response(limit)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        if "chunked" not in headers.get("transfer-encoding", "").lower():
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more_body = True
        while more_body:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more_body = message.get("more_body", False)
            if size > limit:
                logger.info("rejected a chunked body of more than %d bytes", limit)
                await too_large_response(limit)(scope, receive, send)
                return
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
