#!/usr/bin/env bash
# Builds the Apache Beam Prism runner for the installed Beam version with Go
# (Beam's own run-time download of it cannot reach its host here), listening on 127.0.0.1:
# Prism's job server (which runs any pipeline submitted to it, with the job's privileges)
# listens on every interface and has no flag to change that, so the build rewrites that one
# listen address in a build copy of the module's own source (from Go's module cache).
#   deploy/local/prism.sh build|path
# Output: .cache/bin/prism-v<version>-loopback. Env: NEWSWIRE_BEAM_VERSION (default: the venv's
# apache_beam).
source "$(dirname "$0")/common.sh"
PY="${NEWSWIRE_PYTHON:-$ROOT/.venv/bin/python}"
VERSION="${NEWSWIRE_BEAM_VERSION:-$("$PY" -c 'import apache_beam; print(apache_beam.__version__)')}"
OUT="$CACHE/bin/prism-v$VERSION-loopback"
MODULE="github.com/apache/beam/sdks/v2"
SERVER_GO="go/pkg/beam/runners/prism/internal/jobservices/server.go"
WILDCARD='net.Listen("tcp", fmt.Sprintf(":%d", port))'
LOOPBACK='net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))'

build() {
  if [ -x "$OUT" ]; then echo "$OUT"; return 0; fi
  need go "install Go 1.22+ (apt-get install golang)"
  log "building prism v$VERSION with go install (first time only, a few minutes)"
  local src="$CACHE/go/src-prism-$VERSION" dir
  export GOPATH="$CACHE/go" GOCACHE="$CACHE/go-build" GOFLAGS=-mod=mod
  dir=$(go mod download -json "$MODULE@v$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  grep -qF "$WILDCARD" "$dir/$SERVER_GO" \
    || die "Prism v$VERSION: its job server's listen call changed; update prism.sh"
  rm -rf "$src" && mkdir -p "$src"
  cp -r "$dir/go.mod" "$dir/go.sum" "$dir/go" "$src/" && chmod -R u+w "$src"
  sed -i "s|$WILDCARD|$LOOPBACK|" "$src/$SERVER_GO"
  mkdir -p "$(dirname "$OUT")"
  (cd "$src" && go build -o "$OUT.tmp" ./go/cmd/prism) >&2
  rm -rf "$src"
  mv "$OUT.tmp" "$OUT"
  echo "$OUT"
}

case "${1:-}" in
  build) build ;;
  path) echo "$OUT" ;;
  *) echo "usage: $0 build|path" >&2; exit 2 ;;
esac
