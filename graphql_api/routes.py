"""Mounting of the GraphQL endpoint on the FastAPI app."""

import logging
from typing import Any

from cross_web import HTTPException as TransportError
from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UNSET

from core.errors import error_body
from core.settings import get_settings
from graphql_api.context import GraphQLContext, get_context
from graphql_api.schema import build_schema

logger = logging.getLogger(__name__)

# Error codes of the transport errors; any other status gets "invalid_request".
_TRANSPORT_CODES = {404: "not_found", 405: "method_not_allowed"}


class _Router(GraphQLRouter[GraphQLContext, None]):
    """Strawberry rejects a request it cannot read (wrong content type, a body
    that is not JSON, no query) with a plain-text 4xx. This router sends those
    in the API's JSON error format instead."""

    def decode_json(self, data: str | bytes) -> object:
        # json.loads raises UnicodeDecodeError on invalid UTF-8 and RecursionError
        # on deeply nested arrays, and Strawberry turns only JSONDecodeError into a 400.
        try:
            return super().decode_json(data)
        except (UnicodeDecodeError, RecursionError):
            raise TransportError(400, "Unable to parse request body as JSON") from None

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context=context, root_value=root_value)
        except ClientDisconnect:
            # The client closed the connection before sending its whole
            # request, so no one receives the response.
            logger.info("GraphQL client disconnected before its request was read")
            return Response(status_code=400)
        except TransportError as error:
            if not isinstance(request, Request):
                raise
            code = _TRANSPORT_CODES.get(error.status_code, "invalid_request")
            return JSONResponse(
                error_body(code, error.reason), status_code=error.status_code
            )


def create_graphql_router() -> GraphQLRouter[GraphQLContext, None]:
    """Build the router that serves the schema at /graphql.

    GraphiQL is served on GET /graphql only when `settings.graphql_ide` is on.
    """
    settings = get_settings()
    return _Router(
        build_schema(),
        path="/graphql",
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphql_ide else None,
        tags=["graphql"],
    )
