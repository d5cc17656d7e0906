"""Process-wide logging configuration, called once by each entry point."""

import logging

from core.json_logging import JsonFormatter
from core.log_context import ContextFilter
from core.settings import get_settings


def configure_logging() -> None:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    apply_log_format()
    # Warnings, such as a library's deprecation notice, become log records, so
    # they keep the log format instead of printing raw lines to stderr.
    logging.captureWarnings(True)
    # The Elasticsearch transport logs every request at INFO.
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def apply_log_format() -> None:
    """Add request and job ids to the root handlers, and format them as JSON when
    `LOG_FORMAT=json`. Dramatiq worker processes call this after setting up
    their own handlers."""
    json_format = get_settings().log_format == "json"
    for handler in logging.getLogger().handlers:
        if not any(isinstance(item, ContextFilter) for item in handler.filters):
            handler.addFilter(ContextFilter())
        if json_format:
            handler.setFormatter(JsonFormatter())


def uvicorn_log_config() -> dict:
    """Logging settings for uvicorn's own loggers in the format of ours.

    uvicorn applies its default text configuration to its startup, error and
    access lines unless given another one, in every worker process it starts.
    LOG_LEVEL applies to them too: at WARNING, no line per request is written.
    """
    level = get_settings().log_level.upper()
    if get_settings().log_format == "json":
        formatter: dict = {"()": "core.json_logging.JsonFormatter"}
    else:
        formatter = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "filters": ["context"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"context": {"()": "core.log_context.ContextFilter"}},
        "handlers": {"default": handler},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": ["default"], "level": level, "propagate": False},
        },
    }
