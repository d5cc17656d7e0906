#!/usr/bin/env bash
# Prepare a fresh Debian 12 machine and start the local stack.
#
# Run it as root from any folder. It installs the missing Debian packages,
# creates .venv, installs the project into it when pyproject.toml has changed,
# and then runs `python -m localstack up`. A second run skips every step that
# is already done.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

missing=()
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || missing+=(postgresql-15)
[[ -x /usr/bin/redis-server ]] || missing+=(redis-server)
if ! compgen -G "/usr/lib/jvm/java-17-openjdk-*/bin/java" >/dev/null \
    && ! compgen -G "/usr/lib/jvm/java-21-openjdk-*/bin/java" >/dev/null \
    && ! compgen -G "/usr/lib/jvm/temurin-*/bin/java" >/dev/null; then
    missing+=(openjdk-17-jre-headless)
fi
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# Headless Chromium for the web UI's end-to-end test (tests/test_web_e2e.py).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# nginx and openssl for the gateway test (tests/test_nginx_gateway.py), which
# runs its own unprivileged nginx process on loopback ports.
command -v nginx >/dev/null || missing+=(nginx-light)
command -v openssl >/dev/null || missing+=(openssl)
command -v python3 >/dev/null || missing+=(python3)
# Debian splits venv and ensurepip out of python3.
if [[ ! -x .venv/bin/python ]] && ! python3 -c 'import ensurepip' 2>/dev/null; then
    missing+=(python3-venv)
fi

if ((${#missing[@]} > 0)); then
    if ((EUID != 0)); then
        echo "Missing Debian packages: ${missing[*]}. Run this script as root," \
            "or install them with apt-get first." >&2
        exit 1
    fi
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

if [[ ! -x .venv/bin/python ]]; then
    echo "Creating .venv"
    python3 -m venv .venv
fi

# pip takes several seconds even when nothing changed, so it only runs when
# pyproject.toml differs from the last successful install.
stamp=.venv/.odyssey-pyproject.sha256
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
    echo "Installing the project into .venv"
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    echo "$wanted" >"$stamp"
fi

# The API serves the web UI from web/dist. npm and Vite take several seconds
# even when nothing changed, so each runs only when its inputs differ from the
# last successful run.
web_lock_stamp=web/node_modules/.odyssey-package-lock.sha256
web_lock_wanted="$(cat web/package.json web/package-lock.json | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$web_lock_stamp" || "$(cat "$web_lock_stamp")" != "$web_lock_wanted" ]]; then
    echo "Installing the web UI's npm packages"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$web_lock_wanted" >"$web_lock_stamp"
fi
web_build_stamp=web/dist/.odyssey-sources.sha256
web_build_wanted="$(find web/index.html web/vite.config.js web/package-lock.json web/src web/public \
    -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$web_build_stamp" || "$(cat "$web_build_stamp")" != "$web_build_wanted" ]]; then
    echo "Building the web UI into web/dist"
    (cd web && npm run build --silent)
    echo "$web_build_wanted" >"$web_build_stamp"
fi

exec .venv/bin/python -m localstack up
