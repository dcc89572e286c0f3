# cycle_complete.sh - the reporting cycle over HTTPS: a province completes
# its quarter (refused with 409 naming what is missing; a value sent with a
# missing status counts), undoes it until the plan office acts; the plan
# office accepts it (locked for that reporter: every later write is 409 and
# says who accepted it and when), reopens it, or returns it with a reason the
# province reads; DHIS2's complete data set registrations round-trip
# (payload and import summary as in DHIS2's Web API, "Complete data set
# registrations": POST /api/completeDataSetRegistrations with
# {"completeDataSetRegistrations":[{"dataSet","period","organisationUnit",
# "attributeOptionCombo","storedBy","completed"}]}, answered with an
# ImportSummary of importCount and conflicts); report.reporting_cycle and the
# append-only event log tell the story; lock_days locks what was never
# accepted, with the clock given to mestat.lock_expired().
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
# No scheduled runs during the test: the clock of lock_expired() is the test's.
t_conf "$conf" "$db" "recompute_interval = 0s" "recompute_delay = 1h"
t_up "$conf"
base=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }

bj=$(q "select mestat.create_token('110000')")
tj=$(q "select mestat.create_token('120000')")
abj=(-H "Authorization: ApiToken $bj")
atj=(-H "Authorization: ApiToken $tj")
json=(-H 'Content-Type: application/json')

complete() { t_curl "$@" "${json[@]}" -d '{"reporter":"110000","period":"2018Q3"}' "$base/api/v1/completions"; }

# ---- completion refused while expected indicators have no value

expected=$(q "select count(*) from mestat.expected_indicators('110000', '2018Q3')")
out=$(t_curl "${abj[@]}" "${json[@]}" -d '{"reporter":"110000","period":"2018Q3","values":[
 {"indicator":"incubators","value":132},{"indicator":"tech_contract_turnover","value":455.25}]}' \
	"$base/api/v1/submissions")
expect_eq "two values of Beijing's 2018Q3 are accepted" 201 "$(status "$out")"
out=$(complete "${abj[@]}")
expect_eq "completing with indicators missing: 409" 409 "$(status "$out")"
expect_eq "... names every missing indicator (expected $expected, 2 sent)" "$((expected - 2))" \
	"$(body "$out" | jq '.missing | length')"
expect_eq "... and not the ones sent" "0" \
	"$(body "$out" | jq '[.missing[].indicator | select(. == "incubators" or . == "tech_contract_turnover")] | length')"
expect_match "... says what to do in words" 'send them, or send them with status M' "$(body "$out" | jq -r .error)"
expect_eq "... and stays open" "open" "$(q "select state from report.reporting_cycle where reporter='110000' and period='2018Q3'")"

