#!/usr/bin/env bash
# Local Apache Kafka 4.x broker (KRaft, one combined broker+controller node) on 127.0.0.1.
#   deploy/local/kafka.sh fetch|start|stop|status
# Jars come from Maven Central through mvn (deploy/local/pom.xml) into .cache/kafka/libs.
# Env: NEWSWIRE_KAFKA_PORT (9092), NEWSWIRE_KAFKA_CONTROLLER_PORT (port+1), NEWSWIRE_STACK_DIR.
source "$(dirname "$0")/common.sh"
PORT="${NEWSWIRE_KAFKA_PORT:-9092}"
CPORT="${NEWSWIRE_KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
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
  cat >"$HOME_DIR/server.properties" <<CFG
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
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

start() {
  fetch
  need java "install a JDK 17+"
  if pid_alive "$PIDFILE"; then
    port_open "$PORT" || die "kafka (pid $(cat "$PIDFILE")) runs but 127.0.0.1:$PORT does not answer"
    log "kafka already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT"
    return 0
  fi
  port_open "$PORT" && die "port 127.0.0.1:$PORT is taken by another process; set NEWSWIRE_KAFKA_PORT"
  port_open "$CPORT" && die "port 127.0.0.1:$CPORT is taken; set NEWSWIRE_KAFKA_CONTROLLER_PORT"
  write_config
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
