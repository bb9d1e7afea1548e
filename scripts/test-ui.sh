#!/usr/bin/env bash
# Browser test of the editor: Debian's Chromium (installed here when missing), driven by
# playwright-core, against a real n8n 2.41.1 with the package installed as a community package.
# Screenshots go to docs/images/ui-*.png.
# Usage: scripts/test-ui.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
	echo "==> install Debian chromium (apt-get)"
	SUDO=""
	[ "$(id -u)" -ne 0 ] && SUDO=sudo
	$SUDO env DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update -qq && apt-get install -y -qq chromium' >/dev/null
fi
echo "==> $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
# The UI selectors target this n8n version.
exec scripts/run-with-n8n.sh ui 5 2.41.1 -- "$@"
