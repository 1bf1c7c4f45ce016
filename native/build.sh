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
CFLAGS=(-static -Os -Wall -Wextra -Werror -fno-asynchronous-unwind-tables -s)
for src in za-proc; do
  out="bin/$src-$tag"
  if [ ! -f "$out" ] || [ "$src.c" -nt "$out" ]; then
    "$cc" "${CFLAGS[@]}" -o "$out" "$src.c"
    echo "native: built $out ($(stat -c %s "$out") bytes, $cc)" >&2
  fi
done