# The rest is sent as reported-missing (status M, no value).
rest=$(q "select string_agg(format('{\"indicator\":\"%s\",\"status\":\"M\"}', indicator), ',')
            from mestat.expected_indicators('110000', '2018Q3') where not received")
out=$(t_curl "${abj[@]}" "${json[@]}" -d "{\"reporter\":\"110000\",\"period\":\"2018Q3\",\"values\":[$rest]}" \
	"$base/api/v1/submissions")
expect_eq "the other indicators sent as missing (status M): 201" 201 "$(status "$out")"

out=$(complete "${atj[@]}")
expect_eq "Tianjin cannot complete Beijing's quarter: 403" 403 "$(status "$out")"

out=$(complete "${abj[@]}")
expect_eq "a value or a missing-status value for every expected indicator: completed, 201" 201 "$(status "$out")"
expect_eq "... state complete" complete "$(body "$out" | jq -r .state)"
out=$(complete "${abj[@]}")
expect_eq "completing again: 200, already complete" "200 complete" "$(status "$out") $(body "$out" | jq -r .state)"

out=$(t_curl "${abj[@]}" -X DELETE "$base/api/v1/completions?reporter=110000&period=2018Q3")
expect_eq "the province undoes its completion before the ministry acts: 200 open" "200 open" \
	"$(status "$out") $(body "$out" | jq -r .state)"
out=$(complete "${abj[@]}")
expect_eq "... and completes again" 201 "$(status "$out")"

# ---- accepted: locked for that reporter

q "select mestat.accept_quarter('110000', '2018Q3', '规划处 Li')" >/dev/null
expect_eq "the plan office accepts: state accepted, accepted_by recorded" "accepted|规划处 Li" \
	"$(q "select state || '|' || accepted_by from report.reporting_cycle where reporter='110000' and period='2018Q3'")"

out=$(t_curl "${abj[@]}" -X DELETE "$base/api/v1/completions?reporter=110000&period=2018Q3")
expect_eq "no undo once accepted: 409" 409 "$(status "$out")"

out=$(t_curl "${abj[@]}" "${json[@]}" -d '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":133}]}' \
	"$base/api/v1/submissions")
expect_eq "native JSON into the accepted quarter: 409" 409 "$(status "$out")"
expect_match "... saying who accepted it and when, and what to do" \
	'2018Q3 of reporter 110000 was accepted by 规划处 Li on 20[0-9-]+ [0-9:]+ Beijing time.*reopen' "$(body "$out" | jq -r .error)"
expect_eq "... the row is named with status 409" "409" "$(body "$out" | jq -r '.errors[0].status')"
out=$(t_curl "${abj[@]}" -H 'Content-Type: text/csv' --data-binary $'reporter,indicator,period,value\n110000,incubators,2018Q3,134\n' \
	"$base/api/v1/submissions")
expect_eq "native CSV into the accepted quarter: 409" 409 "$(status "$out")"
out=$(t_curl "${abj[@]}" "${json[@]}" -d '{"dataValues":[{"dataElement":"incubators","period":"2018Q3","orgUnit":"110000","value":"135"}]}' \
	"$base/api/dataValueSets")
expect_eq "DHIS2 dataValueSets into the accepted quarter: 409 with status WARNING (DHIS2's atomicMode NONE: the conflict is skipped, as dhis2_import.sh shows)" "409 WARNING" \
	"$(status "$out") $(body "$out" | jq -r .response.status)"
expect_match "... the conflict says who accepted it" 'accepted by 规划处 Li' "$(body "$out" | jq -r '.response.conflicts[0].value')"
expect_eq "nothing of the refused writes is stored" "132" \
	"$(q "select value from mestat.current_value where reporter='110000' and indicator='incubators' and period='2018Q3'")"
expect_match "the refused submissions are audited as rejected with 409" '^3$' \
	"$(q "select count(*) from mestat.submission where reporter='110000' and outcome='rejected' and http_status=409")"

out=$(t_curl "${abj[@]}" "${json[@]}" -d '{"reporter":"110000","period":"2018Q4","values":[{"indicator":"incubators","value":140}]}' \
	"$base/api/v1/submissions")
expect_eq "the next quarter of the same reporter is still open: 201" 201 "$(status "$out")"
out=$(t_curl "${atj[@]}" "${json[@]}" -d '{"reporter":"120000","period":"2018Q3","values":[{"indicator":"incubators","value":50}]}' \
	"$base/api/v1/submissions")
expect_eq "the same quarter of another reporter is still open: 201" 201 "$(status "$out")"

err=$(q "insert into mestat.observation (indicator, reporter, period, value, submission)
         select 'incubators', '110000', '2018Q3', 1, max(id) from mestat.submission" 2>&1)
expect_match "a direct insert into the accepted quarter is refused by the table's trigger too" 'accepted by 规划处 Li' "$err"

# ---- reopened, returned

q "select mestat.reopen_quarter('110000', '2018Q3', 'NBS revised the retail figures', '规划处 Li')" >/dev/null
out=$(t_curl "${abj[@]}" "${json[@]}" -d '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":133}]}' \
	"$base/api/v1/submissions")
expect_eq "after reopen_quarter the province may write again: 201" 201 "$(status "$out")"
expect_eq "... and the quarter is open" open "$(q "select state from mestat.reporting_state where reporter='110000' and period='2018Q3'")"

complete "${abj[@]}" >/dev/null
q "select mestat.return_quarter('110000', '2018Q3', '孵化器数量与上季度差异过大，请核实 / incubators differ too much from last quarter', '规划处 Li')" >/dev/null
out=$(t_curl "${abj[@]}" "$base/api/v1/report/reporting_cycle")
expect_eq "the province reads its returned quarter in the read API" returned \
	"$(body "$out" | jq -r '.rows[]? // .[]? | select(.period == "2018Q3") | .state' 2>/dev/null | head -n 1)"
expect_match "... with the reason" '孵化器数量与上季度差异过大' \
	"$(body "$out" | jq -r '.rows[]? // .[]? | select(.period == "2018Q3") | .return_reason' 2>/dev/null | head -n 1)"
out=$(complete "${abj[@]}")
expect_eq "a returned quarter can be completed again; the answer repeats the reason" "201|孵化器数量与上季度差异过大，请核实 / incubators differ too much from last quarter" \
	"$(status "$out")|$(body "$out" | jq -r .return_reason)"

err=$(q "select mestat.accept_quarter('120000', '2018Q3')" 2>&1)
expect_match "only a completed quarter can be accepted" 'is open, not complete' "$err"

# ---- DHIS2 complete data set registrations

q "select mestat.add_code_mapping('110000', 'dhis2_ou', 'BjOrgUnit01', '110000')" >/dev/null
out=$(t_curl "${abj[@]}" -X DELETE "$base/api/completeDataSetRegistrations?ds=mestatQ&pe=2018Q3&ou=BjOrgUnit01")
expect_eq "DHIS2 DELETE undoes the completion: deleted 1" "200 1" \
	"$(status "$out") $(body "$out" | jq -r .response.importCount.deleted)"
reg='{"completeDataSetRegistrations":[{"dataSet":"mestatQ","period":"2018Q3","organisationUnit":"BjOrgUnit01",
 "attributeOptionCombo":"HllvX50cXC0","storedBy":"dhis2-bj","completed":true}]}'
