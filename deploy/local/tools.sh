#!/usr/bin/env bash
# Installs the system tools the local stack needs when they are missing (Debian packages):
# a JDK and Maven (Kafka broker), Go (the Prism runner), docker-compose (checks and runs the
# compose file), and for the compose test Docker's engine (Debian's docker.io: dockerd; the test
# starts it, deploy/local/dockerd.sh) and debootstrap (base images, deploy/local/images.sh).
set -euo pipefail
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v go >/dev/null || missing+=(golang)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v apt-get >/dev/null; then
  echo "error: missing ${missing[*]} and no apt-get: install them yourself" >&2
  exit 1
fi
echo "installing ${missing[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
