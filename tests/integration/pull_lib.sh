# pull_lib.sh: helpers shared by the pull collector tests tests/integration/pull_*.sh.
# It is sourced after tests/lib.sh; run on its own it is not a test and does nothing.
[[ ${BASH_SOURCE[0]} == "$0" ]] && exit 0

SIM_PIDS=()

# sim_start NAME ROOT [ARGS...]: start tools/province-sim serving ROOT with the
# test server certificate (extra ARGS, e.g. --cert/--key/--client-ca, come
# last and win). Sets SIM_PORT and SIM_LOG (T_TMP/sim-NAME.log, one line per
# request: METHOD PATH STATUS). Returns non-zero if it did not come up in 10 s.
sim_start() {
	local name=$1 root=$2
	shift 2
	SIM_LOG=$T_TMP/sim-$name.log
	python3 "$TOP/tools/province-sim" --port 0 --cert "$T_CERTS/server.crt" --key "$T_CERTS/server.key" \
		--root "$root" --max-seconds 300 "$@" >"$SIM_LOG" 2>"$T_TMP/sim-$name.err" &
	SIM_PIDS+=($!)
	SIM_PORT=
	for _ in $(seq 100); do
		SIM_PORT=$(sed -n '1s#^listening on https://127.0.0.1:\([0-9]*\)/$#\1#p' "$SIM_LOG")
		[ -n "$SIM_PORT" ] && return 0
		sleep 0.1
	done
	return 1
}

# sim_stop_all: kill the simulators this script started, by PID.
sim_stop_all() {
	local p
	for p in "${SIM_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${SIM_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	SIM_PIDS=()
}

trap 't_stop; sim_stop_all' EXIT

# sim_count LOG ERE: how many requests in LOG match ERE ("GET /x.json 304").
sim_count() { grep -cE "$2" "$1"; }

# sql_true SQL: succeeds when SQL returns "t".
sql_true() { [ "$(q "$1")" = t ]; }

# source_section NAME REPORTER URL FORMAT [LINES...]: a [source NAME] section
# with short test timings (interval 2s, retry_min 1s, timeout 5s) and the test CA.
source_section() {
	local name=$1 reporter=$2 url=$3 format=$4
	shift 4
	local l extra=" "
	for l in "$@"; do extra+="${l%%[ =]*} "; done # a LINE replaces the default of its key
	printf '\n[source %s]\n' "$name"
	for l in "reporter = $reporter" "url = $url" "format = $format" "interval = 2s" "retry_min = 1s" \
		"timeout = 5s" "ca_file = $T_CERTS/ca.crt"; do
		[[ $extra == *" ${l%% *} "* ]] || echo "$l"
	done
	for l in "$@"; do echo "$l"; done
}

# state NAME COLUMNS: columns of mestat.source_state for source NAME, '|'-separated.
state() { q "select $2 from mestat.source_state where name = '$1'"; }

# metric NAME_AND_LABELS: the value of one sample on the test mestatd's /metrics, or 0.
metric() {
	local v
	v=$(curl -s "http://127.0.0.1:$T_MPORT/metrics" | grep -F "$1" | awk '{print $2}' | head -n 1)
	echo "${v:-0}"
}
