#!/usr/bin/env bash
# Temporal's schemas for the production topology on this machine: runs
# scripts/topology/temporal-sql.sh with the cached temporal-sql-tool and the
# release's schema folder (scripts/ensure-temporal-server.sh).
# usage: temporal-schema.sh [--version X] [--visibility-version Y]
#   stop at an older schema version (the upgrade test: a server refuses to
#   start on an older schema than its release expects)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"
load_secrets

default_target="" visibility_target=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) default_target=${2:?}; shift ;;
    --visibility-version) visibility_target=${2:?}; shift ;;
    *) echo "temporal-schema: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

server_dir=$(bash "$ROOT/scripts/ensure-temporal-server.sh")
TEMPORAL_SQL_TOOL="$server_dir/temporal-sql-tool" TEMPORAL_SCHEMA_DIR="$server_dir/schema/postgresql/v12" \
  TEMPORAL_DB_HOST=127.0.0.1 TEMPORAL_DB_PORT=$PG_PORT \
  TEMPORAL_DB_PASSWORD=$TEMPORAL_DB_PASSWORD TEMPORAL_VISIBILITY_DB_PASSWORD=$TEMPORAL_VISIBILITY_DB_PASSWORD \
  TEMPORAL_SCHEMA_VERSION=$default_target TEMPORAL_VISIBILITY_SCHEMA_VERSION=$visibility_target \
  sh "$ROOT/scripts/topology/temporal-sql.sh" > "$LOG_DIR/temporal-schema.log" 2>&1 \
  || { tail -20 "$LOG_DIR/temporal-schema.log" >&2; fail "temporal-sql-tool failed (log: $LOG_DIR/temporal-schema.log)"; }
