#!/usr/bin/env bash
# Builds, without any container registry, the images docker-compose.yml can run with, and prints the variables that
# select them (as `export NAME=value` lines on stdout; progress goes to stderr):
#   fleet-events/debian-jre:<suite>-<recipe>  Debian by debootstrap from the machine's own apt mirror, with Debian's
#                                             OpenJDK 17 JRE: the base of every image below
#   fleet-events/kafka:<kafka.version>        Kafka (KRaft) from Maven Central's server jars (docker/kafka)
# The app images themselves are built by docker compose from the repo's Dockerfile, on that base, from the jars of
# `./mvnw package` (APP_JARS=target). Use:  eval "$(docker/local-images.sh)" && docker compose up --build
# Needs root, debootstrap, a running Docker engine and the Maven wrapper's registry (Maven Central).
#
# Caching: debootstrap is the slow step, so the base's root file system is kept as a tarball under FLEET_EVENTS_CACHE
# (default /var/cache/fleet-events) and reused for FLEET_EVENTS_BASE_MAX_AGE_DAYS (default 30, then rebuilt to pick up
# Debian's updates); an engine that still holds the image skips even the import. The tag carries a hash of the recipe
# (suite and packages), so changing the recipe builds a new base instead of reusing a stale one. The Kafka image is
# rebuilt on every call, mostly from the engine's layer cache.
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE_DIR="${FLEET_EVENTS_CACHE:-/var/cache/fleet-events}"
MAX_AGE_DAYS="${FLEET_EVENTS_BASE_MAX_AGE_DAYS:-30}"
# bookworm is the Debian release that packages OpenJDK 17, the project's Java
SUITE="${DEBIAN_SUITE:-bookworm}"
PACKAGES="openjdk-17-jre-headless,ca-certificates"
RECIPE_HASH="$(printf '%s\n' "$SUITE" "$PACKAGES" minbase v1 | sha256sum | cut -c1-12)"
BASE_IMAGE="fleet-events/debian-jre:$SUITE-$RECIPE_HASH"
BASE_TARBALL="$CACHE_DIR/debian-jre-$SUITE-$RECIPE_HASH.tar"

say() { printf 'local-images: %s\n' "$*" >&2; }

# The first Debian archive in this machine's apt sources that carries $SUITE (deb822 files, then one-line ones), so
# the base comes from the same mirror the machine already uses. DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local found=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' > /dev/null; then
    found="$(awk -v suite="$SUITE" 'BEGIN { RS = "" }
      { uri = ""; ok = 0; n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^URIs:/) { split(lines[i], f, /[ \t]+/); uri = f[2] }
          if (lines[i] ~ /^Suites:/) { m = split(lines[i], s, /[ \t]+/); for (j = 2; j <= m; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && uri != "") { print uri; exit } }' /etc/apt/sources.list.d/*.sources)"
  fi
  if [[ -z "$found" && -f /etc/apt/sources.list ]]; then
    found="$(sed -e 's/\[[^]]*\]//' /etc/apt/sources.list \
      | awk -v suite="$SUITE" '$1 == "deb" && $3 == suite { print $2; exit }')"
  fi
  if [[ -z "$found" ]]; then
    say "no apt source for Debian $SUITE on this machine: set DEBIAN_MIRROR to a Debian archive URL"
    exit 1
  fi
  echo "$found"
}

ROOTFS=""
remove_rootfs() {
  [[ -n "$ROOTFS" && -d "$ROOTFS" ]] || return 0
  # debootstrap mounts /proc (and may bind /dev) inside the target; unmount before deleting, never delete through them
  awk -v root="$ROOTFS/" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount_point; do
    umount -l "$mount_point" || true
  done
  rm -rf --one-file-system "$ROOTFS"
}
trap remove_rootfs EXIT

build_base_tarball() {
  local mirror started
  mirror="$(debian_mirror)"
  command -v debootstrap > /dev/null || { say "debootstrap is missing: apt-get install debootstrap"; exit 1; }
  mkdir -p "$CACHE_DIR"
  ROOTFS="$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  say "debootstrap $SUITE ($PACKAGES) from the machine's Debian mirror"
  started=$(date +%s)
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$mirror" > "$ROOTFS.log" 2>&1; then
    tail -n 40 "$ROOTFS.log" >&2
    [[ -f "$ROOTFS/debootstrap/debootstrap.log" ]] && tail -n 40 "$ROOTFS/debootstrap/debootstrap.log" >&2
    rm -f "$ROOTFS.log"
    say "debootstrap failed"
    exit 1
  fi
  rm -f "$ROOTFS.log"
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* \
    "$ROOTFS"/usr/share/man/*
  tar --numeric-owner -C "$ROOTFS" -cf "$BASE_TARBALL.part" .
  mv "$BASE_TARBALL.part" "$BASE_TARBALL"
  remove_rootfs
  ROOTFS=""
  say "base root file system built in $(( $(date +%s) - started )) s: $BASE_TARBALL ($(du -h "$BASE_TARBALL" | cut -f1))"
}

ensure_base_image() {
  local fresh=false
  if [[ -f "$BASE_TARBALL" ]] && [[ -n "$(find "$BASE_TARBALL" -mtime "-$MAX_AGE_DAYS" -print)" ]]; then
    say "base root file system from the cache: $BASE_TARBALL"
  else
    build_base_tarball
    fresh=true
  fi
  if [[ "$fresh" == false ]] && docker image inspect "$BASE_IMAGE" > /dev/null 2>&1; then
    say "base image already in the engine: $BASE_IMAGE"
    return
  fi
  local started
  started=$(date +%s)
  docker image rm "$BASE_IMAGE" > /dev/null 2>&1 || true
  docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' "$BASE_TARBALL" "$BASE_IMAGE" > /dev/null
  say "base image imported in $(( $(date +%s) - started )) s: $BASE_IMAGE"
}

build_kafka_image() {
  local version started image
  version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' docker/kafka/pom.xml)"
  image="fleet-events/kafka:$version"
  started=$(date +%s)
  ./mvnw -B -q -ntp -f docker/kafka/pom.xml package >&2
  docker build -q --build-arg "JRE_IMAGE=$BASE_IMAGE" -t "$image" docker/kafka > /dev/null
  say "Kafka image built in $(( $(date +%s) - started )) s: $image"
  KAFKA_LOCAL_IMAGE="$image"
}

docker info > /dev/null 2>&1 || { say "no Docker engine answers: start dockerd first"; exit 1; }
ensure_base_image
build_kafka_image

cat <<VARS
export KAFKA_IMAGE=$KAFKA_LOCAL_IMAGE
export JDK_IMAGE=$BASE_IMAGE
export JRE_IMAGE=$BASE_IMAGE
export APP_JARS=target
VARS
