#!/usr/bin/env bash
# Installs the contract fuzzer (schemathesis, from PyPI) once into a virtual
# environment in the per-user cache outside the repo, and prints the path of
# its `schemathesis` command. The environment is keyed by the checksum of
# test/contract/requirements.txt (pinned versions and hashes), so changing the
# pins builds a new one and every clone with the same pins reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=test/contract/requirements.txt
key=$(sha256sum "$requirements" | cut -c1-16)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/common-ground"
venv="$cache/venv-schemathesis-$key"
bin="$venv/bin/schemathesis"

if [ ! -f "$venv/.complete" ]; then
  python=""
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      python=$(command -v "$candidate"); break
    fi
  done
  if [ -z "$python" ]; then
    echo "installing python3-venv from Debian packages..." >&2
    sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    sudo_ apt-get update -qq && sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python=$(command -v python3)
  fi
  mkdir -p "$cache"
  exec 9>"$cache/.venv-schemathesis.lock"
  flock 9
  if [ ! -f "$venv/.complete" ]; then
    echo "installing schemathesis into $venv (first time only)..." >&2
    # A venv's scripts name its own path, so it is built in place; .complete marks a finished install.
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
      --require-hashes --only-binary :all: -r "$requirements" >&2
    touch "$venv/.complete"
  fi
fi
echo "$bin"