out=$(t_curl "${abj[@]}" "${json[@]}" -d "$reg" "$base/api/completeDataSetRegistrations")
expect_eq "DHIS2 registration with a mapped org unit: 200 OK" "200 OK" "$(status "$out") $(body "$out" | jq -r .status)"
expect_eq "... ImportSummary SUCCESS, imported 1" "ImportSummary SUCCESS 1" \
	"$(body "$out" | jq -r '"\(.response.responseType) \(.response.status) \(.response.importCount.imported)"')"
expect_eq "... the quarter is complete" complete "$(q "select state from mestat.reporting_state where reporter='110000' and period='2018Q3'")"
out=$(t_curl "${abj[@]}" "${json[@]}" -d "$reg" "$base/api/completeDataSetRegistrations")
expect_eq "the same registration again: ignored 1" 1 "$(body "$out" | jq -r .response.importCount.ignored)"
undo='{"completeDataSetRegistrations":[{"dataSet":"mestatQ","period":"2018Q3","organisationUnit":"BjOrgUnit01","completed":false}]}'
out=$(t_curl "${abj[@]}" "${json[@]}" -d "$undo" "$base/api/completeDataSetRegistrations")
expect_eq "completed false undoes it: deleted 1" 1 "$(body "$out" | jq -r .response.importCount.deleted)"
gap='{"completeDataSetRegistrations":[{"dataSet":"mestatQ","period":"2018Q4","organisationUnit":"110000"},
 {"dataSet":"mestatQ","period":"2018Q3","organisationUnit":"120000"}]}'
