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
	"$(dirname "$0")/../../apt-install.sh" postgresql postgresql-client redis-server redis-tools nginx
	have_all || { echo "install-services.sh: install finished but binaries are missing" >&2; exit 1; }
fi
id postgres >/dev/null 2>&1 || { echo "install-services.sh: no 'postgres' user (the postgresql package creates it)" >&2; exit 1; }
echo "PG_BIN=$(pg_bin)"
echo "REDIS_SERVER=$(command -v redis-server)"
echo "NGINX=$(nginx_bin)"
