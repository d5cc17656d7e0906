"""Errors that mean PostgreSQL, Redis or Elasticsearch did not respond, and a
log limiter for the flood of identical errors that an outage causes.

The API turns these errors into a 503 in the error format, with the service
name in `details.service` (see `core.errors`), so a client can tell which
dependency is down, and `/readyz` reports the same names.
"""

import logging
import threading
import time
from dataclasses import dataclass

import elastic_transport
import redis.exceptions
import sqlalchemy.exc

logger = logging.getLogger(__name__)

# Seconds between two log lines about the same outage.
LOG_INTERVAL = 10.0


@dataclass(frozen=True)
class UnavailableService:
    """A backing service, as reported to clients, and the message they get."""

    name: str
    message: str


POSTGRES = UnavailableService("postgres", "the database is unavailable; try again shortly")
REDIS = UnavailableService(
    "redis", "the session and job store is unavailable; try again shortly"
)
ELASTICSEARCH = UnavailableService("elasticsearch", "search is unavailable; try again shortly")

# SQLAlchemy wraps psycopg's OperationalError (connection refused or closed,
# server shutting down) in its own. redis-py raises ConnectionError, or
# TimeoutError when a connected server stops responding. The Elasticsearch
# client raises elastic_transport's errors once its own retries are spent.
# An Elasticsearch error with an HTTP status (ApiError) is not listed,
# because it can also mean a bad request.
UNAVAILABLE_ERRORS: tuple[tuple[type[Exception], UnavailableService], ...] = (
    (sqlalchemy.exc.OperationalError, POSTGRES),
    (redis.exceptions.ConnectionError, REDIS),
    (redis.exceptions.TimeoutError, REDIS),
    (elastic_transport.ConnectionError, ELASTICSEARCH),
    (elastic_transport.ConnectionTimeout, ELASTICSEARCH),
)


def unavailable_service(error: BaseException) -> UnavailableService | None:
    """Return the service that `error` shows to be unreachable, or None."""
    for error_type, service in UNAVAILABLE_ERRORS:
        if isinstance(error, error_type):
            return service
    return None


class RepeatLimiter:
    """Log the first of a run of identical errors at once and then at most one
    line per `interval` seconds, with the count of the ones left out."""

    def __init__(self, target: logging.Logger, interval: float = LOG_INTERVAL) -> None:
        self._logger = target
        self._interval = interval
        self._lock = threading.Lock()
        # key -> (monotonic time of the last line, errors left out since)
        self._state: dict[str, tuple[float, int]] = {}

    def error(self, key: str, message: str, *args: object) -> None:
        self.log(logging.ERROR, key, message, *args)

    def warning(self, key: str, message: str, *args: object) -> None:
        self.log(logging.WARNING, key, message, *args)

    def log(self, level: int, key: str, message: str, *args: object) -> None:
        now = time.monotonic()
        with self._lock:
            last, left_out = self._state.get(key, (float("-inf"), 0))
            if now - last < self._interval:
                self._state[key] = (last, left_out + 1)
                return
            self._state[key] = (now, 0)
        if left_out:
            message += " (%d more since the last report)"
            args = (*args, left_out)
        self._logger.log(level, message, *args)