out=$(t_curl "${abj[@]}" "${json[@]}" -d "$gap" "$base/api/completeDataSetRegistrations")
expect_eq "registrations refused (a gap, another org unit): 409 ERROR" "409 ERROR" \
	"$(status "$out") $(body "$out" | jq -r .response.status)"
expect_eq "... one conflict each" 2 "$(body "$out" | jq '.response.conflicts | length')"
expect_match "... the gap names the missing indicators" 'of reporter 110000 is not complete: [0-9]+ of [0-9]+ expected indicators have no value' \
	"$(body "$out" | jq -r '.response.conflicts[0].value')"
out=$(t_curl "${abj[@]}" "${json[@]}" -d '{"completeDataSetRegistrations":{}}' "$base/api/completeDataSetRegistrations")
expect_eq "a malformed registration payload: 400" 400 "$(status "$out")"

# ---- the story

events=$(q "select string_agg(event, ',' order by id) from mestat.reporting_event where reporter='110000' and period='2018Q3'")
expect_eq "every state change is one event, in order" \
	"completed,uncompleted,completed,accepted,reopened,completed,returned,completed,uncompleted,completed,uncompleted" "$events"
err=$(q "update mestat.reporting_event set actor = 'x'" 2>&1)
expect_match "the event log is append-only" 'append-only' "$err"
expect_eq "report.reporting_cycle counts the events" 11 \
	"$(q "select events from report.reporting_cycle where reporter='110000' and period='2018Q3'")"

# ---- lock_days, with the test's clock

q "select mestat.set_lock_days(30)" >/dev/null
q "select mestat.lock_expired('2018-12-15 12:00+08')" >/dev/null
expect_eq "lock_days 30: Tianjin's 2018Q3 (due 2018-10-30) is locked on 2018-12-15" "locked|lock_days" \
	"$(q "select state || '|' || locked_by from mestat.reporting_state where reporter='120000' and period='2018Q3'")"
expect_eq "... 2018Q4 (due 2019-01-30) is not" "open" \
	"$(q "select state from report.reporting_cycle where reporter='120000' and period='2018Q4'")"
out=$(t_curl "${atj[@]}" "${json[@]}" -d '{"reporter":"120000","period":"2018Q3","values":[{"indicator":"incubators","value":51}]}' \
	"$base/api/v1/submissions")
expect_eq "a write into a quarter locked by lock_days: 409" 409 "$(status "$out")"
expect_match "... saying so" 'locked by lock_days on 2018-12-15' "$(body "$out" | jq -r .error)"
n=$(q "select mestat.lock_expired('2018-12-15 12:00+08')")
expect_eq "lock_expired again on the same day locks nothing more" 0 "$n"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"

# ---- lock_days in the configuration: mestatd locks at its recomputation runs

echo "lock_days = 30" >>"$conf"
t_up "$conf" "$T_TMP/mestatd2.log" "mestatd starts with lock_days = 30"
locked() { [ "$(q "select state || '|' || locked_by from mestat.reporting_state where reporter='110000' and period='2019Q1'")" = "locked|lock_days" ]; }
for _ in $(seq 150); do locked && break; sleep 0.2; done
expect_eq "mestatd with lock_days = 30 locks Beijing's 2019Q1, long past its due date" "locked|lock_days" \
	"$(q "select state || '|' || locked_by from mestat.reporting_state where reporter='110000' and period='2019Q1'")"
expect_eq "... and leaves a quarter not yet due alone" "open" \
	"$(q "select state from report.reporting_cycle where reporter='110000' and period = (select code from mestat.period where kind = 'quarter' and due_date > now() order by start_date limit 1)")"
expect_eq "report.reporting_cycle shows the lock date (due date + 30)" "2019-05-30" \
	"$(q "select lock_date from report.reporting_cycle where reporter='110000' and period='2019Q1'")"
t_stop
