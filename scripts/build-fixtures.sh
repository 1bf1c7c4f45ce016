#!/usr/bin/env bash
# Build the fixture images with no registry: a root filesystem from Debian packages
# (busybox-static, tini-static, dumb-init with its libc, catatonit) plus the static fixture app,
# imported as zombie-audit-fixture/base, then one `docker build` per fixtures/images/<name>.
# The image without a shell (no-shell) is imported from a tarball holding only /app.
# Skips work whose inputs did not change (a hash label on the images).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/engine-up.sh" --with-packages
"$root/native/build.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cc=musl-gcc; command -v musl-gcc >/dev/null 2>&1 || cc=gcc
mkdir -p "$work/rootfs/bin" "$work/rootfs/sbin" "$work/rootfs/usr/bin" "$work/rootfs/tmp" \
  "$work/rootfs/proc" "$work/rootfs/sys" "$work/rootfs/dev" "$work/rootfs/etc" "$work/rootfs/lib64"
"$cc" -static -Os -Wall -Wextra -o "$work/rootfs/app" "$root/fixtures/apps/app.c"

hash=$( (cat "$root/fixtures/apps/app.c" "$0"; dpkg-query -W busybox-static tini dumb-init catatonit) | sha256sum | cut -c1-16)
have=$(docker image inspect -f '{{index .Config.Labels "zombie-audit.hash"}}' zombie-audit-fixture/base 2>/dev/null || true)
if [ "$have" != "$hash" ]; then
  r="$work/rootfs"
  cp /bin/busybox "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
  cp /usr/bin/tini-static "$r/sbin/tini"
  cp /usr/bin/catatonit "$r/usr/bin/catatonit"
  cp /usr/bin/dumb-init "$r/usr/bin/dumb-init"
  mkdir -p "$r/lib/x86_64-linux-gnu"
  for lib in $(ldd /usr/bin/dumb-init | grep -o '/[^ ]*'); do mkdir -p "$r$(dirname "$lib")"; cp -L "$lib" "$r$lib"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$r/etc/passwd"
  echo 'nobody:x:65534:65534:nobody:/:/bin/false' >> "$r/etc/passwd"
  echo 'root:x:0:' > "$r/etc/group"
  tar -C "$r" -cf "$work/base.tar" .
  docker import --change "LABEL zombie-audit.fixture=1 zombie-audit.hash=$hash" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$work/base.tar" zombie-audit-fixture/base >/dev/null
  echo "fixtures: imported zombie-audit-fixture/base" >&2
  # the image with no shell and no ps at all: only the static app
  mkdir -p "$work/noshell"
  cp "$r/app" "$work/noshell/app"
  tar -C "$work/noshell" -cf "$work/noshell.tar" .
  docker import --change "LABEL zombie-audit.fixture=1" \
    --change 'ENTRYPOINT ["/app", "--leak", "3"]' \
    "$work/noshell.tar" zombie-audit-fixture/no-shell >/dev/null
  echo "fixtures: imported zombie-audit-fixture/no-shell" >&2
fi
for dir in "$root"/fixtures/images/*/; do
  name=$(basename "$dir")
  DOCKER_BUILDKIT=0 docker build -q --label zombie-audit.fixture=1 -t "zombie-audit-fixture/$name" "$dir" >/dev/null 2>"$work/build.err" || { cat "$work/build.err" >&2; exit 1; }
done
docker image prune -f --filter label=zombie-audit.fixture=1 >/dev/null
echo "fixtures: $(docker images -q --filter label=zombie-audit.fixture=1 | sort -u | wc -l) images ready" >&2
