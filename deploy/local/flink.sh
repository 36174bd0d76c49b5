#!/usr/bin/env bash
# Fetches the Apache Beam Flink job-server jar (an embedded Flink cluster for FlinkRunner)
# from Maven Central with mvn, for the installed Beam version.
#   deploy/local/flink.sh jar     prints the jar's path, fetching it the first time
# Env: NEWSWIRE_FLINK_VERSION (1.19), NEWSWIRE_BEAM_VERSION (default: the venv's apache_beam).
source "$(dirname "$0")/common.sh"
PY="${NEWSWIRE_PYTHON:-$ROOT/.venv/bin/python}"
FLINK="${NEWSWIRE_FLINK_VERSION:-1.19}"
VERSION="${NEWSWIRE_BEAM_VERSION:-$("$PY" -c 'import apache_beam; print(apache_beam.__version__)' 2>/dev/null)}"
ARTIFACT="beam-runners-flink-$FLINK-job-server"
OUT="$CACHE/flink/$ARTIFACT-$VERSION.jar"

jar() {
  if [ -f "$OUT" ]; then echo "$OUT"; return 0; fi
  need mvn "install Maven: apt-get install maven"
  log "fetching $ARTIFACT $VERSION with mvn (first time only)"
  mkdir -p "$(dirname "$OUT")"
  mvn -q -B -Dmaven.repo.local="$CACHE/m2" dependency:copy \
    -Dartifact="org.apache.beam:$ARTIFACT:$VERSION" -DoutputDirectory="$(dirname "$OUT")" >&2
  echo "$OUT"
}

case "${1:-}" in
  jar) jar ;;
  *) echo "usage: $0 jar" >&2; exit 2 ;;
esac
