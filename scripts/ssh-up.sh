#!/usr/bin/env bash
# What the endpoint tests need beyond the engine (test/src/engine/endpoints.test.ts): OpenSSH's
# server (a loopback sshd the test starts itself, with a throwaway key) and openssl (certificates
# for a second, TLS-verifying dockerd the test starts itself). Installs only; starts nothing.
set -euo pipefail
missing=()
command -v /usr/sbin/sshd >/dev/null 2>&1 || missing+=(openssh-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ssh-up: need root to install: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
  exit 3
fi
echo "ssh-up: installing ${missing[*]}" >&2
DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
# policy-rc.d-less machines would start the system sshd on install: the tests do not need it
DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
