#!/usr/bin/env bash
# Builds the pinned Temporal server, its schema tool (temporal-sql-tool) and
# the Temporal UI server once into the per-user cache, like the CLI
# (scripts/ensure-temporal-cli.sh), and prints the directory that holds
# `temporal-server`, `temporal-sql-tool`, `temporal-ui-server` and the
# module's PostgreSQL schemas (schema/postgresql/v12/...).
# v1.29.1 is the newest server whose module builds with the machine's Go
# (v1.32 needs go >= 1.26.10) and it is the server inside CLI v1.5.1, so the
# embedded and production topologies run the same server code.
#
# --previous: instead, the previous pinned release (v1.28.1, schema 1.17), the
# server binary only, for the upgrade test (test/topology): a cluster made by
# it is upgraded with this release's temporal-sql-tool and then runs on v1.29.1.
set -euo pipefail
version=${TEMPORAL_SERVER_VERSION:-1.29.1}
previous_version=1.28.1
server_only=false
if [ "${1:-}" = --previous ]; then version=$previous_version; server_only=true; fi
# The UI release the CLI v1.5.1 embeds; its module carries the built web assets.
ui_version=2.42.1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/common-ground/bin/temporal-server-$version"

complete() {
  [ -x "$dir/temporal-server" ] || return 1
  [ "$server_only" = true ] && return 0
  [ -x "$dir/temporal-sql-tool" ] && [ -x "$dir/temporal-ui-server" ] && [ -d "$dir/schema/postgresql" ]
}
if ! complete; then
  export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
  command -v go >/dev/null || { echo "ensure-temporal-server: Go is required (see scripts/ensure-temporal-cli.sh)" >&2; exit 1; }
  mkdir -p "$(dirname "$dir")"
  exec 9>"$(dirname "$dir")/.temporal-server-$version.lock"
  flock 9
  if ! complete; then
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    if [ "$server_only" = true ]; then
      echo "building Temporal server v$version (first time only; a few minutes on 2 cores)..." >&2
      GOTOOLCHAIN=local GOBIN="$dir.tmp" go install "go.temporal.io/server/cmd/server@v$version" >&2
    else
      echo "building Temporal server v$version, temporal-sql-tool and UI v$ui_version (first time only; about 5 minutes on 2 cores)..." >&2
      GOTOOLCHAIN=local GOBIN="$dir.tmp" go install \
        "go.temporal.io/server/cmd/server@v$version" "go.temporal.io/server/cmd/tools/sql@v$version" >&2
      GOTOOLCHAIN=local GOBIN="$dir.tmp/ui" go install "github.com/temporalio/ui-server/v2/cmd/server@v$ui_version" >&2
      mv "$dir.tmp/ui/server" "$dir.tmp/temporal-ui-server"; rmdir "$dir.tmp/ui"
      mv "$dir.tmp/sql" "$dir.tmp/temporal-sql-tool"
      # The schemas and the example dynamic config ship inside the module source.
      src=$(GOTOOLCHAIN=local go env GOMODCACHE)/go.temporal.io/server@v$version
      mkdir -p "$dir.tmp/schema"
      cp -r "$src/schema/postgresql" "$dir.tmp/schema/"
      chmod -R u+w "$dir.tmp/schema"
    fi
    mv "$dir.tmp/server" "$dir.tmp/temporal-server"
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
  fi
fi
echo "$dir"
