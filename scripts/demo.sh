#!/usr/bin/env bash
# The main job, end to end on this machine: bring up an engine if none answers, start a few
# containers with typical PID 1 problems (network none, labelled zombie-audit.demo), audit them
# all, then one in detail. The demo containers are removed at the end unless --keep is given.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
keep=0; [ "${1:-}" = "--keep" ] && keep=1
bash scripts/setup.sh >/dev/null
za() { node bin/run.js "$@"; }
cleanup() { [ "$keep" = 1 ] || docker rm -f $(docker ps -aq --filter label=zombie-audit.demo) >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
run() { docker run -d --network none --label zombie-audit.demo=1 --name "$1" "${@:2}" >/dev/null; }
run demo-api      zombie-audit-fixture/leaky-pid1      # an app as PID 1 that never reaps
run demo-worker   zombie-audit-fixture/init-app-leaks  # tini in front of an app that leaks its own children
run demo-cron     zombie-audit-fixture/shell-pid1      # CMD in shell form with two commands
run demo-web      zombie-audit-fixture/tini            # tini + an app that handles TERM
run demo-static   zombie-audit-fixture/no-shell        # no shell, no ps in the image
run demo-fixed    --init zombie-audit-fixture/no-term  # docker run --init
sleep 0.5
echo "\$ zombie-audit --all"
za --all || true
echo
echo "\$ zombie-audit demo-api"
za demo-api || true
echo
echo "\$ zombie-audit demo-static --no-tree    # no shell in the image: read by a helper container"
za demo-static --no-tree || true
[ "$keep" = 1 ] && echo "demo containers kept (label zombie-audit.demo=1); remove: docker rm -f \$(docker ps -aq --filter label=zombie-audit.demo)"
exit 0
