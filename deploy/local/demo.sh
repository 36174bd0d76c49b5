#!/usr/bin/env bash
# `make demo`: the streaming path end to end on the local stack (everything on 127.0.0.1).
#   1. start Kafka 4 and SeaweedFS (idempotent)   2. generate a synthetic corpus
#   3. produce it to Kafka                          4. stream it through Beam on Prism until drained
#   5. print what landed in s3://newswire/demo
# DEMO_COUNT (default 300) sets the corpus size.
set -euo pipefail
cd "$(dirname "$0")/../.."
NW=.venv/bin/newswire
OUT_DIR=.cache/demo
COUNT="${DEMO_COUNT:-300}"
RUN_ID="$(date -u +%Y%m%dT%H%M%S)"
TOPIC="demo-$RUN_ID"
OUTPUT="s3://newswire/demo/$RUN_ID"

$NW stack up
.venv/bin/python - "$TOPIC" <<'PY'
import sys
from kafka import KafkaAdminClient
from kafka.admin import NewTopic
admin = KafkaAdminClient(bootstrap_servers="127.0.0.1:9092")
admin.create_topics([NewTopic(sys.argv[1], num_partitions=4, replication_factor=1)])
admin.close()
PY
rm -rf "$OUT_DIR/samples"
$NW samples generate --count "$COUNT" --out "$OUT_DIR/samples" --seed 7
$NW produce "$OUT_DIR/samples" --topic "$TOPIC"
$NW run --topic "$TOPIC" --output "$OUTPUT" --window 10s --group "demo-$RUN_ID" \
  --dlq-topic "$TOPIC.dlq" --stop-after-idle 10s
$NW inspect "$OUTPUT"
.venv/bin/python -m tests.iceberg_reader "$OUTPUT" \
  "SELECT language, count(*) AS articles, count(duplicate_of) AS marked_near_duplicates FROM articles GROUP BY 1 ORDER BY 2 DESC"
cat <<TXT

Output: Iceberg tables articles, duplicates, dead_letter and fingerprints under $OUTPUT
(SeaweedFS S3 at http://127.0.0.1:8333, bucket newswire; catalog .cache/catalog.db;
credentials: 'newswire stack status --show-secrets'). Any Iceberg engine reads them (README, Output).
The input had malformed items: the producer reported them above, skipped, with reasons.
Stop the services with: make stack-down
TXT
