#!/usr/bin/env bash
# docs/sealed-format.md's unseal snippets in Python, Java and PHP (test/snippets): installs the
# runtimes when missing (scripts/install-snippet-runtimes.sh; root or sudo, apt-get), then runs the
# jest project. If the install fails the suite still runs, and each missing runtime fails its test.
# Usage: scripts/test-snippets.sh [jest args...]
set -uo pipefail
cd "$(dirname "$0")/.."
echo "==> runtimes for the unseal snippets (apt-get only when missing)"
installed=0
bash scripts/install-snippet-runtimes.sh || { installed=1; echo "==> could not install the snippet runtimes" >&2; }
echo "==> jest --selectProjects snippets"
node node_modules/jest/bin/jest.js --selectProjects snippets "$@"
status=$?
[ "$status" -ne 0 ] && exit "$status"
exit "$installed"
