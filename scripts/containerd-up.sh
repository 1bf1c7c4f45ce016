#!/usr/bin/env bash
# A standalone containerd for the tests (and for trying the tool as on a Kubernetes node), never
# the one dockerd runs: its own config (version = 2), root, state and socket under one folder.
# Idempotent: a containerd already answering on that socket is reused.
#
#   scripts/containerd-up.sh [DIR]        start (default DIR: /tmp/zombie-audit-containerd);
#                                         prints the socket path on stdout
#   scripts/containerd-up.sh --down [DIR] stop the one this script started and remove DIR
#   scripts/containerd-up.sh --down-stale stop every test containerd (/tmp/za-cd-*) a crashed
#                                         test left (for scripts/test.sh, after the tests)
#
# Installs Debian's containerd (with runc) when missing (root only).
set -euo pipefail

log() { printf 'containerd-up: %s\n' "$*" >&2; }

down=0
if [ "${1:-}" = "--down-stale" ]; then
  for d in /tmp/za-cd-*/; do
    [ -f "$d/config.toml" ] && "$0" --down "${d%/}"
  done
  exit 0
fi
if [ "${1:-}" = "--down" ]; then down=1; shift; fi
dir=${1:-${ZA_CONTAINERD_DIR:-/tmp/zombie-audit-containerd}}
sock="$dir/containerd.sock"
pidfile="$dir/containerd.pid"

if [ "$down" = 1 ]; then
  # what a crashed test left: its tasks (and their shims) and containers, in every namespace
  if [ -S "$sock" ] && timeout 5 ctr -a "$sock" version >/dev/null 2>&1; then
    for ns in $(timeout 10 ctr -a "$sock" namespaces ls -q); do
      for t in $(timeout 10 ctr -a "$sock" -n "$ns" tasks ls -q); do timeout 30 ctr -a "$sock" -n "$ns" tasks delete --force "$t" >/dev/null 2>&1 || true; done
      for c in $(timeout 10 ctr -a "$sock" -n "$ns" containers ls -q); do timeout 30 ctr -a "$sock" -n "$ns" containers delete "$c" >/dev/null 2>&1 || true; done
    done
  fi
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    # only the process this script started: its pid file and its own config on the command line
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--config $dir/config.toml"; then
      kill -TERM "$pid"
      for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    fi
  fi
  # the shims of tasks still running were started by it; they exit with their tasks
  umount -R "$dir/state" 2>/dev/null || true
  umount -R "$dir/root" 2>/dev/null || true
  rm -rf "$dir" "$dir.lock"
  # the (empty) parent cgroup the tests put their containers under: /<basename of DIR>/<id>
  name=$(basename "$dir")
  for cg in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do [ -d "$cg" ] && rmdir "$cg" 2>/dev/null || true; done
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  log "needs root (containerd, runc and the host /proc reads all do)"
  exit 3
fi

if ! command -v containerd >/dev/null 2>&1 || ! command -v ctr >/dev/null 2>&1 || ! command -v runc >/dev/null 2>&1; then
  if [ ! -f /var/lib/apt/periodic/zombie-audit-updated ] || [ -z "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/zombie-audit-updated
  fi
  log "installing Debian's containerd"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends containerd runc >/dev/null
fi

answers() { timeout 5 ctr -a "$sock" version >/dev/null 2>&1; }

# two test files starting it at once: one starts, the other waits and reuses it
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9

if [ -S "$sock" ] && answers; then
  echo "$sock"
  exit 0
fi

mkdir -p "$dir/root" "$dir/state"
chmod 700 "$dir"
cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
oom_score = 0
# no CRI (this containerd is driven by ctr and the tool, not by a kubelet), no tracing
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""
EOF

log "starting containerd (root, state and socket under $dir)"
# setsid: its own session, so the caller's Ctrl-C does not reach it
setsid containerd --config "$dir/config.toml" --log-level warn >"$dir/containerd.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 100); do
  if [ -S "$sock" ] && answers; then
    echo "$sock"
    exit 0
  fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then break; fi
  sleep 0.1
done
log "containerd did not answer on $sock; its log:"
tail -20 "$dir/containerd.log" >&2 || true
exit 1
