# Helpers for the integration tests (tests/integration/*.sh).
#
# tools/check runs each test script with bash and this environment:
#   TOP      source tree            MESTATD  the mestatd binary under test
#   PGHOST   socket dir of the throwaway cluster (PGPORT, PGUSER=postgres)
#   T_CERTS  test CA (ca.crt/ca.key), server.crt/.key, client-CODE.crt/.key
#   T_TMP    a scratch directory for this script alone
# A script reports each behaviour it checks on its own line:
#   "ok - NAME" or "not ok - NAME: what was expected and what came".
# A script that exits non-zero without printing "not ok" counts as one failure.

. "$TOP/tools/lib/pg.sh"
. "$TOP/tools/lib/certs.sh"
. "$TOP/tools/lib/ports.sh"

ok() { echo "ok - $*"; }
# not_ok NAME DETAIL: one line, whatever DETAIL holds (tools/check reads
# the report line by line, so a log excerpt is folded onto it).
not_ok() { echo "not ok - $1: ${2//$'\n'/ }"; }

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected [$2], got [$3]"; fi
}

# expect_match NAME ERE ACTUAL
expect_match() {
	if [[ $3 =~ $2 ]]; then ok "$1"; else not_ok "$1" "expected match for /$2/, got [$3]"; fi
}

# expect_status NAME CODE COMMAND...: run COMMAND, compare its exit status.
expect_status() {
	local name=$1 want=$2
	shift 2
	"$@" >"$T_TMP/last.out" 2>&1
	local got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else
		not_ok "$name" "expected exit $want, got $got: $(head -c 400 "$T_TMP/last.out")"
	fi
}

# t_free_port: print a free loopback port (see tools/lib/ports.sh), never
# one already handed out in this script.
t_free_port() { free_port "$T_TMP/ports.given"; }

# t_newdb: create an empty database for this script, print its name.
t_newdb() {
	local db="t_$(basename "$0" .sh | tr -c 'a-z0-9\n' _)_$$_$RANDOM"
	pg_psql -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null && echo "$db"
}

# t_conf FILE DB [LINES...]: write a mestatd configuration for database DB
# listening on a free loopback port (exported as T_PORT, metrics on T_MPORT).
# Extra LINES are appended to the [mestatd] section; one setting a key of
# the base replaces the base's line (mestatd refuses a key set twice).
t_conf() {
	local file=$1 db=$2 l
	shift 2
	T_PORT=$(t_free_port)
	T_MPORT=$(t_free_port)
	T_DB=$db
	export T_PORT T_MPORT T_DB
	local extra=" "
	for l in "$@"; do extra+="${l%%[ =]*} "; done
	{
		echo "[mestatd]"
		for l in "listen = 127.0.0.1:$T_PORT" \
			"metrics_listen = 127.0.0.1:$T_MPORT" \
			"database = host=$PGHOST port=$PGPORT dbname=$db user=mestatd" \
			"migrate_database = host=$PGHOST port=$PGPORT dbname=$db user=postgres" \
			"sql_dir = $TOP/sql" \
			"tls_cert = $T_CERTS/server.crt" \
			"tls_key = $T_CERTS/server.key" \
			"tls_client_ca = $T_CERTS/ca.crt" \
			"receipt_key = $T_CERTS/receipt.key"; do
			[[ $extra == *" ${l%% *} "* ]] || echo "$l"
		done
		for l in "$@"; do echo "$l"; done
	} >"$file"
}

# t_migrate CONF: apply the migrations with mestatd --migrate, then let the
# login role "mestatd" (made by tools/check) act as mestat_daemon in T_DB.
t_migrate() {
	"$MESTATD" --migrate -c "$1" || return 1
	pg_psql -d "$T_DB" -c "GRANT mestat_daemon TO mestatd; GRANT TEMP ON DATABASE \"$T_DB\" TO mestatd" \
		>/dev/null 2>&1 || true
}

# t_grant_temp DB: let the login "mestatd" create its staging tables
# (temporary) in DB, for a daemon that migrates DB itself (auto_migrate).
t_grant_temp() { pg_psql -d "$1" -c "GRANT TEMP ON DATABASE \"$1\" TO mestatd" >/dev/null; }

