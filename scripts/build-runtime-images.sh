#!/usr/bin/env bash
# Real programs as PID 1, with no registry: a minimal Debian bookworm root filesystem made by
# mmdebstrap from the machine's own apt mirror, with the runtimes installed from Debian packages
# (node and npm, OpenJDK 17, supervisor, apache2, postgresql, nginx, redis, cron, gunicorn...),
# imported as zombie-audit-runtime/base; then one `docker build` (no network needed) per
# fixtures/runtimes/<name>/Dockerfile, tagged zombie-audit-runtime/<name>.
# Downloaded packages are kept in /var/cache/zombie-audit/apt for the next cold build.
# Cached by content hash (a label): a second run builds nothing unless the package list, this
# script or a fixture changed. A cold build downloads about 300 MB of packages.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/engine-up.sh"
PKGS="nodejs npm openjdk-17-jdk-headless supervisor apache2 postgresql nginx python3 python3-gunicorn redis-server cron"
command -v mmdebstrap >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null; }
src=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/{print $2; exit}' "$src" 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
basehash=$( (echo "$PKGS $mirror"; sed -n '1,/^# per-runtime images/p' "$0") | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "zombie-audit.hash"}}' zombie-audit-runtime/base 2>/dev/null || true)
if [ "$have" != "$basehash" ]; then
  work=$(mktemp -d /var/tmp/za-runtime.XXXXXX)
  R="$work/rootfs"
  cleanup() { umount "$R/proc" 2>/dev/null || true; umount "$R/var/cache/apt/archives" 2>/dev/null || true; rm -rf "$work"; }
  trap cleanup EXIT
  t0=$(date +%s)
  echo "runtimes: minimal bookworm root filesystem (mmdebstrap)…" >&2
  mmdebstrap --quiet --variant=minbase --include=bash,procps \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm "$R" "deb $mirror bookworm main"
  echo "runtimes: installing $PKGS in it (chroot, no daemon started)…" >&2
  printf '#!/bin/sh\nexit 101\n' > "$R/usr/sbin/policy-rc.d"; chmod 755 "$R/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$R/etc/resolv.conf"
  cache=/var/cache/zombie-audit/apt; mkdir -p "$cache/partial"
  mount -t proc proc "$R/proc"; mount --bind "$cache" "$R/var/cache/apt/archives"
  # shellcheck disable=SC2086
  chroot "$R" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 $PKGS >/dev/null"
  umount "$R/proc" "$R/var/cache/apt/archives"
  rm -f "$R/usr/sbin/policy-rc.d" "$R/etc/resolv.conf"; rm -rf "$R"/var/lib/apt/lists/*
  tar -C "$R" -cf "$work/rootfs.tar" .
  docker import --change "LABEL zombie-audit.runtime=1 zombie-audit.hash=$basehash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    "$work/rootfs.tar" zombie-audit-runtime/base >/dev/null
  echo "runtimes: imported zombie-audit-runtime/base in $(( $(date +%s) - t0 )) s" >&2
fi
# per-runtime images/p' "$0") | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "zombie-audit.hash"}}' zombie-audit-runtime/base 2>/dev/null || true)
if [ "$have" != "$basehash" ]; then
  work=$(mktemp -d /var/tmp/za-runtime.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  t0=$(date +%s)
  echo "runtimes: building the bookworm root filesystem (mmdebstrap, $PKGS)…" >&2
  mmdebstrap --quiet --variant=minbase --include="$PKGS" \
    --aptopt='Acquire::Retries "3"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='chroot "$1" sh -c "rm -rf /var/lib/apt/lists/* /var/cache/apt/*"' \
    bookworm "$work/rootfs.tar" "deb $mirror bookworm main"
  docker import --change "LABEL zombie-audit.runtime=1 zombie-audit.hash=$basehash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    "$work/rootfs.tar" zombie-audit-runtime/base >/dev/null
  echo "runtimes: imported zombie-audit-runtime/base in $(( $(date +%s) - t0 )) s" >&2
fi
# per-runtime images: legacy builder, no network, cached by the fixture's hash
for dir in "$root"/fixtures/runtimes/*/; do
  [ -f "$dir/Dockerfile" ] || continue
  name=$(basename "$dir")
  h=$( (echo "$basehash"; find "$dir" -type f -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-16)
  cur=$(docker image inspect -f '{{index .Config.Labels "zombie-audit.hash"}}' "zombie-audit-runtime/$name" 2>/dev/null || true)
  [ "$cur" = "$h" ] && continue
  err=$(mktemp)
  DOCKER_BUILDKIT=0 docker build -q --network none --label zombie-audit.runtime=1 --label "zombie-audit.hash=$h" \
    -t "zombie-audit-runtime/$name" "$dir" >/dev/null 2>"$err" || { cat "$err" >&2; rm -f "$err"; exit 1; }
  rm -f "$err"
done
docker image prune -f --filter label=zombie-audit.runtime=1 >/dev/null
echo "runtimes: $(docker images -q --filter label=zombie-audit.runtime=1 | sort -u | wc -l) images ready" >&2
