#!/usr/bin/env bash
# Microsoft's SARIF Multitool (a self-contained .NET binary from npm), for the test that
# validates every SARIF the lint writes. Installed once into a cache folder; prints its path.
set -euo pipefail
VERSION=5.7.0
DIR="${ZOMBIE_AUDIT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/zombie-audit}/sarif-multitool-$VERSION"
BIN="$DIR/package/Sarif.Multitool"
if [ ! -x "$BIN" ]; then
  mkdir -p "$DIR"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "@microsoft/sarif-multitool-linux@$VERSION" >/dev/null)
  tar -xzf "$tmp"/microsoft-sarif-multitool-linux-*.tgz -C "$DIR"
  chmod +x "$BIN"
fi
echo "$BIN"
