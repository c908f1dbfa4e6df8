#!/usr/bin/env bash
# PostgreSQL for the production topology: one cluster (scripts/embedded-postgres.sh)
# holding three databases, each owned by its own login role
# (scripts/topology/databases.sh). Connections over TCP need the role's
# password (scram-sha-256); the passwords come from the secrets file
# (scripts/topology/lib.sh). Re-running re-applies the passwords, so editing
# the secrets file and re-running rotates them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"
load_secrets

bash "$ROOT/scripts/embedded-postgres.sh" start "$DATA_DIR/pg" "$PG_PORT"
echo "$PG_PORT" > "$PID_DIR/pg.port"
real_data_dir=$(readlink -f "$DATA_DIR/pg")
hba="$real_data_dir/pg_hba.conf"
PSQL="$(pg_bin)/psql"

admin_sql() {
  PGPASSWORD=$PG_ADMIN_PASSWORD "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U commonground -d postgres \
    -v ON_ERROR_STOP=1 -qtA "$@"
}

# A fresh cluster trusts every local connection (initdb --auth=trust): set the
# superuser's password first, then require passwords over TCP.
if ! grep -q '^host.*scram-sha-256' "$hba"; then
  admin_sql -c "ALTER ROLE commonground PASSWORD '$PG_ADMIN_PASSWORD'"
  # Rewritten in place (not sed -i) so the file keeps its owner, the postgres user when run as root.
  hardened=$(sed -E 's/^(host[[:space:]].*)trust[[:space:]]*$/\1scram-sha-256/' "$hba")
  printf '%s\n' "$hardened" > "$hba"
  admin_sql -c "SELECT pg_reload_conf()" >/dev/null
fi

PSQL=$PSQL PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=commonground PGPASSWORD=$PG_ADMIN_PASSWORD \
  APP_DB_PASSWORD=$APP_DB_PASSWORD TEMPORAL_DB_PASSWORD=$TEMPORAL_DB_PASSWORD \
  TEMPORAL_VISIBILITY_DB_PASSWORD=$TEMPORAL_VISIBILITY_DB_PASSWORD \
  bash "$ROOT/scripts/topology/databases.sh"
