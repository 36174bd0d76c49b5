#!/usr/bin/env bash
# Builds the Apache Beam Prism runner for the installed Beam version with `go install`
# (Beam's own run-time download of it cannot reach its host here).
#   deploy/local/prism.sh build|path
# Output: .cache/bin/prism-v<version>. Env: NEWSWIRE_BEAM_VERSION (default: the venv's apache_beam).
source "$(dirname "$0")/common.sh"
PY="${NEWSWIRE_PYTHON:-$ROOT/.venv/bin/python}"
VERSION="${NEWSWIRE_BEAM_VERSION:-$("$PY" -c 'import apache_beam; print(apache_beam.__version__)')}"
OUT="$CACHE/bin/prism-v$VERSION"

build() {
  if [ -x "$OUT" ]; then echo "$OUT"; return 0; fi
  need go "install Go 1.22+ (apt-get install golang)"
  log "building prism v$VERSION with go install (first time only, a few minutes)"
  local gobin="$CACHE/go/bin-$VERSION"
  GOPATH="$CACHE/go" GOBIN="$gobin" GOCACHE="$CACHE/go-build" GOFLAGS=-mod=mod \
    go install "github.com/apache/beam/sdks/v2/go/cmd/prism@v$VERSION" >&2
  mkdir -p "$(dirname "$OUT")"
  mv "$gobin/prism" "$OUT"
  echo "$OUT"
}

case "${1:-}" in
  build) build ;;
  path) echo "$OUT" ;;
  *) echo "usage: $0 build|path" >&2; exit 2 ;;
esac
