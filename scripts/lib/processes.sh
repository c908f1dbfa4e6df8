# Background process bookkeeping shared by up.sh and down.sh (sourced).
# Each process runs in its own session (setsid), so its pid is also its
# process group and stopping it takes its children (tsx -> node) along.
DATA_DIR="${CG_DATA_DIR:-$ROOT/.data}"
LOG_DIR="$DATA_DIR/logs"
PID_DIR="$DATA_DIR/pids"

step() { echo "==> $*" >&2; }
fail() { echo "up: $*" >&2; exit 1; }

pid_of() { cat "$PID_DIR/$1.pid" 2>/dev/null || true; }

is_running() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

start_bg() {
  local name=$1; shift
  [ -f "$LOG_DIR/$name.log" ] && mv "$LOG_DIR/$name.log" "$LOG_DIR/$name.previous.log"
  setsid "$@" > "$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! > "$PID_DIR/$name.pid"
}

stop_bg() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    echo "==> stopping $name (pid $pid)" >&2
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "==> $name did not stop in 15 s; killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PID_DIR/$name.pid"
}

# wait_for NAME SECONDS COMMAND...: until COMMAND succeeds; fails early if NAME's process died.
wait_for() {
  local name=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      tail -40 "$LOG_DIR/$name.log" >&2 || true
      fail "$name exited during start-up (log: ${LOG_DIR#$ROOT/}/$name.log)"
    fi
    if [ $SECONDS -ge $deadline ]; then
      tail -40 "$LOG_DIR/$name.log" >&2 || true
      fail "$name was not ready after ${seconds}s (log: ${LOG_DIR#$ROOT/}/$name.log)"
    fi
    sleep 0.5
  done
}
