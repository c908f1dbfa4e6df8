# The production topology's settings, shared by scripts/topology/*.sh (sourced).
# Everything lives under its own data dir (CG_DATA_DIR, default .data/production)
# and on its own ports, so it runs beside the embedded mode. Every port can be
# set from the environment (defaults in brackets):
#   CG_PROD_PG_PORT [54339]         PostgreSQL
#   CG_PROD_TEMPORAL_PORT [7333]    Temporal frontend gRPC; the server's other services
#                                   use the next nine ports (history +1, matching +2,
#                                   worker +3, frontend HTTP +4, membership +5..+8,
#                                   server metrics +9); all below 32768, the server
#                                   stores its membership ports as smallint
#   CG_PROD_UI_PORT [8333]          Temporal UI (loopback only)
#   CG_PROD_HTTP_PORT [3100]        the proxy in front of the API processes (PUBLIC_BASE_URL)
#   CG_PROD_API_PORTS ["3101 3102"] one API process per port
#   CG_PROD_WORKER_METRICS_PORTS ["9464 9465"]  one worker per port (its Prometheus endpoint)
#   CG_PROD_SINK_PORTS ["1125 8125 8126"]       local mail/SMS sinks, used when SMTP_HOST is unset
ROOT=${ROOT:?ROOT must be set before sourcing scripts/topology/lib.sh}
export CG_DATA_DIR=${CG_DATA_DIR:-$ROOT/.data/production}
source "$ROOT/scripts/lib/processes.sh"
mkdir -p "$DATA_DIR" "$LOG_DIR" "$PID_DIR"

PG_PORT=${CG_PROD_PG_PORT:-54339}
TEMPORAL_PORT=${CG_PROD_TEMPORAL_PORT:-7333}
UI_PORT=${CG_PROD_UI_PORT:-8333}
HTTP_PORT=${CG_PROD_HTTP_PORT:-3100}
read -r -a API_PORTS <<< "${CG_PROD_API_PORTS:-3101 3102}"
read -r -a WORKER_METRICS_PORTS <<< "${CG_PROD_WORKER_METRICS_PORTS:-9464 9465}"
read -r SINK_SMTP_PORT SINK_MAIL_HTTP_PORT SINK_SMS_HTTP_PORT <<< "${CG_PROD_SINK_PORTS:-1125 8125 8126}"

CERT_DIR="$DATA_DIR/certs"
SECRETS_FILE="$DATA_DIR/secrets.env"
# What every app process (API, worker, migrations, seed) is started with.
APP_ENV_FILE="$DATA_DIR/app.env"
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
# Workers join this Worker Deployment; their build id is their workflow bundle's hash.
DEPLOYMENT_NAME=${TEMPORAL_DEPLOYMENT_NAME:-common-ground}
# Closed workflow histories are kept this long (incidents are reviewed for months).
NAMESPACE_RETENTION=${CG_PROD_NAMESPACE_RETENTION:-2160h}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# The passwords of the database roles and the app's secrets, made once and kept
# (mode 600) beside the data; a key missing from an older file is added.
# LOCAL_SINK_TWILIO_AUTH_TOKEN is shared by the app and the local SMS sink when
# no real provider is configured (production refuses the published one).
# Rotating one: README "Deploying".
SECRET_KEYS=(PG_ADMIN_PASSWORD APP_DB_PASSWORD TEMPORAL_DB_PASSWORD TEMPORAL_VISIBILITY_DB_PASSWORD LINK_SIGNING_SECRET ACTOR_CLAIM_SECRET LOCAL_SINK_TWILIO_AUTH_TOKEN)
load_secrets() {
  mkdir -p "$DATA_DIR"
  ( umask 077
    [ -f "$SECRETS_FILE" ] || echo "# Made by scripts/up.sh --topology production on $(date -u +%Y-%m-%dT%H:%M:%SZ). Keep private." > "$SECRETS_FILE"
    for key in "${SECRET_KEYS[@]}"; do
      grep -q "^$key=" "$SECRETS_FILE" || echo "$key=$(openssl rand -hex 24)" >> "$SECRETS_FILE"
    done
    # The audit checkpoints' Ed25519 signing key (base64 PKCS#8 DER): the database never sees it.
    grep -q "^AUDIT_CHECKPOINT_KEY=" "$SECRETS_FILE" \
      || echo "AUDIT_CHECKPOINT_KEY=$(openssl genpkey -algorithm ed25519 -outform DER | base64 | tr -d '\n')" >> "$SECRETS_FILE"
  )
  # Shell variables only: each process is handed just the secrets it needs.
  source "$SECRETS_FILE"
}

# The Temporal server's environment (config/temporal/production.yaml reads it).
# Call it in the subshell that starts the server.
temporal_server_env() {
  export TEMPORAL_DB_PASSWORD TEMPORAL_VISIBILITY_DB_PASSWORD
  export TEMPORAL_DB_HOST=127.0.0.1 TEMPORAL_DB_PORT=$PG_PORT
  export TEMPORAL_DB_USER=temporal TEMPORAL_VISIBILITY_DB_USER=temporal_visibility
  export TEMPORAL_TLS_DIR=$CERT_DIR TEMPORAL_TLS_SERVER_NAME=temporal
  export TEMPORAL_BIND_IP=127.0.0.1 TEMPORAL_BROADCAST_ADDRESS=127.0.0.1
  export TEMPORAL_FRONTEND_PORT=$TEMPORAL_PORT
  export TEMPORAL_HISTORY_PORT=$((TEMPORAL_PORT + 1)) TEMPORAL_MATCHING_PORT=$((TEMPORAL_PORT + 2))
  export TEMPORAL_WORKER_PORT=$((TEMPORAL_PORT + 3)) TEMPORAL_FRONTEND_HTTP_PORT=$((TEMPORAL_PORT + 4))
  export TEMPORAL_FRONTEND_MEMBERSHIP_PORT=$((TEMPORAL_PORT + 5)) TEMPORAL_HISTORY_MEMBERSHIP_PORT=$((TEMPORAL_PORT + 6))
  export TEMPORAL_MATCHING_MEMBERSHIP_PORT=$((TEMPORAL_PORT + 7)) TEMPORAL_WORKER_MEMBERSHIP_PORT=$((TEMPORAL_PORT + 8))
  export TEMPORAL_METRICS_ADDRESS=127.0.0.1:$((TEMPORAL_PORT + 9))
  export TEMPORAL_DYNAMIC_CONFIG_FILE=$ROOT/config/temporal/dynamicconfig/production.yaml
}

# The temporal CLI against this server, as an operator (cli certificate).
temporal_cli() {
  "$TEMPORAL_CLI" "$@" --address "127.0.0.1:$TEMPORAL_PORT" --namespace "$NAMESPACE" \
    --tls-ca-path "$CERT_DIR/ca.pem" --tls-cert-path "$CERT_DIR/cli.pem" --tls-key-path "$CERT_DIR/cli-key.pem" \
    --tls-server-name temporal
}
