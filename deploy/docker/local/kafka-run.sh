#!/usr/bin/env bash
# Entrypoint of the local Kafka image (Dockerfile.kafka): writes server.properties from the
# KAFKA_* variables as apache/kafka's image does (KAFKA_NODE_ID -> node.id: "_" -> ".",
# "__" -> "_", "___" -> "-"), formats the storage on first start (CLUSTER_ID), runs the broker.
set -euo pipefail
CONFIG=/opt/kafka/config
skip=" KAFKA_HEAP_OPTS KAFKA_OPTS KAFKA_JVM_PERFORMANCE_OPTS KAFKA_LOG4J_OPTS "
: >"$CONFIG/server.properties"
for var in $(compgen -e); do
  [[ $var == KAFKA_* && $skip != *" $var "* ]] || continue
  key=${var#KAFKA_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  printf '%s=%s\n' "$key" "${!var}" >>"$CONFIG/server.properties"
done
grep -q '^log\.dirs=' "$CONFIG/server.properties" \
  || echo "log.dirs=/var/lib/kafka/data" >>"$CONFIG/server.properties"
cat >"$CONFIG/log4j2.properties" <<'CFG'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
CFG
java_cmd=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} ${KAFKA_OPTS:-} -XX:+UseG1GC
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$CONFIG/log4j2.properties"
  -cp "/opt/kafka/libs/*")
data=$(sed -n 's/^log\.dirs=//p' "$CONFIG/server.properties" | cut -d, -f1)
if [ ! -f "$data/meta.properties" ]; then
  "${java_cmd[@]}" kafka.tools.StorageTool format -t "${CLUSTER_ID:-bmV3c3dpcmUtbG9jYWwwMQ}" \
    -c "$CONFIG/server.properties"
fi
exec "${java_cmd[@]}" kafka.Kafka "$CONFIG/server.properties"
