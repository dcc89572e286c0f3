# Throwaway PostgreSQL clusters for tests and the demo.
# Source this file; it defines pg_start, pg_stop, pg_restart and pg_psql.
# A cluster lives in one directory, listens only on a Unix socket inside it
# (no TCP port, so parallel runs never collide) and trusts local connections.
# PostgreSQL refuses to run as root, so as root the server runs as `postgres`.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

pg__as() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DIR: create (first time) and start a cluster in DIR. PG_CONF_EXTRA,
# if set, is appended to its postgresql.conf (for example to load
# pg_stat_statements when profiling a benchmark).
# Exports PGHOST (the socket directory), PGPORT, PGUSER=postgres.
pg_start() {
	local dir=$1
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		pg__as "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
			--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; return 1; }
		cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
${PG_CONF_EXTRA:-}
CONF
	fi
	pg__as "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$dir/server.log" >&2; return 1; }
	export PGHOST=$dir PGPORT=5432 PGUSER=postgres
}

# pg_stop DIR [MODE]: stop the cluster (MODE fast by default, or immediate).
pg_stop() {
	pg__as "$PG_BIN/pg_ctl" -D "$1/data" -m "${2:-fast}" -w -t 60 stop >/dev/null 2>&1
}

# pg_restart DIR: start a stopped cluster again.
pg_restart() {
	pg__as "$PG_BIN/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 60 start >/dev/null
}

# pg_psql ARGS...: psql as the superuser, quiet, stop on first error.
pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 -U postgres "$@"
}
