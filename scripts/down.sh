#!/usr/bin/env bash
# Stops everything scripts/up.sh started. Data (.data/pg, .data/temporal.db) is kept.
# `--topology production` stops the production topology (scripts/topology/down.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --topology ]; then
  case "${2:-}" in
    production) shift 2; exec bash scripts/topology/down.sh "$@" ;;
    embedded) shift 2 ;;
    *) echo "down: --topology embedded|production" >&2; exit 2 ;;
  esac
fi
ROOT=$(pwd)
source scripts/lib/processes.sh

for name in api worker devsinks temporal; do stop_bg "$name"; done
if [ -f "$PID_DIR/pg.port" ]; then
  echo "==> stopping PostgreSQL" >&2
  bash scripts/embedded-postgres.sh stop "$DATA_DIR/pg" "$(cat "$PID_DIR/pg.port")"
  rm -f "$PID_DIR/pg.port"
fi
echo "stopped (data kept in ${DATA_DIR#$ROOT/}/)"
