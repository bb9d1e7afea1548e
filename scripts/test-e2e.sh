#!/usr/bin/env bash
# End-to-end suites on a real n8n 2.41.1 and 1.123.81 (installed and cached on first use).
# Usage: scripts/test-e2e.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
export N8N_VERSION="${N8N_VERSION:-2.41.1}" N8N_1X_VERSION="${N8N_1X_VERSION:-1.123.81}"
exec scripts/run-with-n8n.sh e2e 10 "$N8N_VERSION" "$N8N_1X_VERSION" -- "$@"
