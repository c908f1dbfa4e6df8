#!/usr/bin/env bash
# Builds the pinned Temporal CLI (dev server included) once into a per-user
# cache outside the repo, and prints its path. Reused by every clone.
# v1.5.1 is the newest release `go install` accepts (later go.mod files carry
# a replace directive); it needs go >= 1.25, fetched as a Go toolchain module
# through the module proxy when the installed go is older.
set -euo pipefail
version=1.5.1
dir="${XDG_CACHE_HOME:-$HOME/.cache}/common-ground/bin/temporal-$version"
bin="$dir/temporal"

if [ ! -x "$bin" ]; then
  export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
  if ! command -v go >/dev/null; then
    echo "installing Go from Debian packages (newer toolchain comes from the module proxy)..." >&2
    sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    sudo_ apt-get update -qq && sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go >/dev/null
  fi
  mkdir -p "$(dirname "$dir")"
  exec 9>"$(dirname "$dir")/.temporal-$version.lock"
  flock 9
  if [ ! -x "$bin" ]; then
    go_bin=$(command -v go)
    go_minor=$("$go_bin" env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
    if [ "$go_minor" -lt 25 ]; then
      # Older go (Debian bookworm ships 1.19) cannot switch toolchains itself;
      # the toolchain is an ordinary module on the Go module proxy.
      arch=$(uname -m); case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
      toolchain="golang.org/toolchain@v0.0.1-go1.25.5.linux-$arch"
      echo "fetching $toolchain from the Go module proxy..." >&2
      tc_dir=$(cd /tmp && GO111MODULE=on "$go_bin" mod download -json "$toolchain" | sed -nE 's/^\s*"Dir": "(.*)",?$/\1/p')
      go_bin="$tc_dir/bin/go"; chmod +x "$go_bin" "$tc_dir"/pkg/tool/*/* 2>/dev/null || true
    fi
    echo "building temporal CLI v$version with $("$go_bin" env GOVERSION) (first time only; several minutes on 2 cores)..." >&2
    rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
    GOTOOLCHAIN=local GOBIN="$dir.tmp" "$go_bin" install "github.com/temporalio/cli/cmd/temporal@v$version" >&2
    rm -rf "$dir"; mv "$dir.tmp" "$dir"
  fi
fi
echo "$bin"
