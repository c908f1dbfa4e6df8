#!/usr/bin/env bash
# `bash scripts/up.sh --topology production`: the production topology on one
# machine, beside the embedded mode (own data dir .data/production, own ports;
# scripts/topology/lib.sh lists them). In order:
#   certificates (scripts/make-certs.sh) -> PostgreSQL with three databases and
#   roles -> Temporal's schemas (temporal-sql-tool) -> the Temporal server on
#   them (config/temporal, mTLS) -> the namespace with its retention -> the
#   Temporal UI (loopback, mTLS) -> the proxy (nginx) -> the app's migrations
#   -> N workers (each bundles the workflows in memory at start; the bundle's
#   hash, key masked, is their build id, and Worker Versioning makes that build
#   the current version) and N API
#   processes behind the proxy -> the city's people (--roster).
# Data servers, the UI and the proxy keep running across re-runs; workers and
# API processes are replaced one at a time (a rolling restart: the others keep
# serving). Stop everything: bash scripts/down.sh --topology production.
#
# Providers: SMTP_HOST/SMTP_PORT/SMTP_USER/SMTP_PASSWORD/SMTP_SECURE/MAIL_FROM
# and TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN/TWILIO_FROM_NUMBER (with
# TWILIO_API_BASE_URL empty) from the environment or from
# .data/production/settings.env (KEY=VALUE lines). Without SMTP_HOST, the local
# mail and SMS sinks stand in for both.
#
# usage: up.sh [--roster people.json] [--infra-only]
#   --roster      the city's people (scripts/roster-file.ts), upserted; their new
#                 bearer tokens are printed once and kept in .data/production/tokens.txt.
#                 Production seeds nothing fictional.
#   --infra-only  stop after the proxy (the topology tests start their own app processes)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

infra_only=false roster=""
while [ $# -gt 0 ]; do
  case "$1" in
    --infra-only) infra_only=true ;;
    --roster) roster=$(realpath "${2:?--roster FILE}"); shift ;;
    *) echo "up --topology production: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
cd "$ROOT"
source scripts/topology/lib.sh

bash scripts/ensure-deps.sh --with-topology
SERVER_DIR=$(bash scripts/ensure-temporal-server.sh)
TEMPORAL_CLI=$(bash scripts/ensure-temporal-cli.sh)
load_secrets
if [ -f "$DATA_DIR/settings.env" ]; then set -a; source "$DATA_DIR/settings.env"; set +a; fi

step "certificates (CA, Temporal server, clients) in ${CERT_DIR#$ROOT/}"
bash scripts/make-certs.sh "$CERT_DIR"

step "PostgreSQL on 127.0.0.1:$PG_PORT: databases commonground, temporal, temporal_visibility, one role each"
bash scripts/topology/postgres.sh

step "Temporal schemas (temporal-sql-tool: set up, then upgrade to this release's versions)"
bash scripts/topology/temporal-schema.sh

bash scripts/topology/temporal-server.sh start

step "namespace $NAMESPACE (retention $NAMESPACE_RETENTION)"
TEMPORAL_CLI=$TEMPORAL_CLI TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT TEMPORAL_NAMESPACE=$NAMESPACE \
  NAMESPACE_RETENTION=$NAMESPACE_RETENTION TEMPORAL_TLS_DIR=$CERT_DIR sh scripts/topology/namespace.sh >/dev/null

# Restarted on every run, so renewed certificates and changed settings take effect.
stop_bg temporal-ui
step "Temporal UI on 127.0.0.1:$UI_PORT (loopback only; mTLS to the server)"
TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT TEMPORAL_NAMESPACE=$NAMESPACE TEMPORAL_UI_PORT=$UI_PORT \
  TEMPORAL_UI_PUBLIC_URL=http://127.0.0.1:$UI_PORT TEMPORAL_TLS_DIR=$CERT_DIR \
  start_bg temporal-ui "$SERVER_DIR/temporal-ui-server" --root "$ROOT" --config config/temporal-ui --env production start
wait_for temporal-ui 30 curl -fsS -o /dev/null "http://127.0.0.1:$UI_PORT/api/v1/namespaces/$NAMESPACE"

# --- the environment of every app process ------------------------------------------
# Production refuses local providers and plain http unless waived by name: a
# rehearsal on one machine (the local sinks, http on loopback) says so here.
sinks=false waivers=()
if [ -z "${SMTP_HOST:-}" ]; then
  sinks=true waivers+=(local-providers)
  SMTP_HOST=127.0.0.1 SMTP_PORT=$SINK_SMTP_PORT SMTP_SECURE=false
  TWILIO_API_BASE_URL=http://127.0.0.1:$SINK_SMS_HTTP_PORT TWILIO_AUTH_TOKEN=$LOCAL_SINK_TWILIO_AUTH_TOKEN
