#!/usr/bin/env bash
# Debian's pre-commit and fish, for the tests of .pre-commit-hooks.yaml (test/commands/ci.test.ts)
# and of the fish completion (test/commands/completion.test.ts).
set -euo pipefail
command -v pre-commit >/dev/null && command -v fish >/dev/null && exit 0
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
for i in 1 2 3 4 5 6; do
  # another apt may hold the lock on a shared machine: wait and retry
  if $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends pre-commit fish >/dev/null; then exit 0; fi
  sleep 10
done
exit 1
