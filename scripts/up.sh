#!/usr/bin/env bash
# Command (a): the whole system on embedded defaults, left running in the
# background. Installs what is missing, then starts PostgreSQL (.data/pg, with
# migrations), the Temporal dev server (persisted to .data/temporal.db), the
# mail and SMS sinks, the worker and the API; seeds the demo roster and prints
# where everything is. Safe to re-run: data servers keep running and keep
# their data, app processes are restarted. Stop everything: scripts/down.sh.
#
# Ports come from the environment when set (defaults in brackets):
#   CG_PG_PORT [54329]  CG_TEMPORAL_PORT [7233]  CG_TEMPORAL_UI_PORT [8233]
#   API_PORT [3000]  DEVSINKS_SMTP_PORT [1025]  DEVSINKS_MAIL_HTTP_PORT [8025]
#   DEVSINKS_SMS_HTTP_PORT [8026]
#
# `bash scripts/up.sh --topology production` starts the production topology
# instead (scripts/topology/up.sh; README "Deploying"); the embedded mode
# above is `--topology embedded`, the default.
set -euo pipefail
if [ "${1:-}" = --topology ]; then
  case "${2:-}" in
    production) shift 2; exec bash "$(dirname "$0")/topology/up.sh" "$@" ;;
    embedded) shift 2 ;;
    *) echo "up: --topology embedded|production" >&2; exit 2 ;;
  esac
fi
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib/processes.sh

for piece in api/main.ts worker/main.ts devsinks/main.ts workflows/index.ts activities/index.ts; do
  if [ ! -f "$piece" ]; then
    echo "up: $piece is missing in this checkout; the system cannot start without it." >&2
    exit 1
  fi
done

bash scripts/ensure-deps.sh

export PG_PORT=${CG_PG_PORT:-54329}
export TEMPORAL_PORT=${CG_TEMPORAL_PORT:-7233}
export TEMPORAL_UI_PORT=${CG_TEMPORAL_UI_PORT:-8233}
export API_PORT=${API_PORT:-3000}
export DEVSINKS_SMTP_PORT=${DEVSINKS_SMTP_PORT:-1025}
export DEVSINKS_MAIL_HTTP_PORT=${DEVSINKS_MAIL_HTTP_PORT:-8025}
export DEVSINKS_SMS_HTTP_PORT=${DEVSINKS_SMS_HTTP_PORT:-8026}

# One consistent embedded configuration for every process (lib/config.ts reads these).
export MODE=embedded
export DATABASE_URL=${DATABASE_URL:-postgresql://commonground@127.0.0.1:$PG_PORT/commonground}
export TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_PORT
export API_HOST=${API_HOST:-127.0.0.1}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$API_PORT}
export SMTP_HOST=127.0.0.1 SMTP_PORT=$DEVSINKS_SMTP_PORT
export TWILIO_API_BASE_URL=http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT
export PRISMA_SCHEMA_ENGINE_BINARY=/bin/true PRISMA_QUERY_ENGINE_LIBRARY=/bin/true

mkdir -p "$DATA_DIR" "$LOG_DIR" "$PID_DIR"

# --- data servers (kept running across re-runs) ---------------------------------
step "PostgreSQL on 127.0.0.1:$PG_PORT (data in .data/pg)"
bash scripts/embedded-postgres.sh start "$DATA_DIR/pg" "$PG_PORT" commonground
echo "$PG_PORT" > "$PID_DIR/pg.port"

step "migrations"
node_modules/.bin/tsx scripts/migrate.ts > "$LOG_DIR/migrate.log" 2>&1 || { tail -30 "$LOG_DIR/migrate.log" >&2; fail "migrations failed (log: .data/logs/migrate.log)"; }

