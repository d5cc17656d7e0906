"""The setting that picks where the test servers run."""

import os
import socket
import subprocess
import sys

import pytest

from core.settings import PROJECT_ROOT
from tests.containers import ContainersUnavailable, start_containers


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_containers_without_docker_engine_fail_clearly(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{closed_port()}")
    with pytest.raises(ContainersUnavailable, match="is a Docker engine running"):
        start_containers("odyssey_test")


def test_unknown_test_stack_is_rejected():
    env = {**os.environ, "ODYSSEY_TEST_STACK": "kubernetes"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_stack_switch.py", "-q", "-p", "no:cacheprovider"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ODYSSEY_TEST_STACK='kubernetes' is invalid" in result.stdout + result.stderr
