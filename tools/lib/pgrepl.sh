# pgrepl.sh - a throwaway primary and synchronous hot standby on loopback,
# made the way an operator makes them: initdb, a streaming standby copied
# with pg_basebackup -R, synchronous_standby_names naming it. For the
# failover tests and benchmarks. Source after pg.sh and ports.sh.
#
#   pgrepl_start DIR       primary in DIR/a, standby in DIR/b; sets
#                          PGREPL_PORT_A, PGREPL_PORT_B (127.0.0.1) and
#                          PGREPL_HOSTS, the libpq "host=… port=…" pair of both
#   pgrepl_psql A|B ARGS   psql as the superuser on one of them
#   pgrepl_kill A|B        SIGKILL the postmaster and its children, by PID
#   pgrepl_promote B       pg_ctl promote, waiting until it accepts writes
#   pgrepl_stop DIR        stop both (immediate), by PID when pg_ctl cannot
#
# Each server also keeps its Unix socket in its own directory. Every step is
# bounded: pg_ctl -t 60, pg_basebackup under timeout 120, waits of 60 s.
# The standby's own synchronous_standby_names is empty: once promoted it has
# no standby of its own, and a non-empty list would stop every commit.

PGREPL_STANDBY_NAME=mestat_standby

pgrepl__dir() { case $1 in A | a) echo "$PGREPL_DIR/a" ;; *) echo "$PGREPL_DIR/b" ;; esac; }
pgrepl__port() { case $1 in A | a) echo "$PGREPL_PORT_A" ;; *) echo "$PGREPL_PORT_B" ;; esac; }

pgrepl_psql() {
	local which=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -U postgres -h "$(pgrepl__dir "$which")" -p "$(pgrepl__port "$which")" "$@"
}

pgrepl_start() {
	PGREPL_DIR=$1
	local a=$1/a b=$1/b given=$1/ports.given
	mkdir -p "$1"
	PGREPL_PORT_A=$(free_port "$given")
	PGREPL_PORT_B=$(free_port "$given")
	export PGREPL_DIR PGREPL_PORT_A PGREPL_PORT_B
	PGREPL_HOSTS="host=127.0.0.1,127.0.0.1 port=$PGREPL_PORT_A,$PGREPL_PORT_B"
	export PGREPL_HOSTS
	if [ "$(id -u)" = 0 ]; then chown postgres: "$1" && chmod 700 "$1"; fi
	pg__as mkdir -p "$a" "$b" && pg__as chmod 700 "$a" "$b" || return 1
	pg__as "$PG_BIN/initdb" -D "$a/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
		>"$1/initdb.log" 2>&1 || { cat "$1/initdb.log" >&2; return 1; }
	# full_page_writes stays on: a base backup needs it. fsync off only
	# spares the shared test machine's disk; a kill -9 leaves the page cache.
	pg__as tee -a "$a/data/postgresql.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $PGREPL_PORT_A
unix_socket_directories = '$a'
fsync = off
max_connections = 100
log_min_messages = warning
wal_level = replica
max_wal_senders = 4
hot_standby = on
hot_standby_feedback = on
synchronous_commit = on
synchronous_standby_names = '$PGREPL_STANDBY_NAME'
CONF
	pg__as "$PG_BIN/pg_ctl" -D "$a/data" -l "$a/server.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$a/server.log" >&2; return 1; }
	# pg_basebackup copies the primary's postgresql.conf; the lines below,
	# later in the file, win over it.
	pg__as rm -rf "$b/data"
	pg__as timeout 120 "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PGREPL_PORT_A" -U postgres \
		-D "$b/data" -R -X stream -c fast >"$1/basebackup.log" 2>&1 ||
		{ cat "$1/basebackup.log" >&2; return 1; }
	pg__as tee -a "$b/data/postgresql.conf" >/dev/null <<CONF
port = $PGREPL_PORT_B
unix_socket_directories = '$b'
cluster_name = '$PGREPL_STANDBY_NAME'
synchronous_standby_names = ''
CONF
	pg__as "$PG_BIN/pg_ctl" -D "$b/data" -l "$b/server.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$b/server.log" >&2; return 1; }
	# Ready when the primary sees the standby streaming as its synchronous one.
	local i state
	for i in $(seq 600); do
		state=$(pgrepl_psql A -d postgres -tAc \
			"select sync_state from pg_stat_replication where application_name = '$PGREPL_STANDBY_NAME' and state = 'streaming'" 2>/dev/null)
		[ "$state" = sync ] && return 0
		sleep 0.1
	done
	echo "pgrepl: the standby never became synchronous" >&2
	tail -n 10 "$b/server.log" >&2
	return 1
}

# pgrepl__pid WHICH: the postmaster's PID from its postmaster.pid, if running.
pgrepl__pid() {
	local f
	f=$(pgrepl__dir "$1")/data/postmaster.pid
	[ -f "$f" ] || return 1
	local pid
	pid=$(head -n 1 "$f")
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

pgrepl_kill() {
	local pid kids
	pid=$(pgrepl__pid "$1") || return 0
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null)
	# shellcheck disable=SC2086
	kill -KILL "$pid" $kids 2>/dev/null
	local i
	for i in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
}

pgrepl_promote() {
	pg__as "$PG_BIN/pg_ctl" -D "$(pgrepl__dir "$1")/data" -w -t 60 promote >/dev/null || return 1
	local i
	for i in $(seq 600); do
		[ "$(pgrepl_psql "$1" -d postgres -tAc 'select pg_is_in_recovery()' 2>/dev/null)" = f ] && return 0
		sleep 0.1
	done
	return 1
}

pgrepl_stop() {
	local dir=$1 w pid
	for w in a b; do
		[ -f "$dir/$w/data/postmaster.pid" ] || continue
		pg__as "$PG_BIN/pg_ctl" -D "$dir/$w/data" -m immediate -w -t 30 stop >/dev/null 2>&1 && continue
		pid=$(head -n 1 "$dir/$w/data/postmaster.pid" 2>/dev/null)
		[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	done
	return 0
}
