"""`docker compose config` on docker-compose.yml, with the real Compose CLI.

deploy/compose/config.sh builds the Compose CLI plugin from the version pinned
in deploy/compose/go.mod (the first run takes a few minutes) and runs it under
the docker CLI. `config` loads, validates, interpolates and prints the file
without a Docker engine.
"""

import json
import os
import subprocess

import pytest

from core.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "deploy" / "compose" / "config.sh"
SECRETS = {
    "POSTGRES_PASSWORD": "compose-check-password",
    "GITHUB_TOKEN": "compose-check-token",
    "ODYSSEY_ADMIN_TOKEN": "compose-check-admin",
    "ODYSSEY_JWT_SECRET": "compose-check-jwt",
    "TLS_CERTIFICATE_DIR": "/etc/odyssey/tls",
}


def compose_config(*arguments: str, secrets: dict[str, str]) -> subprocess.CompletedProcess:
    environment = {
        name: value for name, value in os.environ.items() if name not in SECRETS
    }
    environment.update(secrets)
    # A developer's .env beside docker-compose.yml would fill in the secrets
    # that these tests leave out.
    environment["COMPOSE_DISABLE_ENV_FILE"] = "1"
    return subprocess.run(
        [str(SCRIPT), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=1200,
    )


@pytest.fixture(scope="module")
def resolved() -> dict:
    result = compose_config("--format", "json", secrets=SECRETS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_config_resolves_every_service(resolved):
    assert resolved["name"] == "oss-odyssey"
    assert set(resolved["services"]) == {
        "elasticsearch", "postgres", "redis", "migrate", "api", "gateway", "scheduler", "worker",
    }


def test_compose_config_interpolates_secrets(resolved):
    api = resolved["services"]["api"]["environment"]
    assert api["GITHUB_TOKEN"] == SECRETS["GITHUB_TOKEN"]
    assert SECRETS["POSTGRES_PASSWORD"] in api["DATABASE_URL"]
    gateway_sources = [volume["source"] for volume in resolved["services"]["gateway"]["volumes"]]
    assert SECRETS["TLS_CERTIFICATE_DIR"] in gateway_sources


def test_compose_config_publishes_only_the_gateway(resolved):
    published = {name for name, service in resolved["services"].items() if service.get("ports")}
    assert published == {"gateway"}


def test_compose_config_names_each_missing_secret():
    missing = dict(SECRETS)
    del missing["POSTGRES_PASSWORD"]
    del missing["ODYSSEY_JWT_SECRET"]
    result = compose_config("--quiet", secrets=missing)
    assert result.returncode != 0
    assert "required variable POSTGRES_PASSWORD is missing a value" in result.stderr
    assert "required variable ODYSSEY_JWT_SECRET is missing a value" in result.stderr
    assert "GITHUB_TOKEN is missing" not in result.stderr
