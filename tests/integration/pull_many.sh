# pull_many.sh - many sources due at once, few slots: claims and outcomes go
# to PostgreSQL in batches (one statement for many sources), and every source
# still gets exactly one fetch, one submission and its own state row, in the
# first round (bodies) and in the next (304s); text with quotes and
# backslashes goes through the batches unchanged.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

N=240
root=$T_TMP/root
mkdir -p "$root"
db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "max_parallel_pulls = 4"
t_migrate "$conf" 2>>"$T_TMP/mestatd.log"

# One cell per source: six reporters, forty cells each.
reporters=(110000 120000 130000 310000 320000 440000)
mapfile -t cells < <(q "select i.code || ',' || p.code from mestat.indicator i cross join mestat.period p
	where i.scope = 'provincial' and i.periodicity = 'quarterly' and i.value_type <> 'percent' and i.active
	  and p.kind = 'quarter' and p.start_date <= current_date order by p.code, i.code limit 40")
[ "${#cells[@]}" -eq 40 ] || { not_ok "forty catalog cells" "got ${#cells[@]}"; exit 1; }
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT
for ((i = 0; i < N; i++)); do
	r=${reporters[i % 6]}
	printf 'reporter,indicator,period,value\n%s,%s,%d\n' "$r" "${cells[i / 6]}" $((100 + i)) >"$root/s$i.csv"
	# A name with a quote and a backslash, as the configuration allows.
	name=s$i
	[ "$i" = 7 ] && name='s7 "quoted" \ name'
	source_section "$name" "$r" "$main/s$i.csv" csv "interval = 1h" "timeout = 10s"
done >>"$conf"

t0=$(q "select now()")
t_up "$conf"
if t_until 90 sql_true "select count(*) = $N from mestat.source_state where last_success > '$t0'"; then
	ok "$N sources due at once on 4 slots: every one records a success"
else
	not_ok "$N sources due at once on 4 slots: every one records a success" \
		"$(q "select count(*) from mestat.source_state where last_success > '$t0'") of $N; $(q "select string_agg(name || ':' || coalesce(last_error_class, '-'), ' ') from mestat.source_state where last_success is null or last_success <= '$t0'")"
fi
expect_eq "... each fetched once" "$N" "$(sim_count "$SIM_LOG" '^GET /s[0-9]+\.csv 200$')"
expect_eq "... each ingested once: $N accepted submissions, $N values" "$N|$N" \
	"$(q "select (select count(*) from mestat.submission where via = 'pull' and outcome = 'accepted'), (select count(*) from mestat.observation)")"
expect_eq "... each state row its own: submission, body hash, no failure, next run in an hour (±10 %)" "$N" \
	"$(q "select count(*) from mestat.source_state s join mestat.submission b on b.id = s.last_submission
	       where b.source = s.name and s.last_body_sha256 = b.sha256 and s.consecutive_failures = 0
	         and s.last_error_class is null and s.next_run - s.updated_at between interval '54 min' and interval '66 min'")"
expect_eq "the name with a quote and a backslash is stored as written" 1 \
	"$(q "select count(*) from mestat.source_state where name = 's7 \"quoted\" \\ name' and url like '%/s7.csv'")"
expect_eq "no outcome was lost or written twice" 0 \
	"$(grep -c 'cannot store the outcome\|database refuses' "$T_TMP/mestatd.log")"

# The next round: all due again (a restart reads the schedule from the
# database), each answered 304 and recorded.
t_stop
q "update mestat.source_state set next_run = now() - interval '1 minute'" >/dev/null
t1=$(q "select now()")
t_up "$conf" "" "mestatd restarts"
if t_until 90 sql_true "select count(*) = $N from mestat.source_state where last_success > '$t1'"; then
	ok "the next round: every source records a success again"
else
	not_ok "the next round: every source records a success again" \
		"$(q "select count(*) from mestat.source_state where last_success > '$t1'") of $N"
fi
expect_eq "... each answered 304 once" "$N" "$(sim_count "$SIM_LOG" '^GET /s[0-9]+\.csv 304$')"
expect_eq "... and nothing ingested again" "$N" "$(q "select count(*) from mestat.submission where via = 'pull'")"
expect_eq "... the validators kept" "$N" "$(q "select count(*) from mestat.source_state where etag is not null and last_body_sha256 is not null and consecutive_failures = 0")"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
