#!/usr/bin/env bash
# Local Apache Kafka 4.x broker (KRaft, one combined broker+controller node) on 127.0.0.1.
#   deploy/local/kafka.sh fetch|start|stop|status
# Jars come from Maven Central through mvn (deploy/local/pom.xml) into .cache/kafka/libs.
# Env: NEWSWIRE_KAFKA_PORT (9092), NEWSWIRE_KAFKA_CONTROLLER_PORT (port+1), NEWSWIRE_STACK_DIR.
# NEWSWIRE_KAFKA_SASL=1 adds a SASL_PLAINTEXT listener (mechanism PLAIN) on
# NEWSWIRE_KAFKA_SASL_PORT (port+2) with one user, NEWSWIRE_KAFKA_SASL_USERNAME (newswire) /
# NEWSWIRE_KAFKA_SASL_PASSWORD (newswire-local-kafka-secret): the same variables the clients
# read (pipelines/config.py). For trying SASL locally; production brokers use SASL_SSL.
source "$(dirname "$0")/common.sh"
PORT="${NEWSWIRE_KAFKA_PORT:-9092}"
CPORT="${NEWSWIRE_KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
SASL="${NEWSWIRE_KAFKA_SASL:-0}"
SPORT="${NEWSWIRE_KAFKA_SASL_PORT:-$((PORT + 2))}"
LIBS="$CACHE/kafka/libs"
HOME_DIR="$STACK_DIR/kafka"
PIDFILE="$HOME_DIR/kafka.pid"

fetch() {
  if [ -f "$LIBS/.complete" ]; then return 0; fi
  need mvn "install Maven: apt-get install maven"
  need java "install a JDK 17+: apt-get install openjdk-17-jre-headless"
  log "fetching Kafka jars with mvn into $LIBS"
  rm -rf "$LIBS"
  mvn -q -B -f "$ROOT/deploy/local/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DoutputDirectory="$LIBS" -DincludeScope=runtime >&2
  touch "$LIBS/.complete"
}

kafka_java() {  # kafka_java MAINCLASS ARGS...
  java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$HOME_DIR/log4j2.properties" -Dkafka.logs.dir="$HOME_DIR/logs" \
    -cp "$LIBS/*" "$@"
}

write_config() {
  mkdir -p "$HOME_DIR/data" "$HOME_DIR/logs"
  local listeners="PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT"
  local advertised="PLAINTEXT://127.0.0.1:$PORT"
  local protocols="CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"
  if [ "$SASL" = 1 ]; then
    listeners+=",SASL_PLAINTEXT://127.0.0.1:$SPORT"
    advertised+=",SASL_PLAINTEXT://127.0.0.1:$SPORT"
    protocols+=",SASL_PLAINTEXT:SASL_PLAINTEXT"
  fi
  cat >"$HOME_DIR/server.properties" <<CFG
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
log.dirs=$HOME_DIR/data
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=67108864
CFG
  if [ "$SASL" = 1 ]; then
    sasl_config >>"$HOME_DIR/server.properties"
  fi
  cat >"$HOME_DIR/log4j2.properties" <<CFG
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $HOME_DIR/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
CFG
}

sasl_config() {  # the SASL_PLAINTEXT listener's settings (the file is private: umask 077)
  local user="${NEWSWIRE_KAFKA_SASL_USERNAME:-newswire}"
  local password="${NEWSWIRE_KAFKA_SASL_PASSWORD:-newswire-local-kafka-secret}"
  case "$user$password" in *[\"\\]*) die "SASL username/password must not contain quotes or backslashes" ;; esac
  cat <<CFG
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$user="$password";
CFG
}

start() {
  fetch
  need java "install a JDK 17+"
  if pid_alive "$PIDFILE"; then
    port_open "$PORT" || die "kafka (pid $(cat "$PIDFILE")) runs but 127.0.0.1:$PORT does not answer"
    log "kafka already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"
    if [ "$SASL" = 1 ] && ! port_open "$SPORT"; then
      log "warning: it was started without NEWSWIRE_KAFKA_SASL=1 (no SASL listener): restart it"
    fi
    return 0
  fi
  port_open "$PORT" && die "port 127.0.0.1:$PORT is taken by another process; set NEWSWIRE_KAFKA_PORT"
  port_open "$CPORT" && die "port 127.0.0.1:$CPORT is taken; set NEWSWIRE_KAFKA_CONTROLLER_PORT"
  if [ "$SASL" = 1 ] && port_open "$SPORT"; then
    die "port 127.0.0.1:$SPORT is taken; set NEWSWIRE_KAFKA_SASL_PORT"
  fi
  (umask 077 && write_config)
  if [ ! -f "$HOME_DIR/data/meta.properties" ]; then
    log "formatting KRaft storage in $HOME_DIR/data"
    kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid)" \
      -c "$HOME_DIR/server.properties" >"$HOME_DIR/logs/format.log" 2>&1 \
      || die "formatting failed: $(tail -5 "$HOME_DIR/logs/format.log")"
  fi
  log "starting kafka on 127.0.0.1:$PORT"
  # setsid: the broker must outlive the shell (and a Ctrl-C) that started it.
  setsid java -Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$HOME_DIR/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$HOME_DIR/server.properties" \
    >"$HOME_DIR/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  wait_port "$PORT" 90 kafka "$PIDFILE"
  if [ "$SASL" = 1 ]; then
    wait_port "$SPORT" 30 kafka "$PIDFILE"
    log "kafka SASL_PLAINTEXT (PLAIN) listener on 127.0.0.1:$SPORT"
  fi
  log "kafka ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
}

stop() { stop_pid "$PIDFILE" kafka 60; }

status() {
  if pid_alive "$PIDFILE" && port_open "$PORT"; then
    echo "kafka running pid=$(cat "$PIDFILE") bootstrap=127.0.0.1:$PORT"
  elif pid_alive "$PIDFILE"; then
    echo "kafka starting pid=$(cat "$PIDFILE") bootstrap=127.0.0.1:$PORT"; return 1
  else
    echo "kafka stopped"; return 3
  fi
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac
