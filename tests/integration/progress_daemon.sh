#!/bin/bash
# progress_daemon.sh: mestatd recomputes progress by itself every
# recompute_interval, soon after accepted pushes (recompute_delay, debounced),
# one daemon at a time per database (advisory lock), and counts the runs in
# /metrics.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log
snapshots() { q "select count(*) from mestat.progress_snapshot"; }

# ---- The first start on an empty snapshot table computes once.
t_conf "$conf" "$db" "recompute_interval = 1h" "recompute_delay = 1h" "log_level = debug"
t_up "$conf" "$log"
waited=$(t_wait_sql 15 "select count(*) = 1 from mestat.progress_snapshot")
if [ "$waited" != timeout ]; then ok "with no snapshot yet, mestatd recomputes once at start (report.progress is not empty)"; else
	not_ok "with no snapshot yet, mestatd recomputes once at start" "$(snapshots) snapshots after 15 s: $(tail -n 3 "$log")"
fi
# mestatd logs the run after its commit returns: wait for the line, bounded.
t_until 10 grep -q 'progress recomputed' "$log"
expect_match "... logged with trigger=start" 'msg="progress recomputed" snapshot=[0-9]+ seconds=[0-9.]+ trigger=start' \
	"$(grep -m1 'progress recomputed' "$log")"
expect_match "... so report.progress has rows before the first interval" '^[1-9][0-9]*$' "$(q "select count(*) from report.progress")"
t_stop
: >"$log"
t_up "$conf" "$log"
for _ in $(seq 50); do grep -q 'no recomputation at start' "$log" && break; sleep 0.1; done
expect_match "a restart with snapshots present does not recompute at start" \
	'level=debug msg="progress snapshots exist; no recomputation at start"' "$(grep 'at start' "$log")"
expect_eq "... and writes no snapshot" 1 "$(snapshots)"
t_stop

# ---- Periodic runs.
t_conf "$conf" "$db" "recompute_interval = 2s" "recompute_delay = 1s" "log_level = debug"
t_up "$conf" "$log"
waited=$(t_wait_sql 15 "select count(*) >= 2 from mestat.progress_snapshot")
if [ "$waited" != timeout ]; then ok "with recompute_interval = 2s mestatd writes snapshots by itself"; else
	not_ok "with recompute_interval = 2s mestatd writes snapshots by itself" "$(snapshots) snapshots after 15 s"
fi
expect_match "each run is logged with its snapshot id and duration" \
	'msg="progress recomputed" snapshot=[0-9]+ seconds=[0-9.]+ trigger=interval' "$(grep -m1 'progress recomputed.*trigger=interval' "$log")"
metrics=$(curl -s "http://127.0.0.1:$T_MPORT/metrics")
expect_match "/metrics counts the runs" 'mestat_recompute_runs_total\{outcome="ok"\} [1-9]' "$metrics"
expect_match "/metrics has their duration" 'mestat_recompute_duration_seconds_count [1-9]' "$metrics"

# Another instance holding the lock: this one skips its rounds, logged at debug.
# The holder may wait for a run of mestatd's to end first: the count is read
# once it holds the lock, when no run can be under way.
PGAPPNAME=progress_daemon_holder psql -X -q -U postgres -d "$db" \
	-c "select pg_advisory_lock(7882833666721869671); select pg_sleep(5)" >/dev/null 2>&1 &
holder=$!
t_wait_sql 10 "select exists (select 1 from pg_locks l join pg_stat_activity a using (pid)
	where a.application_name = 'progress_daemon_holder' and l.locktype = 'advisory' and l.granted)" >/dev/null
before=$(snapshots)
sleep 3
after=$(snapshots)
wait "$holder"
expect_eq "while another session holds the recompute lock no snapshot is written" "$before" "$after"
expect_match "... and the skipped rounds are logged at debug" \
	'level=debug msg="another mestatd is recomputing progress; skipping this round"' "$(grep -m1 'skipping this round' "$log")"
waited=$(t_wait_sql 10 "select count(*) > $after from mestat.progress_snapshot")
if [ "$waited" != timeout ]; then ok "once the lock is free the runs resume"; else
	not_ok "once the lock is free the runs resume" "no new snapshot within 10 s"
fi
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"

# ---- A push triggers a run within recompute_delay; a burst triggers one.
t_conf "$conf" "$db" "recompute_interval = 1h" "recompute_delay = 2s"
: >"$log"
t_up "$conf" "$log" "mestatd starts again"
sleep 1
before=$(snapshots)
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" -H 'Content-Type: application/json')
url=https://127.0.0.1:$T_PORT/api/v1/submissions
for v in 40 41 42; do
	out=$(t_curl "${cert[@]}" -d "{\"reporter\":\"110000\",\"period\":\"2018Q3\",\"values\":[{\"indicator\":\"incubators\",\"value\":$v}]}" "$url")
	[ "$(tail -n 1 <<<"$out")" = 201 ] || not_ok "push accepted" "$out"
done
expect_eq "nothing is recomputed at once (the delay is 2 s)" "$before" "$(snapshots)"
waited=$(t_wait_sql 8 "select count(*) > $before from mestat.progress_snapshot")
if [ "$waited" != timeout ]; then
	ok "accepted pushes trigger a recomputation within recompute_delay"
else
	not_ok "accepted pushes trigger a recomputation within recompute_delay" "waited $waited s"
fi
sleep 3
expect_eq "three pushes in a row cause one run" "$((before + 1))" "$(snapshots)"
expect_match "... logged as triggered by a submission" 'msg="progress recomputed" snapshot=[0-9]+ seconds=[0-9.]+ trigger=submission' \
	"$(grep -m1 'progress recomputed' "$log")"
expect_eq "the new snapshot sees the pushed value" "42" \
	"$(q "select actual_value from report.progress_by_reporter where reporter = '110000' and indicator = 'incubators'")"

# A refused push does not trigger a run.
before=$(snapshots)
out=$(t_curl "${cert[@]}" -d '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":-1}]}' "$url")
expect_eq "a refused push (422)" 422 "$(tail -n 1 <<<"$out")"
sleep 4
expect_eq "... triggers no recomputation" "$before" "$(snapshots)"

# A reload may change the interval.
sed -i 's/^recompute_interval = 1h$/recompute_interval = 1s/' "$conf"
kill -HUP "$T_PID"
waited=$(t_wait_sql 10 "select count(*) > $before + 1 from mestat.progress_snapshot")
if [ "$waited" != timeout ]; then ok "a reload applies a new recompute_interval"; else
	not_ok "a reload applies a new recompute_interval" "no runs within 10 s of SIGHUP: $(tail -n 3 "$log")"
fi
t_stop
expect_eq "mestatd stops cleanly with runs going on" 0 "$T_RC"

pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
