#!/usr/bin/env bash
# Installs whatever this checkout needs and is missing, on a fresh Debian
# machine or in CI (fresh clone; only ~/.cache survives between runs):
#   npm packages, the generated Prisma client, the pinned Temporal CLI,
#   the time-skipping test server's jars, PostgreSQL, (--with-browser)
#   Chromium for the browser tests, and (--with-topology) what the production
#   topology adds: the Temporal server, its schema tool and UI (and the previous
#   server release for the upgrade test), openssl and nginx.
# Everything comes from package registries (npm, Debian, Go module proxy,
# Maven Central); nothing is fetched at run time afterwards.
# usage: ensure-deps.sh [--with-browser] [--with-topology]
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=false
with_topology=false
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=true ;;
    --with-topology) with_topology=true ;;
    *) echo "ensure-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/common-ground"
mkdir -p "$CACHE"
step() { echo "[deps] $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=false
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "ensure-deps: need $* but apt-get is not available; install them by hand" >&2
    exit 1
  fi
  if [ "$apt_updated" = false ]; then as_root apt-get update -qq; apt_updated=true; fi
  step "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Node 20+ -----------------------------------------------------------------
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 20 ]; then
  apt_install nodejs npm
  if [ "$(node_major)" -lt 20 ]; then
    echo "ensure-deps: Node.js >= 20 is required (found $(node --version 2>/dev/null || echo none))." >&2
    echo "  Debian 13 (trixie) ships Node 20; on older releases install Node 20 from your usual source." >&2
    exit 1
  fi
fi

# Prisma's install scripts and CLI would otherwise try to download native
# engines from the vendor's host; the JS engine needs none.
export PRISMA_SCHEMA_ENGINE_BINARY=/bin/true PRISMA_QUERY_ENGINE_LIBRARY=/bin/true

# --- npm packages: installed exactly as package-lock.json pins them ----------------
# `npm ci` installs the lockfile's tree and fails rather than resolve anything
# anew, so what runs is what was reviewed and a run never rewrites the lockfile
# (it lists every platform's optional @swc/core binary). Keyed on the lockfile's
# hash: nothing to do while it is unchanged.
stamp=node_modules/.common-ground-lock.sha256
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  if [ -L node_modules ]; then
    # A git worktree sharing another checkout's packages: npm ci would empty the shared tree.
    step "node_modules links to a shared tree; not reinstalling it here (run npm ci where it points)"
  else
    step "npm ci (package-lock.json)"
    npm ci --no-audit --no-fund --cache "$CACHE/npm" >&2
    echo "$lock_hash" > "$stamp"
  fi
fi

# --- Prisma client (JS engine; no engine binaries are downloaded) ---------------
if [ ! -f generated/prisma/client.ts ] || [ prisma/schema.prisma -nt generated/prisma/client.ts ]; then
  step "prisma generate"
  npx --no-install prisma generate >&2
  touch generated/prisma/client.ts
fi

# --- Temporal CLI (dev server) --------------------------------------------------
bash scripts/ensure-temporal-cli.sh >/dev/null

# --- time-skipping test server (Java) -------------------------------------------
missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
bash scripts/temporal-test-server.sh --prepare

# --- PostgreSQL -----------------------------------------------------------------
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || apt_install postgresql

# --- Chromium for the browser tests ---------------------------------------------
if [ "$with_browser" = true ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi

# --- production topology ------------------------------------------------------------
if [ "$with_topology" = true ]; then
  bash scripts/ensure-temporal-server.sh >/dev/null
  bash scripts/ensure-temporal-server.sh --previous >/dev/null
  missing=()
  command -v openssl >/dev/null || missing+=(openssl)
  # Only the binary is used (scripts/topology/proxy.sh runs its own instance);
  # on a machine with systemd the package also enables a stock site on port 80.
  [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
fi

# flock (util-linux) and curl are used by the other scripts.
command -v flock >/dev/null || apt_install util-linux
command -v curl >/dev/null || apt_install curl
exit 0
