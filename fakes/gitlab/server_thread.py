"""Run the fake GitLab on a free 127.0.0.1 port in a background thread."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from fakes.github.server_thread import serve_app
from fakes.gitlab.app import FakeGitLab, create_app, get_fake_gitlab
from fakes.gitlab.store import GitLabStore


@dataclass(frozen=True, slots=True)
class RunningFakeGitLab:
    """A started server: its base URL (what GITLAB_INSTANCES names), the app
    and the state behind it."""

    base_url: str
    app: FastAPI
    fake: FakeGitLab

    @property
    def store(self) -> GitLabStore:
        return self.fake.store


@contextmanager
def run_fake_gitlab(
    store: GitLabStore | None = None, **create_app_options: Any
) -> Iterator[RunningFakeGitLab]:
    """Start a fake GitLab over `store` for the `with` block; the options
    (`tokens`, `rate_limit`, `rate_window`, `count_limit`) go to create_app."""
    app = create_app(store, **create_app_options)
    with serve_app(app) as base_url:
        yield RunningFakeGitLab(base_url, app, get_fake_gitlab(app))
