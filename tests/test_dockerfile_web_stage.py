"""The Dockerfile's web UI stage, replayed without a Docker engine.

The files that the stage copies are copied into an empty directory in the
same places, and the stage's commands run there with this machine's Node.js.
A source file that the build needs but the stage leaves out fails the build.
"""

import shutil
import subprocess
from pathlib import Path

from core.settings import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"


def stage_lines(name: str) -> list[str]:
    """Return the instructions of the build stage called `name`."""
    lines: list[str] = []
    inside = False
    for line in DOCKERFILE.read_text().splitlines():
        words = line.split()
        if words and words[0] == "FROM":
            inside = words[-2:] == ["AS", name]
            continue
        if inside and words and not line.startswith("#"):
            lines.append(line)
    return lines


def replay_copies(lines: list[str], workdir: Path) -> None:
    for line in lines:
        words = line.split()
        if words[0] != "COPY":
            continue
        *sources, destination = words[1:]
        target = workdir / destination
        for source in sources:
            origin = PROJECT_ROOT / source
            if origin.is_dir():
                shutil.copytree(origin, target)
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, target / origin.name)


def test_web_stage_builds_the_ui(tmp_path):
    lines = stage_lines("web")
    commands = [line.removeprefix("RUN ").strip() for line in lines if line.startswith("RUN ")]
    assert commands == ["npm ci --no-audit --no-fund", "npm run build"]

    replay_copies(lines, tmp_path)
    for command in commands:
        result = subprocess.run(
            command.split(), cwd=tmp_path, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "dist" / "index.html").is_file()


def test_api_image_takes_the_built_ui():
    text = DOCKERFILE.read_text()
    assert "COPY --from=web /web/dist web/dist" in text
    assert text.index("FROM node:") < text.index("FROM python:")
