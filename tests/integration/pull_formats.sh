# pull_formats.sh - mestatd pulls every format from a province's HTTPS
# endpoint and stores it exactly as a push (same rows, a submission with
# via=pull); the next round costs a 304 and no ingestion; a server without
# ETags sending the same body again is recorded as unchanged; {period} and
# {since} are filled into the URL.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
cat >"$root/bj.json" <<'EOF'
{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":57,"comment":"pulled"},{"indicator":"tech_contracts","value":1203}]}
EOF
printf 'reporter,indicator,period,value,comment\r\n310000,incubators,2018Q3,171,"Shanghai, end of quarter"\r\n310000,makerspaces,2018Q3,88,\r\n' >"$root/sh.csv"
cat >"$root/tj.json" <<'EOF'
{"dataSet":"mestatQ","period":"2018Q3","orgUnit":"120000","dataValues":[{"dataElement":"incubators","value":"64"},{"dataElement":"tech_contract_turnover","value":"455.25","comment":"from DHIS2"}]}
EOF
printf 'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\nincubators,2018Q3,130000,,,23,clerk,2018-10-01,,false,false\nmakerspaces,2018Q3,130000,,,19,clerk,2018-10-01,,false,false\n' >"$root/hb.csv"
printf 'DATAFLOW,GEO,MEASURE,TIME,VALUE,COMMENT\nMOST:MSI(1.0),440300,incubators,2018-Q3,88,\nMOST:MSI(1.0),440300,makerspaces,2018-Q3,45,sdmx\n' >"$root/sz.csv"
# Served without validators: the second round is a full 200 with the same body.
printf 'reporter,indicator,period,value\n330000,incubators,2018Q3,140\n' >"$root/zj.csv"
# {period}: the latest quarter that has ended, as the daemon computes it.
m=$(date +%-m) y=$(date +%Y)
qn=$(((m - 1) / 3))
[ "$qn" -eq 0 ] && { qn=4; y=$((y - 1)); }
period=${y}Q$qn
printf 'reporter,indicator,period,value\n320000,incubators,2018Q3,77\n' >"$root/js-$period.csv"

sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
base=https://127.0.0.1:$SIM_PORT

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "log_level = debug"
{
	source_section bj 110000 "$base/bj.json" json
	source_section sh 310000 "$base/sh.csv" csv
	source_section tj 120000 "$base/tj.json" dhis2-json
	source_section hb 130000 "$base/hb.csv" dhis2-csv
	source_section sz 440300 "$base/sz.csv" sdmx-csv "sdmx_reporter_column = GEO" "sdmx_indicator_column = MEASURE" \
		"sdmx_period_column = TIME" "sdmx_value_column = VALUE"
	source_section zj 330000 "$base/noetag/zj.csv" csv
	source_section js 320000 "$base/js-{period}.csv?since={since}" csv
} >>"$conf"
t_up "$conf"

all=('bj' 'sh' 'tj' 'hb' 'sz' 'zj' 'js')
if t_until 20 sql_true "select count(*) = 7 from mestat.source_state where last_success is not null"; then
	ok "all 7 sources are pulled once within a few seconds of start"
else
	not_ok "all 7 sources are pulled once within a few seconds of start" \
		"$(q "select name, last_error_class, last_error from mestat.source_state")"
fi

cur() { q "select string_agg(indicator || '=' || value, ' ' order by indicator) from mestat.current_value where reporter = '$1' and period = '2018Q3'"; }
expect_eq "native JSON lands as pushed" "incubators=57 tech_contracts=1203" "$(cur 110000)"
expect_eq "... with its comment" "pulled" "$(q "select comment from mestat.current_value where reporter='110000' and indicator='incubators'")"
expect_eq "native CSV lands as pushed" "incubators=171 makerspaces=88" "$(cur 310000)"
expect_eq "DHIS2 dataValueSets JSON lands as pushed" "incubators=64 tech_contract_turnover=455.25" "$(cur 120000)"
expect_eq "DHIS2 CSV lands as pushed" "incubators=23 makerspaces=19" "$(cur 130000)"
expect_eq "SDMX-CSV with a custom column map lands as pushed" "incubators=88 makerspaces=45" "$(cur 440300)"
expect_eq "{period} names the latest quarter that has ended ($period)" "incubators=77" "$(cur 320000)"
expect_match "{since} is sent URL-encoded (1970 before any success)" \
	"GET /js-$period.csv\\?since=1970-01-01T00%3A00%3A00Z 200" "$(cat "$SIM_LOG")"

expect_eq "one accepted submission per source, via=pull, named by source" \
	"bj|110000|json|source:bj hb|130000|dhis2-csv|source:hb js|320000|csv|source:js sh|310000|csv|source:sh sz|440300|sdmx-csv|source:sz tj|120000|dhis2-json|source:tj zj|330000|csv|source:zj" \
	"$(q "select string_agg(source || '|' || reporter || '|' || format || '|' || client_identity, ' ' order by source) from mestat.submission where via = 'pull' and outcome = 'accepted'")"
expect_eq "every pulled submission carries a signed receipt" 0 \
	"$(q "select count(*) from mestat.submission where via = 'pull' and (receipt is null or receipt not like '%signature%')")"
expect_eq "the submission keeps the body and the server's content type" "text/csv|t" \
	"$(q "select content_type, sha256 = encode(sha256(body), 'hex') from mestat.submission where source = 'sh'")"
expect_eq "source_state keeps the ETag, Last-Modified and body hash" \
	"\"$(sha256sum "$root/bj.json" | cut -d' ' -f1)\"|t|$(sha256sum "$root/bj.json" | cut -d' ' -f1)" \
	"$(state bj "etag, last_modified like '%GMT', last_body_sha256")"
expect_eq "... and the submission it made" t \
	"$(state bj "last_submission = (select id from mestat.submission where source = 'bj')")"

# Second round: every source is due again after ~2 s.
second() { [ "$(sim_count "$SIM_LOG" "^GET /bj.json 304")" -ge 1 ] && [ "$(sim_count "$SIM_LOG" "^GET /noetag/zj.csv 200")" -ge 2 ] &&
	[ "$(sim_count "$SIM_LOG" "^GET /sz.csv 304")" -ge 1 ] &&
	[ "$(sim_count "$SIM_LOG" "^GET /js-$period.csv[?]since=$(date -u +%Y)")" -ge 1 ]; }
if t_until 15 second; then ok "the next round is pulled about one interval later"; else
	not_ok "the next round is pulled about one interval later" "$(tail -n 20 "$SIM_LOG")"
fi
expect_match "the second request carries If-None-Match and is answered 304" "GET /bj.json 304" "$(cat "$SIM_LOG")"
expect_eq "a 304 stores nothing new: still 7 pulled submissions" 7 "$(q "select count(*) from mestat.submission where via = 'pull'")"
expect_eq "a 304 counts as a success (no error, no failures)" "|0" "$(state bj "last_error_class, consecutive_failures")"
zj_unchanged() { [ "$(metric 'mestat_pulls_total{source="zj",outcome="unchanged"}')" != 0 ]; }
t_until 5 zj_unchanged
expect_eq "the same body again without ETag support is not ingested again" 1 \
	"$(q "select count(*) from mestat.submission where source = 'zj'")"
expect_match "... and is counted as unchanged" '^[1-9]' "$(metric 'mestat_pulls_total{source="zj",outcome="unchanged"}')"
expect_match "a 304 is counted as not_modified" '^[1-9]' "$(metric 'mestat_pulls_total{source="bj",outcome="not_modified"}')"
expect_match "{since} then carries the last success" "GET /js-$period.csv\\?since=$(date -u +%Y)-[0-9]{2}-[0-9]{2}T[0-9]{2}%3A[0-9]{2}%3A[0-9]{2}Z" \
	"$(cat "$SIM_LOG")"

# The province publishes a revision: the next round ingests it as a new version.
sleep 1.1 # a new mtime second, so Last-Modified changes too
printf 'reporter,indicator,period,value,comment\r\n310000,incubators,2018Q3,172,revised\r\n310000,makerspaces,2018Q3,88,\r\n' >"$root/sh.csv"
if t_until 10 sql_true "select count(*) = 2 from mestat.submission where source = 'sh' and outcome = 'accepted'"; then
	ok "a changed file is pulled and stored as a revision"
else
	not_ok "a changed file is pulled and stored as a revision" "$(state sh "last_error_class, last_error")"
fi
expect_eq "... with the old version kept" "2|172" \
	"$(q "select revision_count, value from mestat.current_value where reporter='310000' and indicator='incubators'")"

t_stop
expect_eq "mestatd stops cleanly with pull collectors running" 0 "$T_RC"

# After a restart the validators come from source_state: the next round is 304s.
n304=$(sim_count "$SIM_LOG" '^GET /bj.json 304') subs=$(q "select count(*) from mestat.submission")
t_up "$conf" "" "mestatd starts again"
more304() { [ "$(sim_count "$SIM_LOG" '^GET /bj.json 304')" -gt "$n304" ]; }
if t_until 8 more304; then ok "after a restart the stored ETag is sent again and answered 304"; else
	not_ok "after a restart the stored ETag is sent again and answered 304" "$(tail -n 5 "$SIM_LOG")"
fi
sleep 0.5
expect_eq "... and nothing is stored again" "$subs" "$(q "select count(*) from mestat.submission")"
