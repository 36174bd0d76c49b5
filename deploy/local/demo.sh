#!/usr/bin/env bash
# `make demo`: local stack up, generate a synthetic corpus, produce it to Kafka, run the
# pipeline, and show where the output is. Everything binds to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/../.."
NW=.venv/bin/newswire
OUT_DIR=.cache/demo
COUNT="${DEMO_COUNT:-300}"
$NW stack up
rm -rf "$OUT_DIR/samples"
$NW samples generate --count "$COUNT" --out "$OUT_DIR/samples" --seed 7
$NW produce "$OUT_DIR/samples" --topic raw-articles
if $NW backfill --help >/dev/null 2>&1; then
  $NW backfill --input "$OUT_DIR/samples" --output s3://newswire/demo
  $NW inspect s3://newswire/demo
fi
echo
echo "Output: s3://newswire/demo (SeaweedFS at http://127.0.0.1:8333, see 'newswire stack status')."
echo "Stop the services with: make stack-down"