fi
public_base_url=${PUBLIC_BASE_URL:-http://127.0.0.1:$HTTP_PORT}
[[ $public_base_url == https:* ]] || waivers+=(http)
{
  echo "MODE=production"
  echo "DATABASE_URL=postgresql://cg_app:$APP_DB_PASSWORD@127.0.0.1:$PG_PORT/commonground"
  echo "TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT"
  echo "TEMPORAL_NAMESPACE=$NAMESPACE"
  echo "TEMPORAL_TLS_CA_FILE=$CERT_DIR/ca.pem"
  echo "TEMPORAL_TLS_SERVER_NAME=temporal"
  echo "PUBLIC_BASE_URL=$public_base_url"
  echo "API_HOST=127.0.0.1"
  echo "LINK_SIGNING_SECRET=$LINK_SIGNING_SECRET"
  if [ ${#waivers[@]} -gt 0 ]; then (IFS=,; echo "ALLOW_INSECURE=${waivers[*]}"); fi
  echo "ACTOR_CLAIM_SECRET=$ACTOR_CLAIM_SECRET"
  echo "AUDIT_CHECKPOINT_KEY=$AUDIT_CHECKPOINT_KEY"
  echo "TEMPORAL_DEPLOYMENT_NAME=$DEPLOYMENT_NAME"
  echo "LOG_LEVEL=${LOG_LEVEL:-info}"
  for key in SMTP_HOST SMTP_PORT SMTP_SECURE SMTP_USER SMTP_PASSWORD MAIL_FROM TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN \
    TWILIO_FROM_NUMBER TWILIO_API_BASE_URL CITY_TIME_ZONE POLICY_FILE TEMPORAL_TASK_QUEUE; do
    if [ -n "${!key+set}" ]; then echo "$key=${!key}"; fi
  done
  echo "PRISMA_SCHEMA_ENGINE_BINARY=/bin/true"
  echo "PRISMA_QUERY_ENGINE_LIBRARY=/bin/true"
} > "$APP_ENV_FILE.tmp"
chmod 600 "$APP_ENV_FILE.tmp"; mv "$APP_ENV_FILE.tmp" "$APP_ENV_FILE"

step "proxy (nginx) on 127.0.0.1:$HTTP_PORT -> API processes on ${API_PORTS[*]}"
bash scripts/topology/proxy.sh

if [ "$infra_only" = true ]; then
  step "infrastructure is up (app environment: ${APP_ENV_FILE#$ROOT/})"
  exit 0
fi

# with_app_env COMMAND...: COMMAND in the app processes' environment.
with_app_env() { ( while IFS= read -r line; do export "$line"; done < "$APP_ENV_FILE"; "$@" ); }
TSX="$ROOT/node_modules/.bin/tsx"

step "migrations (scripts/migrate.ts, as role cg_app)"
with_app_env "$ROOT/node_modules/.bin/tsx" scripts/migrate.ts > "$LOG_DIR/migrate.log" 2>&1 \
  || { tail -30 "$LOG_DIR/migrate.log" >&2; fail "migrations failed (log: $LOG_DIR/migrate.log)"; }


if [ "$sinks" = true ]; then
  step "local mail and SMS sinks (no SMTP_HOST given)"
  stop_bg devsinks
  DEVSINKS_SMTP_PORT=$SINK_SMTP_PORT DEVSINKS_MAIL_HTTP_PORT=$SINK_MAIL_HTTP_PORT DEVSINKS_SMS_HTTP_PORT=$SINK_SMS_HTTP_PORT \
    with_app_env start_bg devsinks "$TSX" devsinks/main.ts
  wait_for devsinks 30 curl -fsS -o /dev/null "http://127.0.0.1:$SINK_SMS_HTTP_PORT/_sink/messages"
fi

# One at a time, each replacement ready before the next goes: the others keep
# serving. Once the first worker of this build polls, the build becomes the
# current version (scripts/promote-build.ts); workers of an older build then
# get no more workflow tasks and are replaced in turn.
for i in "${!WORKER_METRICS_PORTS[@]}"; do
  name="worker-$((i + 1))"
  step "$name (metrics on 127.0.0.1:${WORKER_METRICS_PORTS[$i]})"
  stop_bg "$name"
  TEMPORAL_TLS_CERT_FILE=$CERT_DIR/worker.pem TEMPORAL_TLS_KEY_FILE=$CERT_DIR/worker-key.pem \
    WORKER_METRICS_ADDRESS=127.0.0.1:${WORKER_METRICS_PORTS[$i]} \
    with_app_env start_bg "$name" "$TSX" worker/main.ts
  wait_for "$name" 120 grep -q '"worker started"' "$LOG_DIR/$name.log"
  if [ "$i" -eq 0 ]; then
    TEMPORAL_TLS_CERT_FILE=$CERT_DIR/cli.pem TEMPORAL_TLS_KEY_FILE=$CERT_DIR/cli-key.pem \
      with_app_env "$TSX" scripts/promote-build.ts | sed 's/^/==> /' >&2
  fi
done
for i in "${!API_PORTS[@]}"; do
  name="api-$((i + 1))"
  step "$name on 127.0.0.1:${API_PORTS[$i]}"
  stop_bg "$name"
  TEMPORAL_TLS_CERT_FILE=$CERT_DIR/api.pem TEMPORAL_TLS_KEY_FILE=$CERT_DIR/api-key.pem API_PORT=${API_PORTS[$i]} \
    with_app_env start_bg "$name" "$TSX" api/main.ts
  wait_for "$name" 60 curl -fsS -o /dev/null "http://127.0.0.1:${API_PORTS[$i]}/readyz"
  # The proxy set this port aside for fail_timeout (3 s) when it refused
  # connections; once that has passed it is back in rotation and the next may go.
  sleep 4
done
# Fewer processes configured than last time: stop the ones left over.
for pid_file in "$PID_DIR"/worker-*.pid "$PID_DIR"/api-*.pid; do
  [ -e "$pid_file" ] || continue
  name=$(basename "$pid_file" .pid); kind=${name%-*}; index=${name##*-}
  count=${#WORKER_METRICS_PORTS[@]}; [ "$kind" = api ] && count=${#API_PORTS[@]}
  if [ "$index" -gt "$count" ]; then stop_bg "$name"; fi
done

if [ -n "$roster" ]; then
  step "the city's people from $roster (their new bearer tokens are kept in ${DATA_DIR#$ROOT/}/tokens.txt)"
  ( umask 077
    TEMPORAL_TLS_CERT_FILE=$CERT_DIR/cli.pem TEMPORAL_TLS_KEY_FILE=$CERT_DIR/cli-key.pem \
      with_app_env "$TSX" scripts/seed.ts --roster "$roster" > "$DATA_DIR/tokens.txt" 2> "$LOG_DIR/seed.log" ) \
    || { cat "$LOG_DIR/seed.log" "$DATA_DIR/tokens.txt" >&2; fail "seeding the roster failed (log: $LOG_DIR/seed.log)"; }
fi

public_url=$(grep '^PUBLIC_BASE_URL=' "$APP_ENV_FILE" | cut -d= -f2-)
cat <<EOF

Common Ground is running (production topology). Logs: ${LOG_DIR#$ROOT/}/   Stop: bash scripts/down.sh --topology production

  Public address       $public_url   (proxy -> API processes on ${API_PORTS[*]})
  Readiness            $public_url/readyz
  API metrics          http://127.0.0.1:${API_PORTS[0]}/metrics (each API process)
  Worker metrics       $(for p in "${WORKER_METRICS_PORTS[@]}"; do printf 'http://127.0.0.1:%s/metrics ' "$p"; done)
  Temporal (gRPC)      127.0.0.1:$TEMPORAL_PORT (mTLS; client certificates in ${CERT_DIR#$ROOT/})
  Temporal metrics     http://127.0.0.1:$((TEMPORAL_PORT + 9))/metrics
  Temporal UI          http://127.0.0.1:$UI_PORT (loopback only)
  PostgreSQL           127.0.0.1:$PG_PORT (passwords in ${SECRETS_FILE#$ROOT/})
EOF
if [ "$sinks" = true ]; then
  echo "  Mail inbox           http://127.0.0.1:$SINK_MAIL_HTTP_PORT/"
  echo "  SMS sink             http://127.0.0.1:$SINK_SMS_HTTP_PORT/"
fi
echo
if [ -n "$roster" ]; then
  sed -n '/bearer tokens/,$p' "$DATA_DIR/tokens.txt"
elif ! [ -s "$DATA_DIR/tokens.txt" ]; then
  echo "No people yet: production seeds nothing fictional. Add the city's: bash scripts/up.sh --topology production --roster people.json"
fi
