#!/usr/bin/env bash
# apt-get installs Debian packages for a test suite without starting their services: policy-rc.d
# answers 101 during the install (the Docker convention); the suites start private instances on
# loopback instead. Waits for another suite's apt lock. Root only.
# Usage: scripts/apt-install.sh <package>...
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
	echo "apt-install.sh: $* missing and this is not root; install them with apt-get" >&2
	exit 1
fi
started=$(date +%s)
echo "==> apt-get install $* (once per machine)" >&2
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
fi
cleanup() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >&2
echo "==> installed in $(($(date +%s) - started)) s" >&2
