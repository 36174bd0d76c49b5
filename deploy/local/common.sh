# Shared helpers for the local-stack scripts. Sourced, not run.
# Every path and port comes from the environment with a default, so the CLI and the
# test fixtures can run several stacks side by side.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${NEWSWIRE_CACHE:-$ROOT/.cache}"
STACK_DIR="${NEWSWIRE_STACK_DIR:-$CACHE/stack}"
mkdir -p "$CACHE" "$STACK_DIR"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
die() { echo "error: $*" >&2; exit 1; }

need() {  # need CMD HINT
  command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH ($2)"
}

port_open() {  # port_open PORT -> 0 when something listens on 127.0.0.1:PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {  # pid_alive PIDFILE
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

wait_port() {  # wait_port PORT SECONDS NAME PIDFILE
  local i
  for ((i = 0; i < $2 * 5; i++)); do
    port_open "$1" && return 0
    pid_alive "$4" || die "$3 exited during start-up; see its log"
    sleep 0.2
  done
  die "$3 did not listen on 127.0.0.1:$1 within $2 s"
}

stop_pid() {  # stop_pid PIDFILE NAME SECONDS: SIGTERM, then SIGKILL after SECONDS
  local pidfile=$1 name=$2 secs=${3:-30} pid i
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; log "$name stopped"; return 0; }
    sleep 0.2
  done
  log "$name did not stop within ${secs}s: killing"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}
