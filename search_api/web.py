"""Serving of the built web UI (`web/dist`) at `/`.

Files that exist in the build are served as they are. Any other GET path
outside the API's own prefixes returns `index.html`, because the UI routes
those paths itself (for example `/issues/github:I_abc` or `/my-work`).
"""

import logging
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from core.errors import NotFound
from core.settings import get_settings

logger = logging.getLogger(__name__)

# Paths that belong to the API. A request under one of them that no API route
# matched gets the JSON 404, never the UI's index.html.
API_PREFIXES = ("v1", "graphql", "docs", "redoc", "openapi.json", "healthz", "readyz", "metrics")

BUILD_HINT = "cd web && npm ci && npm run build"

MISSING_BUILD_PAGE = f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>OSS Odyssey: web UI not built</title></head>
<body>
<main>
<h1>The web UI has not been built yet</h1>
<p>The API is running, but the folder with the built web UI is missing: {{dist}}</p>
<p>Build it with <code>{BUILD_HINT}</code>, or run <code>bash localstack/bootstrap.sh</code>,
which builds it too. Then reload this page; the API does not need a restart.</p>
<p>The API itself works: see <a href="/docs">/docs</a>.</p>
</main>
</body>
</html>
"""


def _is_api_path(path: str) -> bool:
    first_segment = path.split("/", 1)[0]
    return first_segment in API_PREFIXES


def _file_in_build(dist: Path, path: str) -> Path | None:
    """Return the built file for a URL path, or None when there is none.

    Paths that resolve outside the build folder (`..` segments, symlinks) are
    treated as missing.
    """
    if not path:
        return None
    candidate = (dist / path).resolve()
    if not candidate.is_relative_to(dist.resolve()) or not candidate.is_file():
        return None
    return candidate


def _serve_ui(request: Request, path: str = "") -> Response:
    if _is_api_path(path):
        raise NotFound(f"no API route matches /{path}", details={"path": f"/{path}"})
    dist = get_settings().web_dist_dir
    index = dist / "index.html"
    if not index.is_file():
        logger.warning("web UI requested but %s is missing; build it with: %s", index, BUILD_HINT)
        return HTMLResponse(MISSING_BUILD_PAGE.format(dist=dist), status_code=503)
    built_file = _file_in_build(dist, path)
    if built_file is not None:
        return FileResponse(built_file)
    if path.startswith("assets/"):
        raise NotFound(
            f"no file /{path} in the web UI build; reload the page to get the current build",
            details={"path": f"/{path}"},
        )
    # index.html names the hashed asset files of the current build, so it must
    # be fetched again after every rebuild.
    return FileResponse(index, headers={"Cache-Control": "no-cache"})


def install_web_ui(app: FastAPI) -> None:
    """Add the web UI routes. Call this after every other route is added,
    because the UI's catch-all GET route would otherwise shadow later routes."""
    assets = get_settings().web_dist_dir / "assets"
    # StaticFiles fails every request when its folder is missing, so it is
    # mounted only when the UI was built before the API started. Otherwise
    # the catch-all route below serves the assets.
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="web-assets")
    app.add_api_route("/", _serve_ui, methods=["GET"], include_in_schema=False)
    app.add_api_route("/{path:path}", _serve_ui, methods=["GET"], include_in_schema=False)
