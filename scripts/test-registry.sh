#!/usr/bin/env bash
# The package installed and updated through n8n 2.41.1's own community-package manager from a
# registry (a Verdaccio on loopback, installed and cached by scripts/install-verdaccio.sh).
# Usage: scripts/test-registry.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
export N8N_VERSION="${N8N_VERSION:-2.41.1}"
scripts/install-verdaccio.sh >/dev/null
exec scripts/run-with-n8n.sh registry 10 "$N8N_VERSION" -- "$@"
