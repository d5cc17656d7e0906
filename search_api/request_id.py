"""Middleware that gives every HTTP request an id for logs and responses.

A caller's (or the gateway's) `X-Request-ID` is kept when it is 1 to 64
letters, digits, dots, dashes or underscores; otherwise a new id is made. The
id is bound for log records and returned in the `X-Request-ID` header.
"""

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.log_context import bind_request_id, reset_request_id

HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_from(headers: Headers) -> str:
    supplied = headers.get(HEADER)
    if supplied and VALID_REQUEST_ID.match(supplied):
        return supplied
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        token = bind_request_id(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            reset_request_id(token)