# t_start CONF [LOG]: migrate T_DB (granting mestat_daemon to the login
# "mestatd"), start mestatd in the background, wait until /healthz says the
# database is up (at most 40 s: the sanitizer build on a loaded machine is slow). Sets T_PID. Returns non-zero if it never answered.
t_start() {
	local conf=$1 log=${2:-$T_TMP/mestatd.log}
	t_migrate "$conf" 2>>"$log" || return 1
	"$MESTATD" -c "$conf" 2>>"$log" &
	T_PID=$!
	local port
	port=$(sed -n 's/^listen *= *.*:\([0-9]*\)$/\1/p' "$conf" | head -n 1)
	for _ in $(seq 400); do
		curl -s -m 2 --cacert "$T_CERTS/ca.crt" "https://127.0.0.1:$port/healthz" | grep -q '"database":"up"' && return 0
		kill -0 "$T_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# t_up CONF [LOG [NAME]]: t_start, or report "not ok - NAME" (default
# "mestatd starts") with the end of LOG on one line, and end the script.
t_up() {
	local log=${2:-$T_TMP/mestatd.log}
	t_start "$1" "$log" && return 0
	not_ok "${3:-mestatd starts}" "$(tail -n 5 "$log")"
	exit 1
}

# q SQL: one query on this script's database (T_DB, set by t_conf), unaligned.
q() { pg_psql -d "$T_DB" -tA -c "$1"; }

# t_wait_sql SECONDS SQL: poll q SQL every 0.1 s until it answers t; prints
# the seconds waited, or "timeout" after SECONDS.
t_wait_sql() {
	local limit=$1 sql=$2 start=$SECONDS
	while [ $((SECONDS - start)) -lt "$limit" ]; do
		[ "$(q "$sql")" = t ] && { echo $((SECONDS - start)); return 0; }
		sleep 0.1
	done
	echo timeout
}

# t_sql_accepted_held REPORTER BODY HOLD: SQL for another session that
# holds BODY as REPORTER's accepted submission (receipt submission_id
# 424242), uncommitted while the statement HOLD runs, then commits: a
# push of the same body meanwhile meets the unique index (23505).
t_sql_accepted_held() {
	local sha
	sha=$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)
	cat <<SQL
begin;
insert into mestat.submission (reporter, via, format, content_type, sha256, body, client_identity, outcome, http_status,
                               receipt)
values ('$1', 'push', 'json', 'application/json', '$sha', convert_to('$2', 'UTF8'), 'test', 'accepted', 201,
        '{"submission_id": 424242}');
$3;
commit;
SQL
}

# t_until SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds
# (status 0) or SECONDS pass (status 1). A bounded wait, not a timing assertion.
t_until() {
	local limit=$1 start=$SECONDS
	shift
	while [ $((SECONDS - start)) -lt "$limit" ]; do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# t_stop: SIGTERM the mestatd started by t_start and wait (at most 20 s);
# its exit status is left in T_RC (call it directly, not in $(...)).
t_stop() {
	T_RC=
	[ -n "${T_PID:-}" ] || return 0
	kill -TERM "$T_PID" 2>/dev/null
	local i
	for i in $(seq 200); do
		kill -0 "$T_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$T_PID" 2>/dev/null && kill -KILL "$T_PID"
	wait "$T_PID"
	T_RC=$?
	T_PID=
}

# t_curl ARGS...: curl to the test mestatd with the test CA; prints body, then
# the HTTP status on the last line.
t_curl() {
	curl -s --cacert "$T_CERTS/ca.crt" -w '\n%{http_code}' "$@"
}

# t_notify_listen SOCKET LOG SECONDS: play systemd's side of the notify
# protocol: a datagram socket at SOCKET whose messages are appended to LOG,
# one line each (newlines become spaces), for at most SECONDS. Waits until
# the socket exists. Sets T_NOTIFY_PID.
t_notify_listen() {
	python3 - "$1" "$2" "$3" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(1)
end = time.time() + float(sys.argv[3])
with open(sys.argv[2], "a") as f:
    while time.time() < end:
        try:
            data = s.recv(4096)
        except socket.timeout:
            continue
        f.write(data.decode().replace("\n", " ") + "\n")
        f.flush()
PY
	T_NOTIFY_PID=$!
	for _ in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}

# Stop a mestatd left running when the script exits.
trap 't_stop' EXIT
