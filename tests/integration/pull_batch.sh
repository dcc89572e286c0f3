# pull_batch.sh - a pull holds its slot (one of max_parallel_pulls) only for
# its transfer: the body fetched waits for the database without it, so the
# next transfers run meanwhile and the bodies that wait together share a
# transaction (daemon/ingest_batch.c), more of them than max_parallel_pulls.
# Transfers stop while the bodies waiting reach max_parallel_pulls bodies of
# max_body_size in bytes (or what the pool takes in one turn,
# db_connections × 32, not reached here). Each source still gets one fetch,
# one submission, its own outcome. Pulled bodies too few to fill a batch
# wait while the pool's other connections are at work on batches (the
# last section).
#
# The database is held still by a session holding the lock a period's
# closing takes (advisory 1835365236, 0): every storing waits for it, while
# claims and outcomes do not take it.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

K=4  # max_parallel_pulls
N=24 # sources, each of its own reporter (a batch holds one submission a reporter)
root=$T_TMP/root
mkdir -p "$root"
db=$(t_newdb)
conf=$T_TMP/mestatd.conf
# config K [LINES...]: max_parallel_pulls K, one database connection.
config() {
	local k=$1
	shift
	t_conf "$conf" "$db" "max_parallel_pulls = $k" "db_connections = 1" "$@"
}
config "$K"
t_migrate "$conf" 2>>"$T_TMP/mestatd.log"

