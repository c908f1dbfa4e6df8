#!/usr/bin/env bash
# Stops everything the production topology started (app processes first, the
# data servers last). Data, certificates and secrets are kept under
# .data/production unless --destroy is given (throwaway topologies: the tests).
# usage: down.sh [--destroy]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"
destroy=false
[ "${1:-}" = --destroy ] && destroy=true

for pid_file in "$PID_DIR"/api-*.pid "$PID_DIR"/worker-*.pid; do
  [ -e "$pid_file" ] && stop_bg "$(basename "$pid_file" .pid)"
done
for name in devsinks proxy temporal-ui temporal; do stop_bg "$name"; done
if [ -f "$PID_DIR/pg.port" ]; then
  step "stopping PostgreSQL"
  bash "$ROOT/scripts/embedded-postgres.sh" "$([ "$destroy" = true ] && echo destroy || echo stop)" "$DATA_DIR/pg" "$(cat "$PID_DIR/pg.port")"
  rm -f "$PID_DIR/pg.port"
fi
if [ "$destroy" = true ]; then
  rm -rf "$DATA_DIR"
  echo "stopped; ${DATA_DIR#$ROOT/} deleted"
else
  echo "stopped (data kept in ${DATA_DIR#$ROOT/}/)"
fi
