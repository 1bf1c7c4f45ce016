#!/usr/bin/env bash
# Everything a fresh machine needs: the npm packages, Debian's docker.io and the packages the
# images and the native build use, a running engine, the build, the fixture images.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/build-fixtures.sh     # runs engine-up.sh --with-packages and native/build.sh first
bash scripts/build-runtime-images.sh   # real programs as PID 1 from Debian packages (test/runtimes)
npm run --silent build
