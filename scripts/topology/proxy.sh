#!/usr/bin/env bash
# Starts nginx (Debian's binary, our own instance) in front of the API processes
# of the production topology, from config/nginx/common-ground.conf.template.
# Kept running across re-runs, like the data servers; its config is
# re-rendered and reloaded when the API ports change.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/scripts/topology/lib.sh"

NGINX=/usr/sbin/nginx
[ -x "$NGINX" ] || fail "nginx is missing (bash scripts/ensure-deps.sh --with-topology installs it)"
prefix="$DATA_DIR/nginx"
mkdir -p "$prefix"

upstreams=""
for port in "${API_PORTS[@]}"; do upstreams+="server 127.0.0.1:$port max_fails=1 fail_timeout=3s; "; done
CG_PROXY_LISTEN="127.0.0.1:$HTTP_PORT" CG_API_UPSTREAM_SERVERS="$upstreams" \
  envsubst '${CG_PROXY_LISTEN} ${CG_API_UPSTREAM_SERVERS}' \
  < "$ROOT/config/nginx/common-ground.conf.template" > "$prefix/common-ground.conf"
# The native wrapper: where this instance keeps its pid, logs and (unused) temp files.
cat > "$prefix/nginx.conf" <<CONF
worker_processes 1;
pid $prefix/nginx.pid;
error_log $LOG_DIR/proxy.error.log warn;
events { worker_connections 512; }
http {
    access_log $LOG_DIR/proxy.access.log;
    client_body_temp_path $prefix/client_body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
    include $prefix/common-ground.conf;
}
CONF
"$NGINX" -t -p "$prefix" -c "$prefix/nginx.conf" > "$LOG_DIR/proxy.configtest.log" 2>&1 \
  || { cat "$LOG_DIR/proxy.configtest.log" >&2; fail "nginx rejected its configuration"; }

if is_running proxy; then
  kill -HUP "$(pid_of proxy)"
else
  start_bg proxy "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -g 'daemon off;'
  wait_for proxy 10 test -s "$prefix/nginx.pid"
fi
