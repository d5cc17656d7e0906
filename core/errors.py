"""The error tree of the API and the one JSON body every 4xx and 5xx uses:

    {"error": {"code": "invalid_parameter", "message": "...", "details": {...}}}
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from core.unavailable import UNAVAILABLE_ERRORS, RepeatLimiter, unavailable_service

logger = logging.getLogger(__name__)
# An outage turns every request that needs the missing service into the same
# 503, so those log lines are limited per message.
_outage_log = RepeatLimiter(logger)
# Seconds a client should wait before retrying a 503.
RETRY_AFTER_UNAVAILABLE = 5


class AppError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class InvalidParameter(AppError):
    status_code = 400
    code = "invalid_parameter"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"


class TooManyRequests(AppError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after  # seconds, sent as the Retry-After header


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def _app_error(request: Request, error: AppError) -> JSONResponse:
    if error.status_code == 503:
        _outage_log.error(
            f"{error.code}:{error.message}",
            "%s %s failed: %s",
            request.method,
            request.url.path,
            error.message,
        )
    elif error.status_code >= 500:
        logger.error("%s %s failed: %s", request.method, request.url.path, error.message)
    headers = (
        {"Retry-After": str(RETRY_AFTER_UNAVAILABLE)} if error.status_code == 503 else None
    )
    if isinstance(error, TooManyRequests):
        headers = {"Retry-After": str(error.retry_after)}
    return JSONResponse(
        error_body(error.code, error.message, error.details),
        status_code=error.status_code,
        headers=headers,
    )


def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    problems = [
        {
            "location": ".".join(str(part) for part in problem["loc"]),
            "message": problem["msg"],
        }
        for problem in error.errors()
    ]
    first = problems[0] if problems else {"location": "request", "message": "invalid"}
    message = f"invalid {first['location']}: {first['message']}"
    return JSONResponse(
        error_body("invalid_parameter", message, {"errors": problems}), status_code=422
    )


def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(error.detail)),
        status_code=error.status_code,
        headers=getattr(error, "headers", None),
    )


def _data_error(request: Request, error: DataError) -> JSONResponse:
    # PostgreSQL rejected a value taken from the request, such as an id above
    # the 32-bit integer range, so the caller gets a 400 instead of a 500.
    logger.info(
        "%s %s: the database rejected a request value: %s",
        request.method,
        request.url.path,
        type(error.orig).__name__,
    )
    return JSONResponse(
        error_body(
            "invalid_parameter",
            "a value in the request is out of range or has the wrong format",
        ),
        status_code=400,
    )


def _unavailable_error(request: Request, error: Exception) -> JSONResponse:
    # PostgreSQL, Redis or Elasticsearch did not respond. Everything that
    # needs it gets a 503 naming the service, while routes that do without it
    # keep working; see core.unavailable for the errors that count.
    service = unavailable_service(error)
    if service is None:
        return _unexpected_error(request, error)
    _outage_log.error(
        f"unavailable:{service.name}",
        "%s %s failed because %s is unavailable: %s: %s",
        request.method,
        request.url.path,
        service.name,
        type(error).__name__,
        str(error).splitlines()[0] if str(error) else "",
    )
    return JSONResponse(
        error_body(
            ServiceUnavailable.code, service.message, {"service": service.name}
        ),
        status_code=ServiceUnavailable.status_code,
        headers={"Retry-After": str(RETRY_AFTER_UNAVAILABLE)},
    )


def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.error(
        "unhandled error in %s %s", request.method, request.url.path, exc_info=error
    )
    return JSONResponse(
        error_body("internal_error", "internal server error; the error was logged"),
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _data_error)  # type: ignore[arg-type]
    for error_type, _service in UNAVAILABLE_ERRORS:
        app.add_exception_handler(error_type, _unavailable_error)
    app.add_exception_handler(Exception, _unexpected_error)
