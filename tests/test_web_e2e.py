"""End-to-end test of the web UI in headless Chromium.

It serves the API with uvicorn on a free 127.0.0.1 port, indexes a few
issues, starts the fake GitHub OAuth provider for GitHub sign-in and runs
`web/e2e/run.mjs`, which drives Debian's Chromium with playwright-core. It
needs the built UI (`web/dist`, built by `bash localstack/bootstrap.sh`),
/usr/bin/chromium and web/node_modules.
"""

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography.fernet import Fernet

from core.settings import PROJECT_ROOT, get_settings
from fakes.github_oauth.server_thread import run_fake_github_oauth
from search_api.app import create_app
from search_api.web import BUILD_HINT
from tests.factories import make_issue, make_repository, store_and_index

WEB_DIR = PROJECT_ROOT / "web"
CHROMIUM = Path("/usr/bin/chromium")
SERVER_START_TIMEOUT = 20.0
E2E_TIMEOUT = 260
OAUTH_CLIENT_ID = "Iv1.e2eclientid"
OAUTH_CLIENT_SECRET = "e2e-client-secret-0123456789"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def api_port() -> int:
    return _free_port()


@pytest.fixture
def github_sign_in(api_port, monkeypatch) -> Iterator[None]:
    """Point GitHub sign-in at the fake provider, which approves as octocat."""
    callback_url = f"http://127.0.0.1:{api_port}/v1/auth/github/callback"
    with run_fake_github_oauth(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, callback_url) as fake:
        settings = get_settings()
        monkeypatch.setattr(settings, "github_oauth_client_id", OAUTH_CLIENT_ID)
        monkeypatch.setattr(settings, "github_oauth_client_secret", OAUTH_CLIENT_SECRET)
        monkeypatch.setattr(settings, "github_oauth_redirect_uri", callback_url)
        monkeypatch.setattr(settings, "github_oauth_authorize_url", fake.authorize_url)
        monkeypatch.setattr(settings, "github_oauth_token_url", fake.token_url)
        monkeypatch.setattr(settings, "github_oauth_api_url", fake.api_url)
        monkeypatch.setattr(settings, "token_encryption_keys", Fernet.generate_key().decode())
        fake.provider.add_user("octocat", email="octo@example.org", name="The Octocat")
        fake.provider.sign_in("octocat")
        yield


@pytest.fixture
def api_url(api_port, github_sign_in) -> Iterator[str]:
    """Serve the whole app (API and UI) in a thread; yield its base URL."""
    port = api_port
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="e2e-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail(f"uvicorn did not start on 127.0.0.1:{port} within {SERVER_START_TIMEOUT} s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def indexed_issues() -> list[int]:
    python = make_repository("acme/widgets", language="Python", stars=120)
    rust = make_repository("acme/gears", language="Rust", stars=45)
    return store_and_index(
        [
            make_issue(1, "Improve the docs for the install guide", ("good first issue", "documentation"), python),
            make_issue(2, "Fix a typo in the docs index", ("good first issue",), python),
            make_issue(3, "Add docs examples for the parser", ("help wanted", "documentation"), rust),
            make_issue(4, "Write tests for the docs builder", ("good first issue", "tests"), rust),
        ]
    )


def test_web_ui_end_to_end(api_url, indexed_issues, tmp_path):
    dist_index = get_settings().web_dist_dir / "index.html"
    assert dist_index.is_file(), f"{dist_index} is missing; build the web UI first: {BUILD_HINT}"
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing; install it with: apt-get install -y chromium"
    node = shutil.which("node")
    assert node, "node is missing; install Node.js (bash localstack/bootstrap.sh does)"
    assert (WEB_DIR / "node_modules" / "playwright-core").is_dir(), (
        "web/node_modules is missing; run: cd web && npm ci"
    )

    screenshots = tmp_path / "screenshots"
    print(f"screenshots of failing steps go to {screenshots}")
    completed = subprocess.run(
        [node, str(WEB_DIR / "e2e" / "run.mjs"), api_url, str(screenshots)],
        capture_output=True,
        text=True,
        timeout=E2E_TIMEOUT,
        cwd=WEB_DIR,
    )
    print(completed.stdout)
    print(completed.stderr)
    assert completed.returncode == 0, (
        f"the e2e run failed with exit code {completed.returncode}; "
        f"see the output above and the screenshots in {screenshots}"
    )


@pytest.fixture
def web_client(tmp_path, monkeypatch):
    """A TestClient whose web UI build is a small fake in tmp_path."""
    from fastapi.testclient import TestClient

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>UI</title>")
    (dist / "assets" / "app.js").write_text("console.log('ui')")
    monkeypatch.setattr(get_settings(), "web_dist_dir", dist)
    return TestClient(create_app()), dist


def test_web_client_routes_get_index(web_client):
    client, _ = web_client
    response = client.get("/issues/github:I_abc")
    assert response.status_code == 200
    assert "<title>UI</title>" in response.text
    assert client.get("/assets/app.js").text == "console.log('ui')"


def test_web_leaves_api_paths_to_the_api(web_client):
    client, _ = web_client
    response = client.get("/v1/no-such-route")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/../pyproject.toml").status_code != 200 or "UI" in client.get("/../pyproject.toml").text


def test_web_without_build_explains_how_to_build(web_client):
    client, dist = web_client
    (dist / "index.html").unlink()
    response = client.get("/")
    assert response.status_code == 503
    assert BUILD_HINT in response.text
