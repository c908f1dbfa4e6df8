#!/usr/bin/env bash
# Command (b): the full suite. Installs what is missing, type-checks, lints,
# then runs the jest projects one after another (unit, integration, security,
# e2e, topology: the production topology, see README "Deploying"), then the
# short chaos run (chaos/) and the API contract test (schemathesis,
# test/contract/); each of those two counts as one test in the totals.
# Every step runs even if an earlier one failed, so one run shows everything;
# the last line is "N passed, N failed" and the exit status is non-zero on any
# failure. Needs nothing running: the tests start their own servers on free
# ports (see test/harness/).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-deps.sh --with-browser --with-topology || { echo "test: installing dependencies failed" >&2; exit 1; }

RESULTS=.data/test-results
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
failed_steps=()
ci_flag=()
[ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ] && ci_flag=(--ci)

echo "==> typecheck (tsc)"
npx --no-install tsc -p tsconfig.json --noEmit || failed_steps+=(typecheck)

echo "==> lint (eslint)"
npm run --silent lint || failed_steps+=(lint)

for project in unit integration security e2e topology; do
  echo "==> jest: $project"
  # Integration and e2e tests each start real servers; one file at a time on 2 cores.
  band=(); [ "$project" = unit ] || band=(--runInBand)
  # --forceExit: a leaked handle must not hang CI for its whole time budget.
  npx --no-install jest --selectProjects "$project" "${band[@]}" "${ci_flag[@]}" --forceExit \
    --json --outputFile "$RESULTS/$project.json" --passWithNoTests || failed_steps+=("jest:$project")
  [ -s "$RESULTS/$project.json" ] || failed_steps+=("jest:$project(no results)")
done

# The short chaos run (chaos/knobs.ts: CHAOS_SHORT): the same fault scenarios as npm run chaos, with fewer
# rounds and shorter outages, so a regression in delivery, idempotency or backpressure fails CI.
echo "==> chaos (short)"
if CHAOS_SHORT=1 npx --no-install tsx chaos/run.ts; then chaos_result="1 0"; else chaos_result="0 1"; failed_steps+=(chaos); fi

echo "==> contract (schemathesis against the whole system)"
# The OpenAPI document against what the server does: every check, a token per
# role, a bounded number of cases (test/contract/profiles.ts); any finding fails.
if npx --no-install tsx test/contract/run.ts; then contract_result="1 0"; else contract_result="0 1"; failed_steps+=(contract); fi

totals=$(node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const p of ["unit", "integration", "security", "e2e", "topology"]) {
    const file = `${process.argv[1]}/${p}.json`;
    if (!fs.existsSync(file)) continue;
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    // A suite that fails to load has no failed tests but is a failure all the same.
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} ${failed}`);
' "$RESULTS") || totals="0 0"
read -r passed failed <<< "$totals"
# The chaos run and the contract run count as one test each.
for outcome in "$chaos_result" "$contract_result"; do
  read -r step_passed step_failed <<< "$outcome"
  passed=$((passed + step_passed)); failed=$((failed + step_failed))
done

if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "failed steps: ${failed_steps[*]}"
fi
echo "$passed passed, $failed failed"
[ ${#failed_steps[@]} -eq 0 ] && [ "$failed" -eq 0 ]
