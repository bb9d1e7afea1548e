#!/usr/bin/env bash
# Queue-mode suite: PostgreSQL and Redis from Debian packages (apt-get when missing, root), then
# private instances and n8n main + webhook + worker on loopback, stopped at the end.
# Usage: scripts/test-queue.sh [jest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> PostgreSQL and Redis (Debian packages; apt-get only when missing)"
scripts/n8n/queue/install-services.sh
exec scripts/run-with-n8n.sh queue 10 "${N8N_VERSION:-2.41.1}" -- "$@"
