# pull_stop.sh - mestatd stopped while a pull is in flight: it does not wait
# for the province's answer, and it logs the round it abandoned, so that a
# request the province saw is accounted for in the log.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
printf 'reporter,indicator,period,value\n130000,incubators,2018Q3,13\n' >"$root/hb.csv"
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
# The province takes 60 s to answer; the timeout would wait longer still.
source_section hung 130000 "$main/slow/60/hb.csv" csv "timeout = 90s" >>"$conf"
t_up "$conf"

if t_until 20 sql_true "select last_attempt is not null from mestat.source_state where name = 'hung'"; then
	ok "the round of the slow source starts"
else
	not_ok "the round of the slow source starts" "$(tail -n 5 "$T_TMP/mestatd.log")"
fi
sleep 1 # the claim is written; the fetch starts at once after it
t_stop
expect_eq "mestatd stops cleanly without waiting for the answer (SIGTERM, then at most 20 s)" 0 "$T_RC"
expect_match "the round cut off in its fetch is logged as abandoned, with the source and its age" \
	'msg="pull abandoned" source=hung stage=fetch seconds=[0-9.]+ reason=stopping' "$(grep -E 'msg="(pull|stopping)' "$T_TMP/mestatd.log")"
expect_eq "... and not as pulled or failed" 0 "$(grep -cE 'msg="(pulled|pull failed)"' "$T_TMP/mestatd.log")"
expect_eq "nothing was stored from it" 0 "$(q "select count(*) from mestat.submission where via = 'pull'")"
