#!/usr/bin/env bash
# Runs a private PostgreSQL cluster from Debian's packages: the embedded default.
# usage: embedded-postgres.sh start|stop|status|destroy DATA_DIR PORT [DB_NAME...]
# destroy stops the cluster and deletes its data (throwaway test clusters).
set -euo pipefail
action=${1:?start|stop|status}; data_dir=${2:?data dir}; port=${3:?port}; shift 3 || true

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin)" ]; then
  echo "installing PostgreSQL from Debian packages..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi
fi
BIN=$(pg_bin)

# The server refuses to run as root, so as root it runs as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

parent=$(dirname "$data_dir"); mkdir -p "$parent"; parent=$(cd "$parent" && pwd)
data_dir="$parent/$(basename "$data_dir")"
cd /  # runuser keeps the cwd, which the postgres user may not be allowed to enter
# As root the server runs as postgres, which cannot reach a data dir below a
# private folder (mktemp -d makes 0700 folders, /root is 0700). Such a data
# dir becomes a symlink to a folder the postgres user owns.
if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$parent" 2>/dev/null; then
  mapped_root=/var/lib/postgresql/common-ground
  mapped="$mapped_root/$(printf '%s' "$data_dir" | sha1sum | cut -c1-16)"
  mkdir -p "$mapped"; chown postgres "$mapped_root" "$mapped"
  if [ ! -L "$data_dir" ]; then rm -rf "$data_dir"; ln -s "$mapped" "$data_dir"; fi
  real_data_dir="$mapped"
else
  mkdir -p "$data_dir"; real_data_dir="$data_dir"
fi
sock_dir="$(dirname "$real_data_dir")/pg-sock-$port"; mkdir -p "$sock_dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$real_data_dir" "$sock_dir"; chmod 700 "$real_data_dir"; fi
data_dir="$real_data_dir"

case "$action" in
  start)
    if [ ! -f "$data_dir/PG_VERSION" ]; then
      as_pg "$BIN/initdb" -D "$data_dir" -U commonground --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg "$BIN/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
      as_pg "$BIN/pg_ctl" -D "$data_dir" -w -t 60 -l "$data_dir/server.log" \
        -o "-p $port -k $sock_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=${PG_FSYNC:-on}" start >/dev/null
    fi
    for db in "$@"; do
      if ! as_pg "$BIN/psql" -h 127.0.0.1 -p "$port" -U commonground -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
        as_pg "$BIN/createdb" -h 127.0.0.1 -p "$port" -U commonground "$db"
      fi
    done
    ;;
  stop) as_pg "$BIN/pg_ctl" -D "$data_dir" -m fast stop >/dev/null 2>&1 || true ;;
  status) as_pg "$BIN/pg_ctl" -D "$data_dir" status ;;
  destroy)
    as_pg "$BIN/pg_ctl" -D "$data_dir" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data_dir" "$sock_dir"
    ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac
