#!/usr/bin/env bash
# The test command (npm test): brings up what the tests need on a fresh machine (engine, Debian
# packages, fixture images), builds, runs every test against the real engine, and removes
# whatever the tests started.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/build-fixtures.sh
bash scripts/build-runtime-images.sh   # real programs as PID 1 (test/runtimes), cached by hash
bash scripts/ssh-up.sh
bash scripts/prometheus-up.sh   # promtool and a Prometheus for the exporter tests
bash scripts/sarif-multitool.sh >/dev/null   # the SARIF validator (test/commands/sarif.test.ts)
bash scripts/cli-tools-up.sh                # Debian's pre-commit and fish (test/commands/ci.test.ts, completion.test.ts)
npm run --silent build
set +e
node --test --test-concurrency=2 dist/test/
rc=$?
set -e
# anything a crashed test left: containers it labelled, helper containers
left=$(docker ps -aq --filter label=zombie-audit.test; docker ps -aq --filter label=zombie-audit.helper)
[ -n "$left" ] && docker rm -f $left >/dev/null
# the standalone containerds (and their tasks) of containerd tests that crashed
bash scripts/containerd-up.sh --down-stale
exit $rc
