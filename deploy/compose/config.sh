#!/usr/bin/env bash
# Run `docker compose config` on the repository's docker-compose.yml.
#
# Needs the docker CLI and Go, not a Docker engine: `config` only loads,
# validates and prints the file. The Compose CLI plugin is built once from the
# version pinned in go.mod into .stack/docker/cli-plugins, and the docker CLI
# finds it there through DOCKER_CONFIG. Arguments go to `docker compose config`,
# for example --services or --quiet. The secrets the file requires must be set
# in the environment, as on a real host.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
config_dir="$root/.stack/docker"
plugin="$config_dir/cli-plugins/docker-compose"
export PATH="$PATH:/usr/local/go/bin"

for tool in docker go; do
  if ! command -v "$tool" >/dev/null; then
    echo "compose config: the $tool command was not found; install it or put it on PATH" >&2
    exit 2
  fi
done

if [ ! -x "$plugin" ] || [ "$here/go.mod" -nt "$plugin" ] || [ "$here/go.sum" -nt "$plugin" ]; then
  version=$(cd "$here" && go list -m -f '{{.Version}}' github.com/docker/compose/v5)
  echo "compose config: building the Compose CLI plugin $version" >&2
  mkdir -p "$(dirname "$plugin")"
  (cd "$here" && go build -trimpath \
    -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$version" \
    -o "$plugin.tmp" github.com/docker/compose/v5/cmd)
  mv "$plugin.tmp" "$plugin"
fi

export DOCKER_CONFIG="$config_dir"
exec docker compose --project-directory "$root" --file "$root/docker-compose.yml" config "$@"
