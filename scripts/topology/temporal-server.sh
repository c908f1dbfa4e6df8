#!/usr/bin/env bash
# Starts the production topology's Temporal server (config/temporal/production.yaml,
# mTLS) unless it is running, and waits until it answers. Also used on its own:
# restarting the server (stop, then start) and the upgrade test.
# usage: temporal-server.sh start|stop [--previous]
#   --previous  run the previous pinned release (scripts/ensure-temporal-server.sh --previous)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"
action=${1:?start|stop}; shift
release=()
[ "${1:-}" = --previous ] && release=(--previous)

case "$action" in
  stop) stop_bg temporal; exit 0 ;;
  start) ;;
  *) echo "temporal-server: unknown action $action" >&2; exit 2 ;;
esac

load_secrets
SERVER_DIR=$(bash "$ROOT/scripts/ensure-temporal-server.sh" "${release[@]}")
TEMPORAL_CLI=$(bash "$ROOT/scripts/ensure-temporal-cli.sh")
if ! is_running temporal; then
  step "Temporal server $(basename "$SERVER_DIR" | sed 's/temporal-server-/v/') on 127.0.0.1:$TEMPORAL_PORT (mTLS)"
  ( temporal_server_env; start_bg temporal "$SERVER_DIR/temporal-server" --root "$ROOT" --config config/temporal --env production start )
else
  step "Temporal server already running (pid $(pid_of temporal))"
fi
wait_for temporal 90 temporal_cli operator cluster health
