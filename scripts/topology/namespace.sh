#!/usr/bin/env bash
# Registers the app's Temporal namespace with its retention period, or brings
# the retention of an existing one up to date. Waits for the server first.
# Run natively by scripts/topology/up.sh and, in docker-compose.yml, by the
# temporalio/admin-tools namespace job. Environment:
#   TEMPORAL_CLI                the temporal CLI (default: temporal on PATH)
#   TEMPORAL_ADDRESS            host:port of the frontend
#   TEMPORAL_NAMESPACE          default: default
#   NAMESPACE_RETENTION         how long closed workflow histories are kept (default 2160h)
#   TEMPORAL_TLS_DIR            ca.pem, cli.pem and cli-key.pem (scripts/make-certs.sh)
#   TEMPORAL_TLS_SERVER_NAME    the name in the server's certificate (default: temporal)
set -euo pipefail
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${NAMESPACE_RETENTION:-2160h}
certs=${TEMPORAL_TLS_DIR:?TEMPORAL_TLS_DIR: the folder with ca.pem, cli.pem and cli-key.pem}
cli() {
  "${TEMPORAL_CLI:-temporal}" "$@" --address "${TEMPORAL_ADDRESS:?}" \
    --tls-ca-path "$certs/ca.pem" --tls-cert-path "$certs/cli.pem" --tls-key-path "$certs/cli-key.pem" \
    --tls-server-name "${TEMPORAL_TLS_SERVER_NAME:-temporal}"
}

for attempt in $(seq 1 90); do
  cli operator cluster health >/dev/null 2>&1 && break
  [ "$attempt" -eq 90 ] && { echo "namespace: the Temporal server at $TEMPORAL_ADDRESS did not answer" >&2; exit 1; }
  sleep 1
done
if cli operator namespace describe -n "$namespace" >/dev/null 2>&1; then
  cli operator namespace update -n "$namespace" --retention "$retention" >/dev/null
else
  cli operator namespace create -n "$namespace" --retention "$retention" >/dev/null
fi
echo "namespace $namespace: retention $retention"
