"""Run the fake GitHub server on a free 127.0.0.1 port in a background thread."""

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from fakes.github.app import FakeGitHub, create_app, get_fake_github

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_SECONDS = 30.0
SHUTDOWN_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class RunningFakeGitHub:
    """A started server: its URLs, the app and the state behind it."""

    base_url: str
    app: FastAPI
    fake: FakeGitHub

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"


@contextmanager
def serve_app(app: FastAPI) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 in a thread and yield its base URL.

    The socket is bound before the thread starts, so no other process can take
    the port in between. On exit the server is asked to stop and joined.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"fake-github-{port}",
        daemon=True,
    )
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(
                    f"fake GitHub server on port {port} did not start within "
                    f"{STARTUP_TIMEOUT_SECONDS:.0f} s"
                )
            time.sleep(0.01)
        logger.info("fake GitHub server listening on 127.0.0.1:%d", port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        if thread.is_alive():
            logger.warning("fake GitHub server on port %d did not stop in time", port)
        sock.close()


@contextmanager
def run_fake_github(
    records_path: Path | None = None, **create_app_options: Any
) -> Iterator[RunningFakeGitHub]:
    """Start a fake GitHub server over `records_path` for the `with` block.

    `create_app_options` are passed to fakes.github.app.create_app, for example
    `records=[...]`, `require_token=False` or `rate_limit=10`.
    """
    app = create_app(records_path, **create_app_options)
    with serve_app(app) as base_url:
        yield RunningFakeGitHub(base_url, app, get_fake_github(app))
