#!/usr/bin/env bash
# The three databases of the production topology, each owned by its own login
# role; safe to re-run, and re-running re-applies the passwords (rotation):
#   commonground         role cg_app               the app (Prisma migrations and queries)
#   temporal             role temporal             Temporal's default store
#   temporal_visibility  role temporal_visibility  Temporal's visibility store
# Connects as a superuser through the usual libpq variables (PGHOST, PGPORT,
# PGUSER, PGPASSWORD). Run by scripts/topology/postgres.sh, and by the
# postgres image at its first start in docker-compose.yml (mounted into
# /docker-entrypoint-initdb.d). Passwords: APP_DB_PASSWORD,
# TEMPORAL_DB_PASSWORD, TEMPORAL_VISIBILITY_DB_PASSWORD.
set -euo pipefail
PSQL=${PSQL:-psql}

ensure_database() {
  local db=$1 role=$2 password=$3
  # The password travels in the environment, not in the command line (which ps shows).
  ROLE_PASSWORD=$password "$PSQL" -v ON_ERROR_STOP=1 -qtA -d postgres -v role="$role" -v db="$db" <<'SQL'
\getenv password ROLE_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role')
\gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role', :'password')
\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db')
\gexec
SELECT format('GRANT ALL ON DATABASE %I TO %I', :'db', :'role')
\gexec
SQL
}

ensure_database commonground cg_app "${APP_DB_PASSWORD:?}"
ensure_database temporal temporal "${TEMPORAL_DB_PASSWORD:?}"
ensure_database temporal_visibility temporal_visibility "${TEMPORAL_VISIBILITY_DB_PASSWORD:?}"
