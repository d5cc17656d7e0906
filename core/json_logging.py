"""A logging formatter that writes one JSON object per record."""

import json
import logging
from datetime import datetime, timezone

# Context fields copied from the record when set, by `core.log_context`.
CONTEXT_FIELDS = ("request_id", "job_id")


class JsonFormatter(logging.Formatter):
    """Format a record as JSON with time, level, logger, message and ids.

    Exception tracebacks go into `exc_info` as text, so one record stays one
    line.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
