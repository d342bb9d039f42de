# Sourced by .ci/run: start a throwaway PostgreSQL cluster for the store
# tests and stop it (removing its files) when the script exits, even on
# failure. The cluster runs as a non-root user (initdb and postgres refuse
# root), listens on 127.0.0.1 at a free port and on a socket in its own
# directory, trusts local connections, and is gone after the run.
#
#   pg_start   sets PARTNEROPS_TEST_DATABASE_URL
#   pg_stop    stops the server and removes its directory (idempotent)

pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

pg_start() {
	local bin
	if ! bin=$(pg_bindir); then
		echo "PostgreSQL is not installed; installing it (apt-get install -y postgresql)"
		if [ "$(id -u)" = 0 ]; then
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
		else
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
		fi
		bin=$(pg_bindir) || { echo "PostgreSQL install failed" >&2; return 1; }
	fi
	local user=postgres
	if [ "$(id -u)" != 0 ]; then
		user=$(id -un)
	elif ! id "$user" >/dev/null 2>&1; then
		useradd --system --no-create-home partnerops-pg 2>/dev/null || true
		user=partnerops-pg
	fi
	PG_DIR=$(mktemp -d /tmp/partnerops-pg.XXXXXX)
	chmod 755 "$PG_DIR"
	[ "$(id -u)" = 0 ] && chown "$user" "$PG_DIR"
	PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
	pg_as() { if [ "$(id -u)" = 0 ]; then su -s /bin/sh "$user" -c "$*"; else sh -c "$*"; fi; }
	pg_as "'$bin/initdb' -D '$PG_DIR/data' -U partnerops --auth=trust --encoding=UTF8 --no-locale" >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	PG_BIN=$bin
	PG_USER=$user
	pg_as "'$bin/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/server.log' -w -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off\" start" >/dev/null ||
		{ cat "$PG_DIR/server.log" >&2; return 1; }
	pg_as "'$bin/createdb' -h 127.0.0.1 -p $PG_PORT -U partnerops partnerops_test" ||
		{ cat "$PG_DIR/server.log" >&2; return 1; }
	export PARTNEROPS_TEST_DATABASE_URL="postgres://partnerops@127.0.0.1:$PG_PORT/partnerops_test?sslmode=disable"
	echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
}

pg_stop() {
	if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
		if [ "$(id -u)" = 0 ]; then
			su -s /bin/sh "$PG_USER" -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -m immediate stop" >/dev/null 2>&1 || true
		else
			"$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
		fi
		rm -rf "$PG_DIR"
		PG_DIR=
	fi
}
