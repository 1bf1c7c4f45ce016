#!/usr/bin/env bash
# Bring up a local Docker engine when none answers. Idempotent.
# - an engine already answering (DOCKER_HOST or the default socket): nothing to do
# - dockerd missing: install Debian's docker.io (root only; otherwise say what to do)
# - start `dockerd --bridge=none --iptables=false` and wait until it answers
# Also installs the Debian packages the project's images and shim build need
# (busybox-static, tini, dumb-init, catatonit, musl-tools) with --with-packages.
set -euo pipefail

log() { printf 'engine-up: %s\n' "$*" >&2; }

PKGS_ENGINE=(docker.io)
PKGS_IMAGES=(busybox-static tini dumb-init catatonit musl-tools)

want_pkgs=0
[ "${1:-}" = "--with-packages" ] && want_pkgs=1

answers() { timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "need root to install: $*  (run: sudo apt-get install -y $*)"
    exit 3
  fi
  if [ ! -f /var/lib/apt/periodic/zombie-audit-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/zombie-audit-updated
  fi
  log "installing: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ "$want_pkgs" = 1 ]; then
  missing=()
  # the other architecture's static builds (native/build.sh): a cross gcc and musl for it,
  # and qemu to run them in a test
  if [ "$(dpkg --print-architecture)" = amd64 ]; then
    dpkg --print-foreign-architectures | grep -qx arm64 || { dpkg --add-architecture arm64; rm -f /var/lib/apt/periodic/zombie-audit-updated; }
    PKGS_IMAGES+=(gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user-static)
  fi
  for p in "${PKGS_IMAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] && apt_install "${missing[@]}"
fi

if answers; then
  log "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
  log "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local engine for a remote host"
  exit 4
fi

if ! command -v dockerd >/dev/null 2>&1; then
  apt_install "${PKGS_ENGINE[@]}"
fi
command -v docker >/dev/null 2>&1 || { log "no docker client after install"; exit 3; }

if [ "$(id -u)" != 0 ]; then
  log "no engine answers and starting dockerd needs root (run: sudo $0)"
  exit 3
fi

# Debian's docker.io wants containerd; dockerd starts its own when none runs.
mkdir -p /var/log
log "starting dockerd --bridge=none --iptables=false"
nohup dockerd --bridge=none --iptables=false --ip6tables=false >/var/log/zombie-audit-dockerd.log 2>&1 &
for i in $(seq 1 120); do
  if answers; then
    log "engine ready after ~$((i / 4)) s ($(docker version --format '{{.Server.Version}}'))"
    exit 0
  fi
  sleep 0.25
done
log "dockerd did not answer within 30 s; see /var/log/zombie-audit-dockerd.log"
tail -n 20 /var/log/zombie-audit-dockerd.log >&2 || true
exit 5