mapfile -t reporters < <(q "select code from mestat.reporter
	where kind in ('province', 'municipality', 'autonomous_region') and active order by code limit $N")
[ "${#reporters[@]}" -eq "$N" ] || { not_ok "$N provincial reporters" "got ${#reporters[@]}"; exit 1; }
mapfile -t cells < <(q "select i.code || ',' || p.code from mestat.indicator i cross join mestat.period p
	where i.scope = 'provincial' and i.periodicity = 'quarterly' and i.value_type <> 'percent' and i.active
	  and p.kind = 'quarter' and p.start_date <= current_date order by p.code, i.code limit 2")
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT

# source_due NAME REPORTER URL [LINES...]: a [source NAME] section (CSV)
# in the configuration, and its state row, due now, in ROWS (states_due).
source_due() {
	local name=$1 r=$2 url=$3
	shift 3
	source_section "$name" "$r" "$url" csv "interval = 1h" "timeout = 20s" "$@" >>"$conf"
	rows+=("('$name', '$r', '$url', 'csv', now() - interval '1 minute')")
}
# states_due: mestat.source_state holds the rows of ROWS alone.
states_due() {
	q "delete from mestat.source_state;
	   insert into mestat.source_state (name, reporter, url, format, next_run)
	   values $(IFS=,; echo "${rows[*]}")" >/dev/null
}

# sources ROUND [LINES...]: N sources, s0 ... (reporter i), each body one
# value of cell ROUND (0 or 1), padded by a comment to PAD bytes when PAD is
# set; LINES go in each section. Their state rows say they are due now, so
# that all are due at once.
sources() {
	local round=$1 i body rows=()
	shift
	for ((i = 0; i < N; i++)); do
		body=$(printf 'reporter,indicator,period,value,comment\n%s,%s,%d,' "${reporters[i]}" "${cells[round]}" $((100 + i)))
		printf '%s%s\n' "$body" "$(head -c $((${PAD:-0} > ${#body} ? ${PAD:-0} - ${#body} - 1 : 0)) /dev/zero | tr '\0' x)" \
			>"$root/s$i.csv"
		source_due "s$i" "${reporters[i]}" "$main/s$i.csv" "$@"
	done
	states_due
}

# hold: a session holds the lock every storing waits for, until released.
hold() {
	PGAPPNAME=pull_batch_holder psql -X -q -U postgres -d "$db" \
		-c "select pg_advisory_lock(1835365236, 0); select pg_sleep(60)" >/dev/null 2>&1 &
	holder=$!
	t_wait_sql 10 "select exists (select 1 from pg_locks l join pg_stat_activity a using (pid)
		where a.application_name = 'pull_batch_holder' and l.locktype = 'advisory' and l.granted)" >/dev/null
}
release() {
	q "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'pull_batch_holder'" >/dev/null
	wait "$holder" 2>/dev/null
}
fetched() { sim_count "$SIM_LOG" '^GET /s[0-9]+\.csv 200$'; }
fetched_over() { [ "$(fetched)" -gt "$1" ]; }

# fetched_settled: the transfers' count once it has not moved for a second.
fetched_settled() {
	local n m
	n=$(fetched)
	for _ in $(seq 20); do
		sleep 1
		m=$(fetched)
		[ "$m" = "$n" ] && break
		n=$m
	done
	echo "$n"
}

# ---- Transfers go on while the database holds the first body.
sources 0
hold
t0=$(q "select now()")
# LeakSanitizer (in the debug build) reports at exit what the daemon lost.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 t_up "$conf"
t_until 20 fetched_over 0
held=$(fetched_settled)
if [ "$held" -gt "$K" ]; then
	ok "while the database holds the first body, transfers go on: $held fetched on $K slots"
else
	not_ok "while the database holds the first body, transfers go on: more than $K fetched on $K slots" "$held"
fi
expect_eq "... and none is stored yet" 0 "$(q "select count(*) from mestat.submission where via = 'pull'")"
release
if t_until 60 sql_true "select count(*) = $N from mestat.source_state where last_success > '$t0'"; then
	ok "once the lock is free every source records a success"
else
	not_ok "once the lock is free every source records a success" \
		"$(q "select count(*) from mestat.source_state where last_success > '$t0'") of $N"
fi
expect_eq "... each fetched once and stored once: $N submissions, $N values" "$N|$N|$N" \
	"$(fetched)|$(q "select (select count(*) from mestat.submission where via = 'pull' and outcome = 'accepted'), (select count(*) from mestat.observation)")"
# The first body went alone and waited; those fetched meanwhile waited for
# it together and went in one transaction on the one connection.
together=$(grep -c "msg=\"submission accepted\".* batch=$((held - 1))\$" "$T_TMP/mestatd.log")
if [ "$together" -ge $((held - 1)) ]; then
	ok "the $((held - 1)) bodies that waited together were stored in one transaction"
else
	not_ok "the $((held - 1)) bodies that waited together were stored in one transaction" \
		"$together submissions logged with batch=$((held - 1)); $(grep -o 'batch=[0-9]*' "$T_TMP/mestatd.log" | sort | uniq -c | tr '\n' ' ')"
fi
t_stop
if grep -qa __asan_init "$MESTATD"; then
	# A batch keeps the answers of its opening and its check until it ends.
	expect_eq "... and once stopped, LeakSanitizer finds nothing lost" "0 0" \
		"$T_RC $(grep -c 'ERROR: LeakSanitizer' "$T_TMP/mestatd.log")"
fi

# ---- The bodies waiting are bounded in bytes: max_parallel_pulls bodies of
# max_body_size. With one slot and bodies of max_body_size (1 KB), one body
# waiting spends the budget: no transfer starts until it is stored, though a
# source is claimed ahead and the slot is free.
config 1 "max_body_size = 1KB"
PAD=1024 sources 1 "max_body_size = 1KB"
got=$(wc -c <"$root/s0.csv")
before=$(fetched)
hold
t1=$(q "select now()")
t_up "$conf"
t_until 20 fetched_over "$before"
held=$(($(fetched_settled) - before))
expect_eq "a body of $got bytes, a budget of 1 × 1 KB: no transfer starts while it waits" 1 "$held"
release
if t_until 60 sql_true "select count(*) = $N from mestat.source_state where last_success > '$t1'"; then
	ok "... and once the lock is free every source records a success"
else
	not_ok "... and once the lock is free every source records a success" \
		"$(q "select count(*) from mestat.source_state where last_success > '$t1'") of $N; $(q "select string_agg(name || ':' || coalesce(last_error, '-'), ' ') from mestat.source_state where last_success is null or last_success <= '$t1'")"
fi
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"

# ---- Pulled bodies too few for a batch wait while the pool's other
# connection is at work on a batch (daemon/ingest_batch.c, hold_back): a
# batch's own statements cost about as much as 6 of its submissions. Two
# connections; seven sources, fetched at once (a), after 0.5 s (b), 1.5 s
# (c1..c3) and 3 s (d1, d2, of c1's and c2's reporters: a batch holds one
# submission a reporter), by the simulator's /slow/. Sessions of this test
# lock the rows of a's, b's and the c's reporters (FOR UPDATE): each
# submission of theirs waits at its opening until its lock is let go.
#   a and b go alone, one on each connection; the c's and d's wait.
#   a let go: its connection takes the c's (not their reporters' d's), a
#   batch of 3 that waits.
#   b let go: its connection is the pool's last free one while the c's
#   batch holds the other, and d1 and d2 fill no batch: they wait, and the
#   connection stays free (without the hold, they took it and waited there
#   for the c's lock).
#   The c's let go: their batch ends, and d1 and d2 go as a batch of 2.
t_conf "$conf" "$db" "max_parallel_pulls = 8" "db_connections = 2"
log3=$T_TMP/mestatd-hold.log
names=(a b c1 c2 c3 d1 d2)
owner=(0 1 2 3 4 2 3) # each source's reporter
delays=(0 0.5 1.5 1.5 1.5 3 3)
rows=()
for ((i = 0; i < ${#names[@]}; i++)); do
	r=${reporters[owner[i]]}
	printf 'reporter,indicator,period,value\n%s,%s,%d\n' "$r" "${cells[i / 5]}" $((500 + i)) >"$root/${names[i]}.csv"
	source_due "${names[i]}" "$r" "$main/slow/${delays[i]}/${names[i]}.csv"
done
states_due
# lock NAME REPORTERS...: a session named NAME holds those reporters' rows.
lock() {
	local name=$1
	shift
	PGAPPNAME=$name psql -X -q -U postgres -d "$db" -c "begin" \
		-c "select 1 from mestat.reporter where code in ($(printf "'%s'," "$@" | sed 's/,$//')) for update" \
		-c "select pg_sleep(60)" >/dev/null 2>&1 &
	t_wait_sql 10 "select exists (select 1 from pg_stat_activity where application_name = '$name'
		and query like '%pg_sleep%')" >/dev/null
}
let_go() { q "select pg_terminate_backend(pid) from pg_stat_activity where application_name = '$1'" >/dev/null; }
# waits_now: how many of mestatd's connections wait for a lock.
waits_now() { q "select count(*) from pg_stat_activity where usename = 'mestatd' and wait_event_type = 'Lock'"; }
waits() { [ "$(waits_now)" = "$1" ]; }
stored() { q "select count(*) from mestat.submission where via = 'pull' and outcome = 'accepted' and received_at > '$t2'"; }
lock hold_a "${reporters[0]}"
lock hold_b "${reporters[1]}"
lock hold_c "${reporters[2]}" "${reporters[3]}" "${reporters[4]}"
t2=$(q "select now()")
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 t_up "$conf" "$log3"
t_until 20 eval '[ "$(sim_count "$SIM_LOG" "^GET /slow/[0-9.]+/[a-d][0-9]*\.csv 200$")" -ge 7 ]'
if t_until 20 waits 2; then
	ok "a and b wait at their openings, one on each connection, while the others are fetched"
else
	not_ok "a and b wait at their openings, one on each connection, while the others are fetched" \
		"$(q "select string_agg(left(query, 60) || ':' || coalesce(wait_event_type, '-'), ' | ') from pg_stat_activity where usename = 'mestatd'")"
fi
let_go hold_a
t_until 20 sql_true "select $(stored) = 1" && t_until 20 waits 2
expect_eq "a let go: a stored, and the c's batch waits at its opening on that connection" "1 2" "$(stored) $(waits_now)"
let_go hold_b
t_until 20 sql_true "select $(stored) = 2"
sleep 2
expect_eq "b let go: b stored, and d1 and d2 leave the connection free while the c's batch holds the other" \
	"2 1" "$(stored) $(waits_now)"
let_go hold_c
if t_until 20 sql_true "select count(*) = 7 from mestat.source_state where last_success > '$t2'"; then
	ok "the c's let go: every source records a success"
else
	not_ok "the c's let go: every source records a success" \
		"$(q "select string_agg(name || ':' || coalesce(last_error, '-'), ' ') from mestat.source_state")"
fi
# The submissions of one transaction share their rows' xmin.
expect_eq "... a and b stored alone, the c's together, d1 and d2 together" "a b c1,c2,c3 d1,d2" \
	"$(q "select string_agg(t, ' ' order by t) from (select string_agg(source, ',' order by source) as t
	        from mestat.submission where via = 'pull' and received_at > '$t2' group by xmin::text) as x")"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
