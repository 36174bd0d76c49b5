#!/usr/bin/env bash
# A Docker engine for the compose test: the one DOCKER_HOST (or the default socket) answers on,
# else a private dockerd started here (Debian's docker.io, as root) with no bridge and no
# iptables rules: its containers use the host's network (the compose test binds every service
# to 127.0.0.1), its images and volumes live under .cache/docker, its sockets under /tmp.
#   deploy/local/dockerd.sh start   prints `export DOCKER_HOST=...` for the engine to use
#   deploy/local/dockerd.sh stop    stops the private dockerd (never an engine it did not start)
#   deploy/local/dockerd.sh status
# Env: NEWSWIRE_DOCKERD=private uses a private dockerd even when another engine answers.
source "$(dirname "$0")/common.sh"
DATA_ROOT="$CACHE/docker"
# Unix socket paths are short (108 bytes): the exec root is under /tmp, one per cache folder.
RUN_DIR="/tmp/newswire-dockerd-$(printf '%s' "$CACHE" | cksum | cut -d' ' -f1)"
SOCKET="$RUN_DIR/docker.sock"
PIDFILE="$RUN_DIR/dockerd.pid"
LOG="$DATA_ROOT/dockerd.log"

engine_answers() {  # engine_answers [DOCKER_HOST]
  if [ -n "${1:-}" ]; then
    DOCKER_HOST="$1" timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  else
    timeout 20 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  fi
}

start() {
  need docker "the Docker client: make tools installs it (docker.io)"
  if pid_alive "$PIDFILE" && engine_answers "unix://$SOCKET"; then
    echo "export DOCKER_HOST=unix://$SOCKET"; return 0
  fi
  if [ "${NEWSWIRE_DOCKERD:-}" != private ] && engine_answers; then
    log "using the Docker engine at ${DOCKER_HOST:-the default socket}"
    echo "export DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}"; return 0
  fi
  need dockerd "install Debian's docker.io (make tools does)"
  [ "$(id -u)" -eq 0 ] || die "a private dockerd needs root; or start a Docker engine and set DOCKER_HOST"
  mkdir -p "$DATA_ROOT" "$RUN_DIR"
  log "starting a private dockerd (data under $DATA_ROOT, socket $SOCKET)"
  # setsid: the engine outlives the shell that started it until `stop`.
  setsid dockerd --data-root "$DATA_ROOT/data" --exec-root "$RUN_DIR/exec" --pidfile "$PIDFILE" \
    --host "unix://$SOCKET" --bridge=none --iptables=false --ip6tables=false \
    --storage-driver overlay2 --log-level warn >"$LOG" 2>&1 </dev/null &
  local i
  for ((i = 0; i < 150; i++)); do
    engine_answers "unix://$SOCKET" && { echo "export DOCKER_HOST=unix://$SOCKET"; return 0; }
    sleep 0.2
  done
  tail -20 "$LOG" >&2
  stop
  die "dockerd did not answer within 30 s; see $LOG"
}

stop() {
  # dockerd stops its containers (10 s each at most) and its containerd on SIGTERM.
  stop_pid "$PIDFILE" dockerd 90
}

status() {
  if pid_alive "$PIDFILE"; then
    echo "dockerd running pid=$(cat "$PIDFILE") DOCKER_HOST=unix://$SOCKET"
  else
    echo "dockerd (private) stopped"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
