#!/usr/bin/env bash
# Soak (opt-in, not in .ci/run): >= 10,000 signed deliveries at a steady rate into n8n queue mode,
# resident memory of the webhook process and the worker sampled every few seconds, then the
# chart: .ci-results/reports/soak.json -> docs/images/soak-memory.svg.
# Usage: scripts/test-soak.sh [jest args...]   (SOAK_DELIVERIES, SOAK_RATE, ... : see test/soak/)
set -uo pipefail
cd "$(dirname "$0")/.."
echo "==> PostgreSQL and Redis (Debian packages; apt-get only when missing)"
scripts/n8n/queue/install-services.sh || exit 1
echo "==> soak: ${SOAK_DELIVERIES:-10000} deliveries at ${SOAK_RATE:-17}/s"
status=0
scripts/run-with-n8n.sh soak 60 "${N8N_VERSION:-2.41.1}" -- "$@" || status=$?
if [ -f .ci-results/reports/soak.json ]; then
	echo "==> chart"
	node scripts/soak-chart.js .ci-results/reports/soak.json docs/images/soak-memory.svg .ci-results/reports/soak-webhook.json
fi
exit "$status"
