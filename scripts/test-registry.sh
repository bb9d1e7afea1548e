#!/usr/bin/env bash
# The package installed and updated through n8n's own community-package manager from a registry
# (a Verdaccio on loopback, installed and cached by scripts/install-verdaccio.sh).
# Opt-in files: UNTIS_REGISTRY_N8N1=1 the same on n8n 1.123.81 (2.5 to 5 min), UNTIS_REGISTRY_QUEUE=1
# queue mode on PostgreSQL and Redis (about 4 min). Usage: scripts/test-registry.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
export N8N_VERSION="${N8N_VERSION:-2.41.1}"
scripts/install-verdaccio.sh >/dev/null
versions=("$N8N_VERSION")
if [ "${UNTIS_REGISTRY_N8N1:-}" = 1 ]; then versions+=(1.123.81); fi
if [ "${UNTIS_REGISTRY_QUEUE:-}" = 1 ]; then scripts/n8n/queue/install-services.sh >/dev/null; fi
exec scripts/run-with-n8n.sh registry 10 "${versions[@]}" -- "$@"
