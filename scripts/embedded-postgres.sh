#!/usr/bin/env bash
# Runs a private PostgreSQL cluster from Debian's packages: the embedded default.
# usage: embedded-postgres.sh start|stop|status DATA_DIR PORT [DB_NAME...]
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

mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
sock_dir="$data_dir/../pg-sock-$port"; mkdir -p "$sock_dir"; sock_dir=$(cd "$sock_dir" && pwd)
if [ "$(id -u)" = 0 ]; then chown postgres "$data_dir" "$sock_dir"; chmod 700 "$data_dir"; fi

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
  *) echo "unknown action $action" >&2; exit 2 ;;
esac
