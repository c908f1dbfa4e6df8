#!/bin/sh
# Creates or upgrades Temporal's two schemas with temporal-sql-tool, each as
# its own role: `temporal` (default store) and `temporal_visibility`. Safe to
# re-run: setup-schema only adds the version tables when they are missing, and
# update-schema applies only the versions not applied yet.
# Run natively by scripts/topology/temporal-schema.sh and, in
# docker-compose.yml, by the temporalio/admin-tools schema job (Alpine: POSIX
# sh, no bash). Environment:
#   TEMPORAL_SQL_TOOL      the tool (default: temporal-sql-tool on PATH)
#   TEMPORAL_SCHEMA_DIR    the release's schema/postgresql/v12 folder
#   TEMPORAL_DB_HOST, TEMPORAL_DB_PORT
#   TEMPORAL_DB_PASSWORD, TEMPORAL_VISIBILITY_DB_PASSWORD
#   TEMPORAL_SCHEMA_VERSION, TEMPORAL_VISIBILITY_SCHEMA_VERSION
#       optional: stop at an older version (the upgrade test)
set -eu
: "${TEMPORAL_SCHEMA_DIR:?TEMPORAL_SCHEMA_DIR: the schema/postgresql/v12 folder}"

# sql DATABASE ROLE COMMAND...
sql() {
  db=$1 role=$2
  shift 2
  "${TEMPORAL_SQL_TOOL:-temporal-sql-tool}" --plugin postgres12 --ep "${TEMPORAL_DB_HOST:-127.0.0.1}" \
    -p "${TEMPORAL_DB_PORT:-5432}" -u "$role" --db "$db" "$@"
}

# migrate DATABASE ROLE PASSWORD SCHEMA_FOLDER [TARGET_VERSION]
migrate() {
  # The password through the tool's own variable, not the command line (which ps shows).
  SQL_PASSWORD=$3
  export SQL_PASSWORD
  sql "$1" "$2" setup-schema -v 0.0
  if [ -n "$5" ]; then
    sql "$1" "$2" update-schema -d "$TEMPORAL_SCHEMA_DIR/$4/versioned" --version "$5"
  else
    sql "$1" "$2" update-schema -d "$TEMPORAL_SCHEMA_DIR/$4/versioned"
  fi
  unset SQL_PASSWORD
}

migrate temporal temporal "${TEMPORAL_DB_PASSWORD:?}" temporal "${TEMPORAL_SCHEMA_VERSION:-}"
migrate temporal_visibility temporal_visibility "${TEMPORAL_VISIBILITY_DB_PASSWORD:?}" visibility "${TEMPORAL_VISIBILITY_SCHEMA_VERSION:-}"
