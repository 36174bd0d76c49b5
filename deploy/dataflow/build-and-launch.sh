#!/usr/bin/env bash
# Builds the newswire Flex Template and launches the streaming job on Dataflow.
#   deploy/dataflow/build-and-launch.sh build     build and push the image, upload the spec
#   deploy/dataflow/build-and-launch.sh launch    start a job from the uploaded spec
#   deploy/dataflow/build-and-launch.sh spec      print the spec with the image filled in
# Needs docker and gcloud (authenticated). Settings come from the environment:
#   PROJECT, REGION              GCP project and region (required)
#   REPOSITORY                   Artifact Registry path, default $REGION-docker.pkg.dev/$PROJECT/newswire
#   TAG                          image tag, default: the git commit
#   BUCKET                       GCS bucket for the spec, staging and temp files (required)
#   AWS_ROLE_ARN                 IAM role the workers write S3 with (deploy/security/); baked in
#   OUTPUT, KAFKA_BOOTSTRAP      job parameters (launch; required), TOPIC, WINDOW, GROUP, DLQ_TOPIC
#   KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, S3_REGION (optional)
#   SERVICE_ACCOUNT              worker service account (least privilege: Dataflow worker role,
#                                read on the image, write on $BUCKET; S3 through AWS_ROLE_ARN)
#   NETWORK, SUBNETWORK          VPC the workers reach Kafka from (private IPs only)
#   MACHINE_TYPE (n2-standard-4), NUM_WORKERS (2), MAX_WORKERS (8), JOB_NAME (newswire-<date>)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
: "${PROJECT:?set PROJECT}" "${REGION:?set REGION}" "${BUCKET:?set BUCKET}"
REPOSITORY="${REPOSITORY:-$REGION-docker.pkg.dev/$PROJECT/newswire}"
TAG="${TAG:-$(git -C "$ROOT" rev-parse --short HEAD)}"
IMAGE="$REPOSITORY/newswire-dataflow:$TAG"
SPEC="gs://$BUCKET/templates/newswire-$TAG.json"

spec() {  # the committed spec with the image filled in
  sed "s|\${IMAGE}|$IMAGE|g" "$ROOT/deploy/dataflow/flex-template.json"
}

build() {
  docker build -f "$ROOT/deploy/docker/Dockerfile.pipeline" -t "newswire-pipeline:$TAG" "$ROOT"
  docker build -f "$ROOT/deploy/dataflow/Dockerfile" -t "$IMAGE" \
    --build-arg "PIPELINE_IMAGE=newswire-pipeline:$TAG" \
    --build-arg "AWS_ROLE_ARN=${AWS_ROLE_ARN:-}" "$ROOT"
  docker push "$IMAGE"
  spec | gcloud storage cp - "$SPEC"
  echo "template: $SPEC (image $IMAGE)"
}

launch() {
  : "${OUTPUT:?set OUTPUT (s3://bucket/prefix)}" "${KAFKA_BOOTSTRAP:?set KAFKA_BOOTSTRAP}"
  # "^~^": parameters separated by "~", since the bootstrap list has commas (gcloud escaping).
  local params="^~^output=$OUTPUT~newswire_kafka_bootstrap=$KAFKA_BOOTSTRAP"
  params+="~topic=${TOPIC:-raw-articles}~window=${WINDOW:-60s}~group=${GROUP:-newswire}"
  params+="~dlq_topic=${DLQ_TOPIC:-raw-articles.dlq}"
  [ -n "${KAFKA_SECURITY_PROTOCOL:-}" ] && params+="~newswire_kafka_security_protocol=$KAFKA_SECURITY_PROTOCOL"
  [ -n "${KAFKA_SASL_MECHANISM:-}" ] && params+="~newswire_kafka_sasl_mechanism=$KAFKA_SASL_MECHANISM"
  [ -n "${KAFKA_SASL_USERNAME:-}" ] && params+="~newswire_kafka_sasl_username=$KAFKA_SASL_USERNAME"
  [ -n "${S3_REGION:-}" ] && params+="~newswire_s3_region=$S3_REGION"
  local extra=()
  [ -n "${SERVICE_ACCOUNT:-}" ] && extra+=(--service-account-email "$SERVICE_ACCOUNT")
  [ -n "${NETWORK:-}" ] && extra+=(--network "$NETWORK")
  [ -n "${SUBNETWORK:-}" ] && extra+=(--subnetwork "$SUBNETWORK")
  gcloud dataflow flex-template run "${JOB_NAME:-newswire-$(date -u +%Y%m%d-%H%M%S)}" \
    --project "$PROJECT" --region "$REGION" \
    --template-file-gcs-location "$SPEC" \
    --staging-location "gs://$BUCKET/staging" --temp-location "gs://$BUCKET/temp" \
    --worker-machine-type "${MACHINE_TYPE:-n2-standard-4}" \
    --num-workers "${NUM_WORKERS:-2}" --max-workers "${MAX_WORKERS:-8}" \
    --enable-streaming-engine --disable-public-ips \
    --parameters "$params" "${extra[@]}"
}

case "${1:-}" in
  build) build ;;
  launch) launch ;;
  spec) spec ;;
  *) echo "usage: $0 build|launch|spec" >&2; exit 2 ;;
esac
