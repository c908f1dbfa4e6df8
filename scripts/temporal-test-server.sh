#!/usr/bin/env bash
# Temporal's time-skipping test server (Java), usable as the `existing-path`
# executable of TestWorkflowEnvironment.createTimeSkipping: it is run as
#   temporal-test-server.sh <port> --enable-time-skipping
# The jars are resolved once from Maven Central into a per-user cache keyed by
# the pom's hash, so a fresh clone reuses them. `--prepare` only fills the cache.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pom="$here/test-server/pom.xml"
key=$(sha256sum "$pom" | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/common-ground/test-server"
lib="$cache/lib-$key"

if [ ! -f "$lib/.complete" ]; then
  mkdir -p "$cache"
  # Several jest workers may start at once on a cold cache: one resolves, the others wait.
  exec 9>"$cache/.lock"
  flock 9
  if [ ! -f "$lib/.complete" ]; then
    echo "resolving temporal-test-server jars into $lib (once)..." >&2
    rm -rf "$lib.tmp"
    mvn -B -q -f "$pom" \
      -Dmaven.repo.local="$cache/m2" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >&2
    touch "$lib.tmp/.complete"
    rm -rf "$lib"; mv "$lib.tmp" "$lib"
  fi
  flock -u 9
  exec 9>&-
fi

[ "${1:-}" = "--prepare" ] && exit 0
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$lib/*" io.temporal.testserver.TestServer "$@"
