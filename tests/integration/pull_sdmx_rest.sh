# pull_sdmx_rest.sh - a [source] with format = sdmx-rest pulls an SDMX REST
# data query ({base}/data/{flow}/{key}, SDMX 2.1 / 3.0 REST) from the
# province simulator: it asks for SDMX-CSV, always sends startPeriod (the
# plan's first quarter, 2016-Q1) and, once a pull has succeeded, updatedAfter
# (kept through source_state.last_success), so a pull brings only what
# changed; SDMX REST's 404 NoResultsFound means nothing changed.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root/sdmx"
# Observations with the time the publisher last updated them. 2015-Q4 is
# before the plan and never asked for.
cat >"$root/sdmx/MSI.csv" <<'EOF2'
DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UPDATED
MOST:MSI(1.0),440000,incubators,2015-Q4,70,2000-01-01T00:00:00Z
MOST:MSI(1.0),440000,incubators,2018-Q3,88,2000-01-01T00:00:00Z
MOST:MSI(1.0),440000,makerspaces,2018-Q3,45,2000-01-01T00:00:00Z
EOF2
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
source_section gd 440000 "https://127.0.0.1:$SIM_PORT/sdmx/data/MSI/Q.440000" sdmx-rest >>"$conf"
t_up "$conf"
cur() { q "select coalesce(string_agg(indicator || '=' || value || '@' || period, ' ' order by period, indicator), '-') from mestat.current_value where reporter = '440000'"; }

if t_until 20 sql_true "select last_success is not null from mestat.source_state where name = 'gd'"; then
	ok "the first SDMX REST pull succeeds"
else
	not_ok "the first SDMX REST pull succeeds" "$(state gd "last_error_class, last_error")"
fi
expect_eq "... stores the observations from startPeriod on (not 2015-Q4)" "incubators=88@2018Q3 makerspaces=45@2018Q3" "$(cur)"
expect_match "... asked with startPeriod=2016-Q1 and no updatedAfter" \
	'^GET /sdmx/data/MSI/Q\.440000\?startPeriod=2016-Q1 200$' "$(grep '^GET /sdmx' "$SIM_LOG" | head -n 1)"

# The publisher revises one value and adds another; a third, changed long
# ago (before the last pull), must not be asked for again.
cat >"$root/sdmx/MSI.csv" <<EOF2
DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UPDATED
MOST:MSI(1.0),440000,incubators,2015-Q4,70,2000-01-01T00:00:00Z
MOST:MSI(1.0),440000,incubators,2018-Q3,90,$(date -u +%Y-%m-%dT%H:%M:%SZ)
MOST:MSI(1.0),440000,makerspaces,2018-Q3,46,2000-01-01T00:00:00Z
MOST:MSI(1.0),440000,incubators,2018-Q4,93,$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF2
if t_until 20 sql_true "select count(*) = 1 from mestat.current_value where reporter = '440000' and period = '2018Q4'"; then
	ok "the next pull brings the updated observations"
else
	not_ok "the next pull brings the updated observations" "$(state gd "last_error_class, last_error"); $(tail -n 3 "$SIM_LOG")"
fi
expect_eq "... only those: the revision and the new value, not the old change to makerspaces" \
	"incubators=90@2018Q3 makerspaces=45@2018Q3 incubators=93@2018Q4" "$(cur)"
expect_match "... asked with updatedAfter (URL-encoded), from the state of the last success" \
	'^GET /sdmx/data/MSI/Q\.440000\?startPeriod=2016-Q1&updatedAfter=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}%3A[0-9]{2}%3A[0-9]{2}Z 200$' \
	"$(grep '^GET /sdmx' "$SIM_LOG" | sed -n 2p)"

# Values updated within the last round's lease are asked for again (the
# overlap that makes sure nothing is skipped): the same body, unchanged.
# Once nothing was updated after updatedAfter, the server answers 404
# NoResultsFound, which is a success.
sed -i 's/,[0-9T:-]*Z$/,2000-01-02T00:00:00Z/' "$root/sdmx/MSI.csv"
n=$(sim_count "$SIM_LOG" '^GET /sdmx.* 404$')
more_404() { [ "$(sim_count "$SIM_LOG" '^GET /sdmx.* 404$')" -gt "$n" ]; }
if t_until 20 more_404; then
	ok "with nothing updated the server answers 404 NoResultsFound"
else
	not_ok "with nothing updated the server answers 404 NoResultsFound" "$(tail -n 3 "$SIM_LOG")"
fi
t_until 10 sql_true "select last_error_class is null and consecutive_failures = 0 from mestat.source_state where name = 'gd'" >/dev/null
expect_eq "... counted as no change, not as a failure" "|0" "$(state gd "last_error_class, consecutive_failures")"
expect_eq "... and no submission is made for it" 2 "$(q "select count(*) from mestat.submission where source = 'gd'")"
