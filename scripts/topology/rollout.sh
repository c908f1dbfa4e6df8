#!/usr/bin/env bash
# Makes a build of the workers the current version of the Worker Deployment:
# from now on the server gives every workflow task (new workflows, and running
# ones at their next task: they auto-upgrade) to workers of this build only.
# Workers of the previous build keep running but get no more workflow tasks;
# stop them once they are idle. Run it after at least one worker of the new
# build has started (the server learns about a build from its pollers).
# usage: rollout.sh BUILD_ID        (printed by scripts/bundle-workflows.ts)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"
build_id=${1:?usage: rollout.sh BUILD_ID}
TEMPORAL_CLI=$(bash "$ROOT/scripts/ensure-temporal-cli.sh")

current() {
  temporal_cli worker deployment describe --name "$DEPLOYMENT_NAME" -o json 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log(j.routingConfig?.currentVersionBuildID??"")}catch{console.log("")}})'
}

if [ "$(current)" = "$build_id" ]; then
  step "build $build_id is already the current version of $DEPLOYMENT_NAME"
  exit 0
fi
step "rollout: build $build_id becomes the current version of $DEPLOYMENT_NAME"
# The server may not have seen the new workers' first poll yet: retry for a while.
for _ in $(seq 1 60); do
  if temporal_cli worker deployment set-current-version --deployment-name "$DEPLOYMENT_NAME" --build-id "$build_id" --yes \
    > "$LOG_DIR/rollout.log" 2>&1; then
    exit 0
  fi
  sleep 1
done
cat "$LOG_DIR/rollout.log" >&2
fail "could not make $build_id current (log: $LOG_DIR/rollout.log)"
