"""The nginx gateway config from deploy/nginx, run with Debian's nginx in front
of an API process, on 127.0.0.1 ports chosen by the test."""

import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cli import processes
from core.settings import PROJECT_ROOT
from tests.factories import make_issue, make_repository, store_and_index

NGINX_DIR = PROJECT_ROOT / "deploy" / "nginx"
TEMPLATE_VARIABLE = re.compile(r"\$\{([A-Z_]+)\}")
SECURITY_HEADERS = (
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "content-security-policy",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace ${NAME} like the nginx image's envsubst, failing on unknown names."""
    return TEMPLATE_VARIABLE.sub(lambda match: values[match.group(1)], text)


def make_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "gateway.crt", directory / "gateway.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


def write_nginx_config(directory: Path, values: dict[str, str]) -> Path:
    """Write a main nginx.conf that runs unprivileged in `directory` and
    includes the rendered gateway template, as the official image does."""
    shutil.copytree(NGINX_DIR / "snippets", directory / "snippets")
    template = (NGINX_DIR / "templates" / "odyssey.conf.template").read_text()
    (directory / "odyssey.conf").write_text(render_template(template, values))
    main = directory / "nginx.conf"
    main.write_text(
        f"""worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include odyssey.conf;
}}
"""
    )
    return main


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[dict[str, object]]:
    api_port, http_port, tls_port = free_port(), free_port(), free_port()
    certificate, key = make_certificate(tmp_path)
    config = write_nginx_config(
        tmp_path,
        {
            "API_UPSTREAM": f"127.0.0.1:{api_port}",
            "SERVER_NAME": "127.0.0.1",
            "LISTEN_ADDRESS": "127.0.0.1",
            "HTTP_PORT": str(http_port),
            "TLS_PORT": str(tls_port),
            "TLS_CERTIFICATE": str(certificate),
            "TLS_CERTIFICATE_KEY": str(key),
            # Low, so a handful of requests reaches the limit whatever the speed.
            "GATEWAY_RATE": "1r/m",
            "GATEWAY_BURST": "4",
        },
    )
    check = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(config)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    api = processes.spawn(
        ["-m", "cli.main", "serve", "--port", str(api_port)], tmp_path / "api.log"
    )
    nginx = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(config)], start_new_session=True
    )
    try:
        processes.wait_for_port(api_port, 60, "the API")
        processes.wait_for_port(tls_port, 30, "nginx")
        yield {"tls_port": tls_port, "http_port": http_port, "certificate": certificate}
    finally:
        processes.stop(nginx)
        processes.stop(api)


def https_client(gateway: dict[str, object]) -> httpx.Client:
    return httpx.Client(
        base_url=f"https://127.0.0.1:{gateway['tls_port']}",
        verify=str(gateway["certificate"]),
        timeout=30,
    )


def assert_security_headers(response: httpx.Response) -> None:
    for header in SECURITY_HEADERS:
        assert header in response.headers, f"{header} missing on {response.url}"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "server" not in response.headers or "1." not in response.headers["server"]


def test_gateway_routes_api_over_tls(gateway):
    repo = make_repository("acme/widgets", "Python")
    store_and_index([make_issue(1, "Fix typo in README", ("good first issue",), repo)])
    with https_client(gateway) as client:
        search = client.get("/v1/search", params={"q": "typo"})
        assert search.status_code == 200
        assert search.json()["total"] == 1
        assert_security_headers(search)
        # nginx makes the request id, and the API echoes it.
        assert re.fullmatch(r"[0-9a-f]{32}", search.headers["x-request-id"])

        graphql = client.post("/graphql", json={"query": "{ __typename }"})
        assert graphql.headers["content-type"].startswith("application/json")
        assert "x-request-id" in graphql.headers
        assert_security_headers(graphql)

        health = client.get("/healthz")
        assert health.json() == {"status": "ok"}
        assert_security_headers(health)


def test_gateway_redirects_http_to_https(gateway):
    response = httpx.get(f"http://127.0.0.1:{gateway['http_port']}/v1/search?q=x")
    assert response.status_code == 301
    assert response.headers["location"] == (
        f"https://127.0.0.1:{gateway['tls_port']}/v1/search?q=x"
    )


def test_gateway_hides_metrics(gateway):
    with https_client(gateway) as client:
        response = client.get("/metrics")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert_security_headers(response)


def test_gateway_rate_limits_api_per_address(gateway):
    with https_client(gateway) as client:
        # One request per minute plus a burst of four pass; the sixth is over.
        codes = [client.get("/v1/issues/github:none").status_code for _ in range(6)]
        limited = client.get("/v1/issues/github:none")
        health = client.get("/healthz")
    assert codes[:5] == [404] * 5
    assert codes[5] == 429
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert limited.json()["error"]["code"] == "rate_limited"
    assert_security_headers(limited)
    assert health.status_code == 200


def test_gateway_rejects_large_bodies(gateway):
    with https_client(gateway) as client:
        response = client.post("/v1/refresh", content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert_security_headers(response)
