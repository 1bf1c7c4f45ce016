#!/usr/bin/env bash
# Registry-free base images for the lint proofs (test/lint-proof/): one per /bin/sh that lint models.
#   zombie-audit-lint/dash     /bin/sh = Debian's dash (as on Debian/Ubuntu and the images built on them), bash also present
#   zombie-audit-lint/bash     /bin/sh = Debian's bash (as on UBI/RHEL/Fedora/Amazon Linux)
#   zombie-audit-lint/busybox  /bin/sh = busybox ash (as on Alpine); no bash
# Each holds busybox's other applets (sleep, ps, cat ...), tini-static at /sbin/tini and /usr/bin/tini, and
# the static fixture app at /app (fixtures/apps/app.c: `/app --term` exits 0 on SIGTERM).
# Cached by a content hash label: re-imported only when an input changes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/engine-up.sh" --with-packages
if ! command -v dash >/dev/null || ! command -v bash >/dev/null; then
  echo "lint-proof-bases: dash and bash are needed (apt-get install -y dash bash)" >&2; exit 3
fi
cc=musl-gcc; command -v musl-gcc >/dev/null 2>&1 || cc=gcc
hash=$( (cat "$root/fixtures/apps/app.c" "$0"; dpkg-query -W busybox-static tini dash bash; sha256sum "$(command -v dash)" "$(command -v bash)") | sha256sum | cut -c1-16)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
copy_bin() { # copy a dynamic binary and its libraries into rootfs $1
  local r=$1 bin=$2 dest=$3
  cp -L "$bin" "$r$dest"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do mkdir -p "$r$(dirname "$lib")"; cp -L "$lib" "$r$lib"; done
}
for variant in dash bash busybox; do
  have=$(docker image inspect -f '{{index .Config.Labels "zombie-audit.hash"}}' "zombie-audit-lint/$variant" 2>/dev/null || true)
  [ "$have" = "$hash" ] && continue
  r="$work/$variant"
  mkdir -p "$r/bin" "$r/sbin" "$r/usr/bin" "$r/usr/local/bin" "$r/tmp" "$r/proc" "$r/sys" "$r/dev" "$r/etc" "$r/root" "$r/srv"
  chmod 1777 "$r/tmp"
  cp /bin/busybox "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do
    case $a in sh|ash|bash|hush) continue ;; esac
    [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
  done
  case $variant in
    dash) copy_bin "$r" "$(command -v dash)" /bin/dash; ln -s dash "$r/bin/sh"; copy_bin "$r" "$(command -v bash)" /bin/bash ;;
    bash) copy_bin "$r" "$(command -v bash)" /bin/bash; ln -s bash "$r/bin/sh" ;;
    busybox) ln -s busybox "$r/bin/sh"; ln -s busybox "$r/bin/ash" ;;
  esac
  ln -s /bin/busybox "$r/usr/bin/env"
  cp /usr/bin/tini-static "$r/sbin/tini"; ln -s /sbin/tini "$r/usr/bin/tini"
  "$cc" -static -Os -o "$r/app" "$root/fixtures/apps/app.c"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> "$r/etc/passwd"
  echo 'root:x:0:' > "$r/etc/group"
  tar -C "$r" -cf "$work/$variant.tar" .
  docker import --change "LABEL zombie-audit.lint-proof=1 zombie-audit.hash=$hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$work/$variant.tar" "zombie-audit-lint/$variant" >/dev/null
  echo "lint-proof-bases: imported zombie-audit-lint/$variant" >&2
done
