#!/usr/bin/env bash
# Fetches Apache Beam's Java jars from Maven Central with mvn, for the installed Beam version:
# the Flink job server (an embedded Flink cluster for FlinkRunner) and the IO expansion
# service (Beam's Java KafkaIO for `newswire run --kafka-source java`).
#   deploy/local/flink.sh jar              prints the job-server jar's path, fetching it once
#   deploy/local/flink.sh expansion-jar    the same for the expansion service
# Env: NEWSWIRE_FLINK_VERSION (1.19), NEWSWIRE_BEAM_VERSION (default: the venv's apache_beam).
source "$(dirname "$0")/common.sh"
PY="${NEWSWIRE_PYTHON:-$ROOT/.venv/bin/python}"
FLINK="${NEWSWIRE_FLINK_VERSION:-1.19}"
VERSION="${NEWSWIRE_BEAM_VERSION:-$("$PY" -c 'import apache_beam; print(apache_beam.__version__)' 2>/dev/null)}"
ARTIFACT="beam-runners-flink-$FLINK-job-server"

fetch() {  # fetch ARTIFACT: print the path of org.apache.beam:ARTIFACT:$VERSION's jar
  local out="$CACHE/flink/$1-$VERSION.jar"
  if [ -f "$out" ]; then echo "$out"; return 0; fi
  need mvn "install Maven: apt-get install maven"
  log "fetching $1 $VERSION with mvn (first time only)"
  mkdir -p "$(dirname "$out")"
  mvn -q -B -Dmaven.repo.local="$CACHE/m2" dependency:copy \
    -Dartifact="org.apache.beam:$1:$VERSION" -DoutputDirectory="$(dirname "$out")" >&2
  echo "$out"
}

case "${1:-}" in
  jar) fetch "$ARTIFACT" ;;
  expansion-jar) fetch beam-sdks-java-io-expansion-service ;;
  *) echo "usage: $0 jar|expansion-jar" >&2; exit 2 ;;
esac
