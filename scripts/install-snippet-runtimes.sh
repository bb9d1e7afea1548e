#!/usr/bin/env bash
# Installs the runtimes that run docs/sealed-format.md's unseal snippets as written: Java (Debian's
# default-jdk-headless: java + javac), PHP (php-cli, with OpenSSL built in) and Python's
# 'cryptography' (python3-cryptography). Node is already there. Idempotent: when everything is
# present it only prints the versions (no apt, well under a second).
# Usage: scripts/install-snippet-runtimes.sh   (root, or sudo available, when something is missing)
set -euo pipefail

missing=()
command -v java >/dev/null && command -v javac >/dev/null || missing+=(default-jdk-headless)
command -v php >/dev/null || missing+=(php-cli)
python3 -c 'import cryptography' 2>/dev/null || missing+=(python3-cryptography)

if [ "${#missing[@]}" -gt 0 ]; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || {
			echo "install-snippet-runtimes.sh: ${missing[*]} missing and this is not root; install them with apt-get" >&2
			exit 1
		}
		SUDO=sudo
	fi
	started=$(date +%s)
	echo "==> apt-get install ${missing[*]} (once per machine)" >&2
	$SUDO env DEBIAN_FRONTEND=noninteractive sh -c \
		"apt-get update -qq && apt-get install -y -qq --no-install-recommends ${missing[*]}" >&2
	echo "==> installed in $(($(date +%s) - started)) s" >&2
fi

java -version 2>&1 | head -n 1
php -r 'echo "php ", PHP_VERSION, " openssl ", OPENSSL_VERSION_TEXT, "\n";'
python3 -c 'import cryptography, sys; print("python", sys.version.split()[0], "cryptography", cryptography.__version__)'
