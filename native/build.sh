#!/usr/bin/env bash
# Build the project's static binaries into native/bin/: za-proc (the /proc reader used by the
# no-shell helper and host scans) for this machine's architecture, and for the other one when a
# cross compiler is there. Needs musl-gcc (Debian: musl-tools); falls back to gcc -static.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p bin
arch=$(uname -m)
case "$arch" in x86_64) tag=amd64 ;; aarch64) tag=arm64 ;; *) tag=$arch ;; esac
cc=musl-gcc
command -v musl-gcc >/dev/null 2>&1 || cc=gcc
CFLAGS=(-static -Os -Wall -Wextra -Werror -fno-asynchronous-unwind-tables -ffunction-sections -fdata-sections -Wl,--gc-sections -Wl,-z,noseparate-code -Wl,-z,norelro -Wl,--build-id=none -s)
build() { # build SRC for TAG with the compiler command in the remaining arguments
  local src=$1 t=$2; shift 2
  local out="bin/$src-$t"
  if [ ! -f "$out" ] || [ "$src.c" -nt "$out" ] || [ "$0" -nt "$out" ]; then
    "$@" "${CFLAGS[@]}" -DSRC_ID="\"$(sha256sum "$src.c" | cut -c1-7)\"" -o "$out" "$src.c"
    echo "native: built $out ($(stat -c %s "$out") bytes, $1)" >&2
  fi
}
for src in za-proc za-shim; do
  build "$src" "$tag" "$cc"
done
# the other architecture, when its cross compiler and musl are installed
# (Debian: gcc-aarch64-linux-gnu + musl-dev:arm64, or gcc-x86-64-linux-gnu + musl-dev:amd64)
case "$tag" in
  amd64) xcc=aarch64-linux-gnu-gcc; xtag=arm64; xspecs=/usr/lib/aarch64-linux-musl/musl-gcc.specs ;;
  arm64) xcc=x86_64-linux-gnu-gcc; xtag=amd64; xspecs=/usr/lib/x86_64-linux-musl/musl-gcc.specs ;;
  *) xcc=; xtag= ;;
esac
if [ -n "$xcc" ] && command -v "$xcc" >/dev/null 2>&1 && [ -f "$xspecs" ]; then
  for src in za-proc za-shim; do build "$src" "$xtag" "$xcc" -specs "$xspecs"; done
elif [ "${ZA_REQUIRE_CROSS:-0}" = 1 ]; then
  echo "native: no cross compiler for $xtag (install ${xcc:-a cross gcc} and musl-dev:$xtag)" >&2
  exit 1
fi
