#!/usr/bin/env bash
# Installs PostgreSQL, Redis and nginx from the Debian packages, for the queue-mode suite. Idempotent:
# when the binaries are already there it only prints where they are (no apt, well under a second).
# The packages' own services are never started (policy-rc.d answers 101 during the install, the
# Docker convention): scripts/n8n/queue/services.js starts private instances on loopback instead.
# Prints two lines: PG_BIN=<dir with initdb, pg_ctl, psql> and REDIS_SERVER=<path>.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
have_all() {
	local dir
	dir="$(pg_bin)"
	[ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] &&
		command -v psql >/dev/null && command -v redis-server >/dev/null && command -v redis-cli >/dev/null && nginx_bin >/dev/null
}
# /usr/sbin is not on every root PATH (e.g. a minimal container's).
nginx_bin() { command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }; }

if ! have_all; then
	if [ "$(id -u)" != 0 ]; then
		echo "install-services.sh: postgresql, redis-server or nginx is missing and this is not root; install them with apt-get" >&2
		exit 1
	fi
	started=$(date +%s)
	echo "==> apt-get install postgresql redis-server nginx (once per machine)" >&2
	policy=/usr/sbin/policy-rc.d
	own_policy=0
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
	fi
	cleanup() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; fi; }
	trap cleanup EXIT
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql postgresql-client redis-server redis-tools nginx >&2
	cleanup
	trap - EXIT
	echo "==> installed in $(($(date +%s) - started)) s" >&2
	have_all || { echo "install-services.sh: install finished but binaries are missing" >&2; exit 1; }
fi
id postgres >/dev/null 2>&1 || { echo "install-services.sh: no 'postgres' user (the postgresql package creates it)" >&2; exit 1; }
echo "PG_BIN=$(pg_bin)"
echo "REDIS_SERVER=$(command -v redis-server)"
echo "NGINX=$(nginx_bin)"
