#!/usr/bin/env bash
# Installs Debian's prometheus (the server and promtool) when missing, for the monitoring tests.
# Idempotent: when both binaries are there it only prints where they are. The package's own
# service is never started (scripts/apt-install.sh): scripts/monitoring/prometheus.js starts a
# private one on loopback with a temporary config and data dir.
# Prints two lines: PROMETHEUS=<path> and PROMTOOL=<path>.
set -euo pipefail

have_all() { command -v prometheus >/dev/null && command -v promtool >/dev/null; }

if ! have_all; then
	"$(dirname "$0")/../apt-install.sh" prometheus
	have_all || { echo "install-prometheus.sh: install finished but prometheus or promtool is missing" >&2; exit 1; }
fi
echo "PROMETHEUS=$(command -v prometheus)"
echo "PROMTOOL=$(command -v promtool)"
