"""The installed `odyssey` command can import every package of the repository.

The console script runs outside the repository folder, so a top-level package
that pyproject.toml does not list imports in the tests (which run from the
repository root) and fails in `odyssey demo`.
"""

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def top_level_packages() -> list[str]:
    return sorted(
        path.parent.name
        for path in PROJECT_ROOT.glob("*/__init__.py")
        if path.parent.name != "tests"
    )


def test_pyproject_lists_every_package():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    missing = [
        name
        for name in top_level_packages()
        if not any(fnmatch.fnmatch(name, pattern) for pattern in patterns)
    ]
    assert missing == []


def test_app_imports_outside_the_repository(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import search_api.app, indexer.tasks, alerts.tasks, cli.main"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
