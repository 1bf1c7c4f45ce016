#!/usr/bin/env bash
# npm run bench: the benchmarks, side by side in one run, on the real engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh >/dev/null
for b in dist/bench/*.bench.js; do node "$b"; done
