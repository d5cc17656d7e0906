"""Request and job ids bound to the current context, for log records.

The HTTP middleware binds a request id and the Dramatiq middleware a job
(message) id; `ContextFilter` copies both onto every log record, so the JSON
formatter can print them. Context variables keep concurrent requests apart,
whether they run in threads or in asyncio tasks.
"""

import logging
from contextvars import ContextVar, Token

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
job_id_var: ContextVar[str | None] = ContextVar("job_id", default=None)


def bind_request_id(request_id: str) -> Token[str | None]:
    return request_id_var.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    request_id_var.reset(token)


def bind_job_id(job_id: str | None) -> None:
    # Dramatiq runs each message to the end on one worker thread, so setting
    # and later clearing the variable is enough; no token is kept.
    job_id_var.set(job_id)


class ContextFilter(logging.Filter):
    """Add `request_id` and `job_id` (None when unbound) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.job_id = job_id_var.get()
        return True
