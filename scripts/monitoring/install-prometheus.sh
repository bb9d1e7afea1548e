#!/usr/bin/env bash
# Installs Debian's prometheus (the server and promtool) when missing, for the monitoring tests.
# Idempotent: when both binaries are there it only prints where they are. The package's own
# service is never started (policy-rc.d answers 101 during the install, as in
# scripts/n8n/queue/install-services.sh): scripts/monitoring/prometheus.js starts a private one
# on loopback with a temporary config and data dir.
# Prints two lines: PROMETHEUS=<path> and PROMTOOL=<path>.
set -euo pipefail

have_all() { command -v prometheus >/dev/null && command -v promtool >/dev/null; }

if ! have_all; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-prometheus.sh: prometheus or promtool is missing and this is not root; install Debian's 'prometheus' package with apt-get" >&2
		exit 1
	fi
	started=$(date +%s)
	echo "==> apt-get install prometheus (once per machine)" >&2
	policy=/usr/sbin/policy-rc.d
	own_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
	fi
	cleanup() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi; }
	trap cleanup EXIT
	export DEBIAN_FRONTEND=noninteractive
	# Another suite may hold the apt lock: wait for it rather than fail.
	apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends prometheus >&2
	cleanup
	trap - EXIT
	echo "==> installed in $(($(date +%s) - started)) s" >&2
	have_all || { echo "install-prometheus.sh: install finished but prometheus or promtool is missing" >&2; exit 1; }
fi
echo "PROMETHEUS=$(command -v prometheus)"
echo "PROMTOOL=$(command -v promtool)"
