# cycle_pull.sh - a quarter accepted for a reporter is locked for its pulls
# too: the pulled body is refused (409) with the reason naming who accepted
# it and when, recorded as the source's last error and nothing stored;
# reopened, the next pull of a corrected file is stored.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
printf '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":57}]}' >"$root/bj.json"
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
source_section bj 110000 "https://127.0.0.1:$SIM_PORT/bj.json" json >>"$conf"
t_up "$conf"

value() { q "select value from mestat.current_value where reporter = '110000' and indicator = 'incubators' and period = '2018Q3'"; }
t_until 20 sql_true "select count(*) = 1 from mestat.current_value where reporter = '110000' and period = '2018Q3'"
expect_eq "the first pull is stored" 57 "$(value)"

q "insert into mestat.reporting_state (reporter, period, state, completed_at, completed_by, accepted_at, accepted_by,
                                       locked_at, locked_by)
   values ('110000', '2018Q3', 'complete', now(), 'token:1', null, null, null, null)" >/dev/null
q "select mestat.accept_quarter('110000', '2018Q3', '规划处 Li')" >/dev/null
printf '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":58}]}' >"$root/bj.json"
t_until 20 sql_true "select last_error like '%accepted by%' from mestat.source_state where name = 'bj'"
expect_match "a pull into the accepted quarter is refused: the source's last error says who accepted it" \
	'HTTP 409: .*2018Q3 of reporter 110000 was accepted by 规划处 Li on .*reopen' "$(state bj last_error)"
expect_eq "... and nothing of it is stored" 57 "$(value)"

# The collector does not send a refused body again unchanged; the province
# publishes its corrected file after the reopening.
q "select mestat.reopen_quarter('110000', '2018Q3', 'the province corrects incubators', '规划处 Li')" >/dev/null
printf '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":59}]}' >"$root/bj.json"
t_until 20 sql_true "select count(*) = 1 from mestat.current_value where reporter = '110000' and period = '2018Q3' and value = 59"
expect_eq "reopened, the next pull of the corrected file is stored" 59 "$(value)"
