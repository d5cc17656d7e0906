"""Stable error codes in GraphQL responses, without internal details.

Every error in a response carries `extensions.code`:

- an `AppError` raised by a service keeps its REST code, upper-cased
  (`INVALID_PARAMETER`, `UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`,
  `SERVICE_UNAVAILABLE`, and the codes of any later subclass), with its
  message and `extensions.details`;
- a request model that rejects an input (pydantic `ValidationError`) gets
  `INVALID_PARAMETER`, like the 422 body of REST;
- a document that cannot be parsed or fails validation, including the depth
  and cost limits, gets `INVALID_QUERY`;
- any other exception gets `INTERNAL` and a fixed message; the traceback goes
  to the log only.
"""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from core.errors import AppError
from core.unavailable import unavailable_service

logger = logging.getLogger(__name__)

INVALID_PARAMETER = "INVALID_PARAMETER"
INVALID_QUERY = "INVALID_QUERY"
INTERNAL = "INTERNAL"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
INTERNAL_MESSAGE = "internal server error; the error was logged"


def error_code(error: AppError) -> str:
    """Return the GraphQL code of an application error."""
    if error.code == "internal_error":
        return INTERNAL
    return error.code.upper()


def validation_message(error: ValidationError) -> tuple[str, list[dict[str, str]]]:
    """Return the message and problem list REST sends for a rejected request body."""
    problems = [
        {
            "location": ".".join(str(part) for part in problem["loc"]),
            "message": problem["msg"],
        }
        for problem in error.errors()
    ]
    first = problems[0] if problems else {"location": "input", "message": "invalid"}
    return f"invalid {first['location']}: {first['message']}", problems


def public_error(error: GraphQLError) -> GraphQLError:
    """Return the error as clients see it: a stable code and no internals."""
    original = error.original_error
    extensions: dict[str, Any]
    if isinstance(original, AppError):
        message = original.message
        extensions = {"code": error_code(original), "details": original.details}
    elif isinstance(original, ValidationError):
        message, problems = validation_message(original)
        extensions = {"code": INVALID_PARAMETER, "details": {"errors": problems}}
    elif original is None or isinstance(original, GraphQLError):
        # No original error, or a GraphQLError of its own, such as a variable
        # value that does not fit its type: a problem with the request.
        message = error.message
        extensions = {**(error.extensions or {}), "code": INVALID_QUERY}
    elif (service := unavailable_service(original)) is not None:
        message = service.message
        extensions = {"code": SERVICE_UNAVAILABLE, "details": {"service": service.name}}
    else:
        message = INTERNAL_MESSAGE
        extensions = {"code": INTERNAL}
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def log_errors(
    errors: list[GraphQLError], execution_context: ExecutionContext | None
) -> None:
    """Log server-side failures; client errors (4xx codes) are not logged."""
    operation = execution_context.operation_name if execution_context else None
    for error in errors:
        original = error.original_error
        if isinstance(original, AppError):
            if original.status_code >= 500:
                logger.error(
                    "GraphQL operation %s failed at %s: %s",
                    operation,
                    error.path,
                    original.message,
                )
        elif original is not None and not isinstance(original, (ValidationError, GraphQLError)):
            logger.error(
                "GraphQL operation %s failed at %s",
                operation,
                error.path,
                exc_info=original,
            )


class ErrorCodes(SchemaExtension):
    """Replace every error of a result with its public form."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors:
            public = [public_error(error) for error in errors]
            result.errors = public  # type: ignore[union-attr]
