#!/usr/bin/env bash
# Installs the second iCal parser of test/e2e/calendar.e2e.test.cts: Debian's python3-icalendar,
# read with Debian's own /usr/bin/python3 (not a pyenv or venv python). Idempotent: when present
# it only prints the version (no apt).
# Usage: scripts/install-ical-parser.sh   (root, or sudo available, when it is missing)
set -euo pipefail
if ! /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "install-ical-parser.sh: python3-icalendar missing and this is not root; apt-get install it" >&2; exit 1; }
		SUDO=sudo
	fi
	echo "==> apt-get install python3-icalendar (once per machine)" >&2
	$SUDO env DEBIAN_FRONTEND=noninteractive sh -c \
		"apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-icalendar" >&2
fi
/usr/bin/python3 -c 'import icalendar; print("python3-icalendar", icalendar.__version__)'
