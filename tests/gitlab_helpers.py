"""Helpers for tests against the fake GitLab: fixture records and settings."""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from core.settings import get_settings

TOKEN = "test-gitlab-token"


def gitlab_record(project: str = "tools/widget", title: str = "Fix the docs", **fields: Any) -> dict[str, Any]:
    """One fake GitLab issue record; keyword arguments override the defaults."""
    values: dict[str, Any] = {
        "project": project,
        "title": title,
        "labels": ["quick win"],
        "description": "A small change for a first contribution.",
        "language": "Go",
        "created_at": "2024-05-01T10:00:00Z",
        "user_notes_count": 2,
    }
    values.update(fields)
    return values


@contextmanager
def gitlab_instances(*instances: dict[str, Any]) -> Iterator[None]:
    """Point GITLAB_INSTANCES of this process (workers included) at `instances`."""
    previous = os.environ.get("GITLAB_INSTANCES")
    os.environ["GITLAB_INSTANCES"] = json.dumps(list(instances))
    get_settings.cache_clear()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("GITLAB_INSTANCES", None)
        else:
            os.environ["GITLAB_INSTANCES"] = previous
        get_settings.cache_clear()
