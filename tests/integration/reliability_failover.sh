# reliability_failover.sh - a primary and a synchronous hot standby (made
# with pg_basebackup by tools/lib/pgrepl.sh); mestatd writes through a
# multi-host connection string with target_session_attrs=read-write and
# reads (read API, release pages) from the standby through report_database
# (target_session_attrs=prefer-standby).
# Clients push with a ledger while the primary is killed with SIGKILL and the
# standby promoted with pg_ctl promote: every submission that got a 2xx is on
# the new primary exactly once, the others were answered 503 with
# Retry-After or not at all, and mestatd writes again without a restart.
# The seconds of 503 and the time from promotion to the first write are
# printed as comments, not asserted (bench/failover measures them).
. "$TOP/tests/lib.sh"
. "$TOP/tools/lib/pgrepl.sh"

repl=$T_TMP/repl
if ! timeout 300 bash -c ". '$TOP/tools/lib/pg.sh'; . '$TOP/tools/lib/ports.sh'; . '$TOP/tools/lib/pgrepl.sh';
	pgrepl_start '$repl' && echo \"\$PGREPL_PORT_A \$PGREPL_PORT_B\" >'$repl/ports'" 2>"$T_TMP/pgrepl.log"; then
	not_ok "a primary and a synchronous standby start (pg_basebackup -R)" "$(tail -n 5 "$T_TMP/pgrepl.log")"
	PGREPL_DIR=$repl pgrepl_stop "$repl"
	exit 1
fi
read -r PGREPL_PORT_A PGREPL_PORT_B <"$repl/ports"
PGREPL_DIR=$repl
export PGREPL_DIR PGREPL_PORT_A PGREPL_PORT_B
trap 't_stop; pgrepl_stop "$repl"' EXIT
ok "a primary and a synchronous standby start (pg_basebackup -R)"

# From here on q, t_newdb and t_migrate use the primary.
export PGHOST=$repl/a PGPORT=$PGREPL_PORT_A
pg_psql -d postgres -c "CREATE ROLE mestatd LOGIN" >/dev/null
db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" \
	"database = host=127.0.0.1,127.0.0.1 port=$PGREPL_PORT_A,$PGREPL_PORT_B dbname=$db user=mestatd target_session_attrs=read-write" \
	"migrate_database = host=127.0.0.1 port=$PGREPL_PORT_A dbname=$db user=postgres" \
	"report_database = host=127.0.0.1,127.0.0.1 port=$PGREPL_PORT_B,$PGREPL_PORT_A dbname=$db user=mestatd target_session_attrs=prefer-standby" \
	"recompute_interval = 1h"
t_up "$conf"
url=https://127.0.0.1:$T_PORT
qa() { pgrepl_psql A -d "$db" -tAc "$1"; }
qb() { pgrepl_psql B -d "$db" -tAc "$1"; }
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")

expect_eq "the standby is the synchronous one" sync \
	"$(qa "select sync_state from pg_stat_replication where application_name = '$PGREPL_STANDBY_NAME'")"

# ---- reads from the standby ----
out=$(t_curl "${cert[@]}" "$url/api/v1/report/progress?limit=1")
expect_eq "the read API answers from the standby: 200" 200 "$(tail -n 1 <<<"$out")"
out=$(t_curl "${cert[@]}" "$url/api/v1/releases")
expect_eq "the release list answers from the standby: 200" 200 "$(tail -n 1 <<<"$out")"
expect_eq "the read pool's connections are on the standby" yes \
	"$([ "$(qb "select count(*) from pg_stat_activity where application_name = 'mestatd read API'")" -gt 0 ] && echo yes)"
expect_eq "... and none on the primary" 0 \
	"$(qa "select count(*) from pg_stat_activity where application_name = 'mestatd read API'")"
health=
for _ in $(seq 100); do
	health=$(t_curl "$url/healthz")
	grep -q '"standby": *true' <<<"$health" && break
	sleep 0.1
done
rd=$(jq -c '.report_database' <<<"${health%$'\n'*}")
expect_eq "/healthz: report_database is a standby ($rd)" true "$(jq -r .standby <<<"$rd")"
expect_match "... with its replication lag in seconds" '^[0-9]+(\.[0-9]+)?$' "$(jq -r .replication_lag_seconds <<<"$rd")"
expect_match "... and the time its data is as of" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$(jq -r .data_as_of <<<"$rd")"
metrics=$(curl -s "http://127.0.0.1:$T_MPORT/metrics")
expect_match "/metrics: mestat_report_database_standby 1" $'(^|\n)mestat_report_database_standby 1\n' "$metrics"
expect_match "/metrics: mestat_report_replication_lag_seconds" $'(^|\n)mestat_report_replication_lag_seconds [0-9.e+-]+\n' "$metrics"