TEMPORAL_BIN=$(bash scripts/ensure-temporal-cli.sh)
if ! is_running temporal; then
  step "Temporal dev server on 127.0.0.1:$TEMPORAL_PORT, UI :$TEMPORAL_UI_PORT (state in .data/temporal.db)"
  # WAL journal: the default rollback journal caps the dev server at a few workflows per second.
  start_bg temporal "$TEMPORAL_BIN" server start-dev \
    --db-filename "$DATA_DIR/temporal.db" --sqlite-pragma journal_mode=wal \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" --log-level warn
else
  step "Temporal dev server already running (pid $(cat "$PID_DIR/temporal.pid"))"
fi
wait_for temporal 60 "$TEMPORAL_BIN" operator cluster health --address "$TEMPORAL_ADDRESS"

# --- app processes (restarted on every run) -------------------------------------
for name in api worker devsinks; do stop_bg "$name"; done

TSX="$ROOT/node_modules/.bin/tsx"
step "mail and SMS sinks"
start_bg devsinks "$TSX" devsinks/main.ts
wait_for devsinks 30 curl -fsS -o /dev/null "http://127.0.0.1:$DEVSINKS_MAIL_HTTP_PORT/api/messages"
wait_for devsinks 30 curl -fsS -o /dev/null "http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT/_sink/messages"

step "worker"
start_bg worker "$TSX" worker/main.ts
wait_for worker 120 grep -q '"worker started"' "$LOG_DIR/worker.log"

step "API"
start_bg api "$TSX" api/main.ts
wait_for api 60 curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT/healthz"

step "seeding the demo roster"
"$TSX" scripts/seed.ts > "$LOG_DIR/seed.log" 2>&1 || { cat "$LOG_DIR/seed.log" >&2; fail "seeding failed (log: .data/logs/seed.log)"; }

# The seeded plan starts in the past, so its first snapshot, digest and overdue
# messages go out now. Wait until the sinks stop receiving, so the first
# incident someone declares is not queued behind that catch-up work.
step "waiting for the seeded plan's catch-up messages"
sink_total() {
  local mails texts
  mails=$(curl -fsS "http://127.0.0.1:$DEVSINKS_MAIL_HTTP_PORT/api/messages" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).length)}catch{console.log(-1)}})')
  texts=$(curl -fsS "http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT/_sink/messages" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log((Array.isArray(j)?j:j.messages).length)}catch{console.log(-1)}})')
  echo "$mails/$texts"
}
previous=""; quiet=0
for _ in $(seq 1 60); do
  current=$(sink_total)
  if [ "$current" = "$previous" ]; then quiet=$((quiet + 1)); else quiet=0; previous=$current; fi
  [ "$quiet" -ge 3 ] && break
  sleep 1
done

cat <<EOF

Common Ground is running (embedded mode). Logs: .data/logs/   Stop: bash scripts/down.sh

  API                  $PUBLIC_BASE_URL/api   (health: $PUBLIC_BASE_URL/healthz, spec: $PUBLIC_BASE_URL/api/openapi.json)
  Staff console        $PUBLIC_BASE_URL/console   (sign in with any demo email and password demo-password)
  Public site          $PUBLIC_BASE_URL/
  Temporal UI          http://127.0.0.1:$TEMPORAL_UI_PORT
  Mail inbox           http://127.0.0.1:$DEVSINKS_MAIL_HTTP_PORT/   JSON: http://127.0.0.1:$DEVSINKS_MAIL_HTTP_PORT/api/messages
  SMS sink             http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT/   JSON: http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT/_sink/messages
  Voice sink (calls)   http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT/calls   JSON: http://127.0.0.1:$DEVSINKS_SMS_HTTP_PORT/_sink/calls
  PostgreSQL           $DATABASE_URL
  Temporal (gRPC)      $TEMPORAL_ADDRESS

EOF
sed -n '/bearer tokens/,$p' "$LOG_DIR/seed.log"
cat <<EOF

Try:  curl -s -H 'Authorization: Bearer demo-city-manager' $PUBLIC_BASE_URL/api/me
EOF
