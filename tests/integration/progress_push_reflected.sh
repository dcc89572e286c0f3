#!/bin/bash
# progress_push_reflected.sh: a push shows in report.progress soon after its
# 2xx, through an incremental run triggered by the submission, without waiting
# for the scheduled full run (recompute_interval = 1h here).
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log

t_conf "$conf" "$db" "recompute_interval = 1h" "log_level = debug"
t_up "$conf" "$log"
[ "$(t_wait_sql 60 "select count(*) = 1 from mestat.progress_snapshot")" != timeout ] ||
	not_ok "the start run writes the first snapshot" "$(tail -n 3 "$log")"
expect_eq "before the push the national row has no latest value" "||" \
	"$(q "select latest_period, latest_value, latest_reporters_reported from report.progress where indicator = 'incubators'")"

cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" -H 'Content-Type: application/json')
out=$(t_curl "${cert[@]}" -d '{"reporter":"110000","period":"2021Q1","values":[{"indicator":"incubators","value":4321}]}' \
	"https://127.0.0.1:$T_PORT/api/v1/submissions")
expect_eq "the push is accepted" 201 "$(tail -n 1 <<<"$out")"
waited=$(t_wait_sql 60 "select coalesce(latest_value = 4321 and latest_reporters_reported = 1, false)
                        from report.progress where indicator = 'incubators'")
if [ "$waited" != timeout ]; then
	ok "report.progress shows the pushed value (part-reported national 2021Q1) without the scheduled run"
else
	not_ok "report.progress shows the pushed value without the scheduled run" \
		"$(q "select latest_period || ' ' || latest_value from report.progress where indicator = 'incubators'") $(tail -n 3 "$log")"
fi
expect_eq "... and the reporter's own row shows it" 4321 \
	"$(q "select actual_value from report.progress_by_reporter where indicator = 'incubators' and reporter = '110000'")"
expect_eq "... from an incremental snapshot, the second one" "2 incremental" \
	"$(q "select id || ' ' || kind from mestat.progress_snapshot order by id desc limit 1")"
expect_match "... logged as triggered by the submission" \
	'msg="progress recomputed" snapshot=2 seconds=[0-9.]+ trigger=submission' "$(grep 'progress recomputed' "$log")"
expect_eq "... which left nothing queued" 0 "$(q "select count(*) from mestat.progress_pending")"

# Nothing new: the next run after a submission finds nothing queued and
# writes no snapshot (a refused push changes nothing).
out=$(t_curl "${cert[@]}" -d '{"reporter":"110000","period":"2021Q1","values":[{"indicator":"incubators","value":-1}]}' \
	"https://127.0.0.1:$T_PORT/api/v1/submissions")
expect_eq "a refused push (422)" 422 "$(tail -n 1 <<<"$out")"
sleep 2
expect_eq "... writes no snapshot" 2 "$(q "select count(*) from mestat.progress_snapshot")"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