out=$(t_curl "${cert[@]}" -H 'Content-Type: application/json' \
	-d '{"reporter":"110000","period":"2016Q1","values":[{"indicator":"incubators","value":7}]}' "$url/api/v1/submissions")
expect_eq "a push is acknowledged with the synchronous standby attached" 201 "$(tail -n 1 <<<"$out")"
seen=
for _ in $(seq 100); do
	seen=$(qb "select count(*) from mestat.observation where reporter = '110000' and value = 7")
	[ "$seen" = 1 ] && break
	sleep 0.1
done
expect_eq "... and the standby has it" 1 "$seen"

# ---- failover under load ----
mapfile -t cells < <(qa "select i.code || ' ' || p.code from mestat.indicator i, mestat.period p
	where i.scope = 'provincial' and i.periodicity = 'quarterly' and p.kind = 'quarter' and i.max_value is null
	  and p.start_date <= current_date and p.code <> '2016Q1' order by p.code, i.code limit 1600")
N=${#cells[@]}
body() {
	local a=(${cells[$1]})
	printf '{"reporter":"110000","values":[{"indicator":"%s","period":"%s","value":%d}]}' "${a[0]}" "${a[1]}" $((100000 + $1))
}
# writer W: submissions W, W+4, … until the stop file appears; one ledger
# line each: "I START END STATUS RETRY-AFTER".
writer() {
	local i s r
	for ((i = $1; i < N; i += 4)); do
		[ -e "$T_TMP/stop" ] && break
		s=$(date +%s.%N)
		r=$(curl -s -m 10 -o /dev/null -w '%{http_code} %header{retry-after}' --cacert "$T_CERTS/ca.crt" "${cert[@]}" \
			-H 'Content-Type: application/json' -d "$(body "$i")" "$url/api/v1/submissions")
		echo "$i $s $(date +%s.%N) $r"
	done
}
# An evaluator signed in to the console.
etok=$(qa "select mestat.create_evaluator_token('alice')")
session=$(curl -s -o /dev/null -D - --cacert "$T_CERTS/ca.crt" -H "Origin: $url" --data-urlencode "token=$etok" \
	"$url/console/login" | tr -d '\r' | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
expect_match "an evaluator signs in to the console" '^[0-9a-f]{64}$' "$session"
# reader: a province (its certificate) and the evaluator's console page
# (the session cookie) read in turn, one read begun every 0.2 s whether or
# not the previous one has answered; "START STATUS" per read. (A request
# already waiting for a connection to the primary when it dies waits until
# a connection is back, 7 s in one run; begun one after another, such a
# read kept every later one from starting before the promotion.)
reader() {
	local s n=0 who
	while [ ! -e "$T_TMP/stop" ]; do
		s=$(date +%s.%N)
		if ((n++ % 2)); then who=(-H "Cookie: mestat_session=$session"); else who=("${cert[@]}"); fi
		echo "$s $(curl -s -m 10 -o /dev/null -w '%{http_code}' --cacert "$T_CERTS/ca.crt" "${who[@]}" \
			"$url/api/v1/report/progress?limit=1")" &
		sleep 0.2
	done
	wait
}
ledger=$T_TMP/ledger
writers=()
for w in 0 1 2 3; do
	writer "$w" >"$ledger.$w" &
	writers+=($!)
done
reader >>"$T_TMP/reads" &
writers+=($!)
sleep 2
t_kill=$(date +%s.%N)
pgrepl_kill A
# The operator notices: a few seconds, in which the reads are served by the
# standby.
sleep 5
pgrepl_promote B || not_ok "pg_ctl promote" "$(tail -n 5 "$repl/b/server.log")"
t_promoted=$(date +%s.%N)
# Bounded: at most 60 s for a write acknowledged after the promotion.
for _ in $(seq 600); do
	cat "$ledger".? | awk -v p="$t_promoted" '$2 >= p && $4 ~ /^20[01]$/ { f = 1 } END { exit !f }' && break
	sleep 0.1
done
sleep 2
touch "$T_TMP/stop"
wait "${writers[@]}"
cat "$ledger".? | sort -n >"$ledger"

acked=$(awk '$4 ~ /^20[01]$/' "$ledger" | wc -l)
refused=$(awk '$4 == 503' "$ledger" | wc -l)
cut=$(awk '$4 == "000"' "$ledger" | wc -l)
other=$(awk '$4 !~ /^(20[01]|503|000)$/' "$ledger" | wc -l)
first_after=$(awk -v p="$t_promoted" '$2 >= p && $4 ~ /^20[01]$/ { if (!m || $3 < m) m = $3 } END { if (m) printf "%.2f", m - p }' "$ledger")
window=$(awk '$4 !~ /^20[01]$/ { if (!a || $2 < a) a = $2; if ($3 > b) b = $3 } END { if (a) printf "%.2f", b - a; else print 0 }' "$ledger")
echo "# failover: $(wc -l <"$ledger") pushes, $acked acknowledged, $refused answered 503, $cut without an answer, $other other"
echo "# failover: kill -9 at +0, promoted at +$(awk -v a="$t_kill" -v b="$t_promoted" 'BEGIN { printf "%.2f", b - a }') s;" \
	"first write acknowledged ${first_after:-never} s after the promotion; non-2xx answers spread over $window s"
expect_eq "every push was acknowledged, answered 503, or cut (no other status)" 0 "$other"
expect_eq "every 503 carries Retry-After" 0 "$(awk '$4 == 503 && $5 == ""' "$ledger" | wc -l)"
expect_eq "the kill landed mid-stream: some pushes were not acknowledged" yes "$([ $((refused + cut)) -gt 0 ] && echo yes)"
expect_eq "mestatd writes again after the promotion, without a restart" yes "$([ -n "$first_after" ] && echo yes)"
expect_eq "the same mestatd process served throughout" yes "$(kill -0 "$T_PID" 2>/dev/null && echo yes)"
# Reads begun a second after the kill and before the promotion: the primary
# is gone, the callers (certificate, console session) are identified and
# served on the standby.
down_ok=$(awk -v k="$t_kill" -v p="$t_promoted" '$1 > k + 1 && $1 < p && $2 == 200' "$T_TMP/reads" | wc -l)
down_bad=$(awk -v k="$t_kill" -v p="$t_promoted" '$1 > k + 1 && $1 < p && $2 != 200' "$T_TMP/reads" | wc -l)
echo "# reads while the primary was down: $down_ok answered 200, $down_bad not; in all $(awk '$2 == 200' "$T_TMP/reads" | wc -l) of $(wc -l <"$T_TMP/reads")"
expect_eq "the read API kept answering from the standby while the primary was down" yes "$([ "$down_ok" -gt 0 ] && echo yes)"
expect_eq "... every read then (none refused)" 0 "$down_bad"

# From here on q is the new primary.
export PGHOST=$repl/b PGPORT=$PGREPL_PORT_B
missing=0 twice=0
while read -r i _ _ code _; do
	[[ $code =~ ^20[01]$ ]] || continue
	n=$(q "select count(*) from mestat.observation where reporter = '110000' and value = $((100000 + i))")
	[ "$n" = 0 ] && missing=$((missing + 1))
	[ "$n" -gt 1 ] && twice=$((twice + 1))
done <"$ledger"
expect_eq "every acknowledged push is on the new primary ($acked acknowledged)" 0 "$missing"
expect_eq "... none of them twice" 0 "$twice"

bad=0
while read -r i _ _ code _; do
	[[ $code =~ ^20[01]$ ]] && continue
	again=$(curl -s -m 10 -o /dev/null -w '%{http_code}' --cacert "$T_CERTS/ca.crt" "${cert[@]}" \
		-H 'Content-Type: application/json' -d "$(body "$i")" "$url/api/v1/submissions")
	[[ $again =~ ^20[01]$ ]] || bad=$((bad + 1))
done <"$ledger"
expect_eq "every push not acknowledged, sent again, gets a receipt" 0 "$bad"
sent=$(wc -l <"$ledger")
expect_eq "all $sent pushes are now stored, each once" "$sent" \
	"$(q "select count(distinct value) from mestat.observation where reporter = '110000' and value >= 100000")"
expect_eq "... in as many rows" "$sent" \
	"$(q "select count(*) from mestat.observation where reporter = '110000' and value >= 100000")"

out=$(t_curl "${cert[@]}" "$url/api/v1/report/progress?limit=1")
expect_eq "the read API answers from the promoted standby: 200" 200 "$(tail -n 1 <<<"$out")"
health=$(t_curl "$url/healthz")
expect_eq "/healthz: 200 after the failover" 200 "$(tail -n 1 <<<"$health")"
for _ in $(seq 100); do
	grep -q '"standby": *false' <<<"$health" && break
	sleep 0.1
	health=$(t_curl "$url/healthz")
done
expect_match "... and report_database is no longer a standby" '"standby": *false' "$health"
expect_match "the reconnection to the promoted standby is logged" 'database connection re-established' \
	"$(cat "$T_TMP/mestatd.log")"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
exit 0
