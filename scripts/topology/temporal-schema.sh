#!/usr/bin/env bash
# Creates or upgrades Temporal's two schemas with temporal-sql-tool, each as
# its own role: `temporal` (default store) and `temporal_visibility`. Safe to
# re-run: setup-schema only adds the version tables when they are missing, and
# update-schema applies only the versions not applied yet.
# usage: temporal-schema.sh [--version X] [--visibility-version Y]
#   stop at an older schema version (an upgrade test; the server of the same
#   release refuses to start on an older schema than it expects).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"
load_secrets

default_target=() visibility_target=()
while [ $# -gt 0 ]; do
  case "$1" in
    --version) default_target=(--version "${2:?}"); shift ;;
    --visibility-version) visibility_target=(--version "${2:?}"); shift ;;
    *) echo "temporal-schema: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

server_dir=$(bash "$ROOT/scripts/ensure-temporal-server.sh")
schemas="$server_dir/schema/postgresql/v12"

# migrate DATABASE ROLE PASSWORD SCHEMA_DIR [--version X]
migrate() {
  local db=$1 user=$2 password=$3 schema=$4; shift 4
  local sql=("$server_dir/temporal-sql-tool" --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u "$user" --pw "$password" --db "$db")
  "${sql[@]}" setup-schema -v 0.0
  "${sql[@]}" update-schema -d "$schemas/$schema/versioned" "$@"
}

{
  migrate temporal temporal "$TEMPORAL_DB_PASSWORD" temporal "${default_target[@]}"
  migrate temporal_visibility temporal_visibility "$TEMPORAL_VISIBILITY_DB_PASSWORD" visibility "${visibility_target[@]}"
} > "$LOG_DIR/temporal-schema.log" 2>&1 || { tail -20 "$LOG_DIR/temporal-schema.log" >&2; fail "temporal-sql-tool failed (log: $LOG_DIR/temporal-schema.log)"; }
