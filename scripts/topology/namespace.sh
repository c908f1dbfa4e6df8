#!/bin/sh
# Registers the app's Temporal namespace with its retention period, or brings
# the retention of an existing one up to date. Waits for the server first.
# Run natively by scripts/topology/up.sh and, in docker-compose.yml, by the
# temporalio/admin-tools namespace job (Alpine: POSIX sh, no bash). Environment:
#   TEMPORAL_CLI                the temporal CLI (default: temporal on PATH)
#   TEMPORAL_ADDRESS            host:port of the frontend
#   TEMPORAL_NAMESPACE          default: default
#   NAMESPACE_RETENTION         how long closed workflow histories are kept (default 2160h)
#   TEMPORAL_TLS_DIR            ca.pem, cli.pem and cli-key.pem (scripts/make-certs.sh)
#   TEMPORAL_TLS_SERVER_NAME    the name in the server's certificate (default: temporal)
set -eu
namespace=${TEMPORAL_NAMESPACE:-default}
retention=${NAMESPACE_RETENTION:-2160h}
certs=${TEMPORAL_TLS_DIR:?TEMPORAL_TLS_DIR: the folder with ca.pem, cli.pem and cli-key.pem}
cli() {
  "${TEMPORAL_CLI:-temporal}" "$@" --address "${TEMPORAL_ADDRESS:?}" \
    --tls-ca-path "$certs/ca.pem" --tls-cert-path "$certs/cli.pem" --tls-key-path "$certs/cli-key.pem" \
    --tls-server-name "${TEMPORAL_TLS_SERVER_NAME:-temporal}"
}

attempt=0
until cli operator cluster health >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 90 ]; then
    echo "namespace: the Temporal server at $TEMPORAL_ADDRESS did not answer" >&2
    exit 1
  fi
  sleep 1
done
if cli operator namespace describe -n "$namespace" >/dev/null 2>&1; then
  cli operator namespace update -n "$namespace" --retention "$retention" >/dev/null
else
  cli operator namespace create -n "$namespace" --retention "$retention" >/dev/null
fi
echo "namespace $namespace: retention $retention"
