# pull_reload.sh - SIGHUP applies added, removed and changed sources without
# disturbing a transfer in flight: a source removed while its pull is under
# way finishes that pull (its result is stored) and is then gone; a reload
# that cannot be applied changes nothing.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
printf 'reporter,indicator,period,value\n110000,incubators,2018Q3,57\n' >"$root/a.csv"
printf 'reporter,indicator,period,value\n120000,incubators,2018Q3,64\n' >"$root/b.csv"
printf 'reporter,indicator,period,value\n130000,incubators,2018Q3,23\n' >"$root/c.csv"
printf 'reporter,indicator,period,value\n140000,incubators,2018Q3,11\n' >"$root/d1.csv"
printf 'reporter,indicator,period,value\n140000,incubators,2018Q3,12\n' >"$root/d2.csv"
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
cp "$conf" "$T_TMP/base.conf"
{
	source_section a 110000 "$main/slow/3/a.csv" csv "timeout = 10s"
	source_section b 120000 "$main/b.csv" csv
	source_section d 140000 "$main/d1.csv" csv
} >>"$conf"
t_up "$conf"

# a's first pull is in flight (claimed, the server still sleeping): reload.
if t_until 10 sql_true "select count(*) = 1 from mestat.source_state where name = 'a' and last_success is null"; then
	ok "a's first pull is under way"
else
	not_ok "a's first pull is under way" "$(q "select name, last_error from mestat.source_state")"
fi
t_until 5 sql_true "select count(*) = 1 from mestat.source_state where name = 'b' and last_success is not null"
{
	cat "$T_TMP/base.conf"
	source_section c 130000 "$main/c.csv" csv
	source_section d 140000 "$main/d2.csv" csv
} >"$conf"
kill -HUP "$T_PID"
t_until 5 grep -q 'configuration reloaded' "$T_TMP/mestatd.log" && ok "the reload is applied" ||
	not_ok "the reload is applied" "$(tail -n 5 "$T_TMP/mestatd.log")"
expect_eq "the removed source's transfer in flight is not aborted" 0 "$(sim_count "$SIM_LOG" '^GET /slow/3/a.csv')"

if t_until 8 sql_true "select count(*) = 1 from mestat.submission where source = 'a' and outcome = 'accepted'"; then
	ok "... it finishes and its body is stored"
else
	not_ok "... it finishes and its body is stored" "$(state a "last_error_class, last_error")"
fi
expect_eq "... and its outcome recorded" "t|" "$(state a "last_success is not null, last_error_class")"
if t_until 8 sql_true "select count(*) = 1 from mestat.submission where source = 'c'"; then
	ok "an added source is pulled within a few seconds"
else
	not_ok "an added source is pulled within a few seconds" "$(state c "last_error_class, last_error")"
fi
if t_until 8 sql_true "select count(*) = 1 from mestat.observation where reporter = '140000' and value = 12"; then
	ok "a changed source pulls its new URL"
else
	not_ok "a changed source pulls its new URL" "$(state d "url, last_error_class, last_error")"
fi
expect_eq "... and source_state follows the new URL" "$main/d2.csv" "$(state d url)"

# From now on: nothing more for a or b, c and d on their interval.
na=$(sim_count "$SIM_LOG" '^GET /slow/3/a.csv') nb=$(sim_count "$SIM_LOG" '^GET /b.csv')
nc=$(sim_count "$SIM_LOG" '^GET /c.csv') nd1=$(sim_count "$SIM_LOG" '^GET /d1.csv')
sleep 4.5
expect_eq "the removed source in flight is not pulled again" "$na" "$(sim_count "$SIM_LOG" '^GET /slow/3/a.csv')"
expect_eq "the removed idle source is not pulled again" "$nb" "$(sim_count "$SIM_LOG" '^GET /b.csv')"
expect_eq "the old URL of the changed source is not pulled again" "$nd1" "$(sim_count "$SIM_LOG" '^GET /d1.csv')"
expect_match "the added source keeps its interval" "^[1-9]" "$(($(sim_count "$SIM_LOG" '^GET /c.csv') - nc))"
expect_eq "the removed sources' state rows stay for the record" 2 \
	"$(q "select count(*) from mestat.source_state where name in ('a', 'b')")"

# A reload that cannot be applied changes nothing.
cp "$conf" "$T_TMP/good.conf"
source_section e 150000 "$main/c.csv" xml >>"$conf"
kill -HUP "$T_PID"
t_until 5 grep -q 'reload refused' "$T_TMP/mestatd.log" && ok "a source with an unknown format makes the reload refused" ||
	not_ok "a source with an unknown format makes the reload refused" "$(tail -n 3 "$T_TMP/mestatd.log")"
nc=$(sim_count "$SIM_LOG" '^GET /c.csv')
sleep 2.5
expect_match "... and the sources in force keep being pulled" "^[1-9]" "$(($(sim_count "$SIM_LOG" '^GET /c.csv') - nc))"
expect_eq "... and the refused source is not" 0 "$(state e "count(*)")"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
