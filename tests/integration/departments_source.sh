# departments_source.sh - departments are reporters of kind department: they
# push (token or certificate) and are pulled (SDMX-CSV with their own codes)
# like provinces, write only the national figures they are the source of;
# the national assessment uses the source's figure when the indicator's rule
# names one and the provinces' sum otherwise; report.source_consistency
# compares the two against the indicator's tolerance and a gap outside it
# becomes a follow-up item. Expected numbers are worked out in the comments.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

# ---- Part 1: through mestatd

root=$T_TMP/root
mkdir -p "$root"
# The customs' own SDMX codes: area CN, series CBEC_TOTAL.
printf 'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nGACC:CBEC(1.0),CN,CBEC_TOTAL,2018-Q3,3047.5\n' >"$root/cbec.csv"
sim_start customs "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-customs.err")"; exit 1; }

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
source_section customs 920002 "https://127.0.0.1:$SIM_PORT/cbec.csv" sdmx-csv "sdmx_reporter_column = REF_AREA" \
	"sdmx_indicator_column = INDICATOR" "sdmx_period_column = TIME_PERIOD" "sdmx_value_column = OBS_VALUE" >>"$conf"
t_migrate "$conf" 2>"$T_TMP/migrate.err" || { not_ok "migrations apply" "$(cat "$T_TMP/migrate.err")"; exit 1; }
q "select mestat.add_code_mapping('920002', 'sdmx', 'CN', '920002'),
          mestat.add_code_mapping('920002', 'sdmx', 'CBEC_TOTAL', 'cross_border_ecommerce')" >/dev/null
t_up "$conf"
url=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }

expect_eq "the departments are reporters of kind department with Chinese and English names" \
	"920001|国家统计局|National Bureau of Statistics 920002|海关总署|General Administration of Customs 930001|国家邮政局|State Post Bureau" \
	"$(q "select string_agg(code || '|' || name_zh || '|' || name_en, ' ' order by code) from mestat.reporter where kind = 'department'")"
expect_eq "each seeded national source is a department or the ministry, on a provincial indicator" \
	"cross_border_ecommerce=920002 express_parcels=930001 modern_service_value_added=920001 online_retail_sales=920001 retail_sales_total=920001 tech_contract_turnover=000000 tech_contracts=000000" \
	"$(q "select string_agg(code || '=' || national_source, ' ' order by code) from mestat.indicator where national_source is not null")"
expect_match "a national source must be a department or the ministry" "name a department or the ministry" \
	"$(q "set role mestat_owner; update mestat.indicator set national_source = '110000' where code = 'incubators'" 2>&1)"
expect_match "... and a provincial indicator added up (not a rate)" "only a provincial indicator" \
	"$(q "set role mestat_owner; update mestat.indicator set national_source = '920001' where code = 'online_retail_share'" 2>&1)"

out=$(t_curl "$url/api/v1/catalog")
expect_eq "the catalog lists the departments and each indicator's national source" "department|930001|null" \
	"$(body "$out" | jq -r '[(.reporters[] | select(.code == "930001") | .kind),
	   (.indicators[] | select(.code == "express_parcels") | .national_source),
	   (.indicators[] | select(.code == "incubators") | .national_source)] | map(tostring) | join("|")')"

# A department pushes with a token.
spb=$(q "select mestat.create_token('930001')")
spb_auth=(-H "Authorization: Bearer $spb" -H 'Content-Type: application/json')
out=$(t_curl "${spb_auth[@]}" -d '{"reporter":"930001","period":"2018Q3","values":[{"indicator":"express_parcels","value":1260.5}]}' \
	"$url/api/v1/submissions")
expect_eq "the postal bureau pushes its national parcel figure with a token: 201" 201 "$(status "$out")"
expect_eq "... stored as its own row, via push" "930001|express_parcels|2018Q3|1260.5|push" \
	"$(q "select c.reporter, c.indicator, c.period, c.value, s.via from mestat.current_value c
	      join mestat.submission s on s.id = c.submission where c.reporter = '930001'")"
out=$(t_curl "${spb_auth[@]}" -d '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"express_parcels","value":40}]}' \
	"$url/api/v1/submissions")
expect_eq "a department's write to a provincial row (Beijing's) is refused: 403" 403 "$(status "$out")"
expect_match "... named as a row for another reporter" 'this row is for reporter 110000 \(Beijing\) but you are authenticated as 930001' \
	"$(body "$out")"
out=$(t_curl "${spb_auth[@]}" -d '{"reporter":"930001","period":"2018Q3","values":[{"indicator":"incubators","value":4000}]}' \
	"$url/api/v1/submissions")
expect_eq "a department's figure for an indicator it is not the source of is refused: 403" 403 "$(status "$out")"
expect_match "... saying what it is the source of" 'State Post Bureau \(国家邮政局\) is the national source of express_parcels only' \
	"$(body "$out")"
out=$(t_curl "${spb_auth[@]}" -d '{"reporter":"930001","period":"2018","values":[{"indicator":"national_centres_labs","value":4}]}' \
	"$url/api/v1/submissions")
expect_eq "... and so is a national-only indicator (the ministry's): 403" 403 "$(status "$out")"
expect_eq "nothing of the refused bodies is stored" 1 "$(q "select count(*) from mestat.observation where reporter in ('930001', '110000')")"

# A department pushes with a client certificate whose CN is its code.
mkdir -p "$T_TMP/ca"
cp "$T_CERTS/ca.crt" "$T_CERTS/ca.key" "$T_TMP/ca/"
certs_client "$T_TMP/ca" 920001
out=$(t_curl --cert "$T_TMP/ca/client-920001.crt" --key "$T_TMP/ca/client-920001.key" -H 'Content-Type: text/csv' \
	--data-binary $'reporter,indicator,period,value\n920001,retail_sales_total,2018Q3,90000\n920001,online_retail_sales,2018Q3,20000\n' \
	"$url/api/v1/submissions")
expect_eq "the statistics bureau pushes CSV with its certificate: 201" 201 "$(status "$out")"
expect_eq "... the receipt names it" 920001 "$(body "$out" | jq -r .reporter)"

# The ministry reports the provincial indicators it is the source of, and still no others.
most=$(q "select mestat.create_token('000000')")
out=$(t_curl -H "Authorization: Bearer $most" -H 'Content-Type: application/json' \
	-d '{"reporter":"000000","period":"2018Q3","values":[{"indicator":"tech_contract_turnover","value":4500}]}' "$url/api/v1/submissions")
expect_eq "the ministry pushes the national technology contract turnover it is the source of: 201" 201 "$(status "$out")"
out=$(t_curl -H "Authorization: Bearer $most" -H 'Content-Type: application/json' \
	-d '{"reporter":"000000","period":"2018Q3","values":[{"indicator":"incubators","value":4000}]}' "$url/api/v1/submissions")
expect_eq "... but not another provincial indicator: 403" 403 "$(status "$out")"

# A department is pulled: the customs' SDMX-CSV, its codes mapped to ours.
if t_until 20 sql_true "select count(*) = 1 from mestat.source_state where name = 'customs' and last_success is not null"; then
	ok "the customs' SDMX-CSV endpoint is pulled"
else
	not_ok "the customs' SDMX-CSV endpoint is pulled" "$(state customs "last_error_class, last_error")"
fi
expect_eq "... its national cross-border figure lands under its own code, via pull" \
	"920002|cross_border_ecommerce|2018Q3|3047.5|pull|sdmx-csv" \
	"$(q "select c.reporter, c.indicator, c.period, c.value, s.via, s.format from mestat.current_value c
	      join mestat.submission s on s.id = c.submission where c.reporter = '920002'")"
t_stop
sim_stop_all

# ---- Part 2: which national figure counts (values stored directly, as in progress_method.sh)

db_fresh
db_logins "$DB"
e() { db_q t_eval "$DB" "$1"; }
provinces=$(pr_provinces "$DB")
expect_eq "31 province-level reporters: the departments are not among them" 31 "$(wc -w <<<"$provinces")"

# express_parcels (quarterly flow, monitoring: a trend of the 4-quarter sum).
# Every province 10 a quarter 2017Q1-2018Q4: provinces' sum 310 a quarter,
# 4-quarter sum 1240 at 2017Q4 and at 2018Q4 (stable). Beijing alone for 2019Q1.
{
	for p in $provinces; do
		for y in 2017 2018; do for n in 1 2 3 4; do echo "$p,express_parcels,${y}Q$n,10"; done; done
		echo "$p,incubators,2017Q4,5"; echo "$p,incubators,2018Q4,6"
	done
	echo "110000,express_parcels,2019Q1,10"
	# A separate-plan city's figure is inside its province's: never added.
	echo "440300,express_parcels,2018Q4,999"
} | pr_load "$DB"

pr_recompute "$DB" >/dev/null
src() {
	e "select coalesce(source, '-'), coalesce(source_reporter, '-'), coalesce(national_source, '-'), actual_value, period,
	          coalesce(trend, '-'), coalesce(round(trend_growth, 6)::text, '-'), source_name_en
	     from report.progress where indicator = '$1'"
}
expect_eq "the rule names the postal bureau but it has sent nothing: the provinces' sum is assessed (4 × 310 = 1240 at 2018Q4, stable)" \
	"provinces|-|930001|1240|2018Q4|stable|0.000000|Province-level reporters added up" "$(src express_parcels)"
expect_match "... and the note says so" "national figure: the province-level reporters added up, as State Post Bureau \\(国家邮政局, 930001\\), the indicator's national source, has sent no figure yet" \
	"$(e "select note from report.progress where indicator = 'express_parcels'")"
expect_eq "an indicator whose rule is the provinces' sum: source provinces, no source named (31 × 6 = 186)" \
	"provinces|-|-|186|2018Q4|rising|0.200000|Province-level reporters added up" "$(src incubators)"
expect_eq "... and its note says nothing of a source" "f" \
	"$(e "select coalesce(note, '') like '%national figure%' from report.progress where indicator = 'incubators'")"

# The postal bureau's figures: 305 a quarter in 2017 (305/310 = 0.9839, within
# ±2 %), 330 in 2018 (330/310 = 1.0645, outside). 4-quarter sums 1220 (2017Q4)
# and 1320 (2018Q4): trend +100/1220 = +8.1967 %, rising. It has no 2019Q1.
{
	for y in 2017 2018; do for n in 1 2 3 4; do
		echo "930001,express_parcels,${y}Q$n,$([ $y = 2017 ] && echo 305 || echo 330)"
	done; done
} | pr_load "$DB"
pr_recompute "$DB" >/dev/null
expect_eq "with the postal bureau's figures in, the national assessment uses them (1320 at 2018Q4, +8.1967 %)" \
	"department|930001|930001|1320|2018Q4|rising|0.081967|State Post Bureau" "$(src express_parcels)"
expect_match "... and the note names the source" "national figure: State Post Bureau \\(国家邮政局, 930001\\), the indicator's national source" \
	"$(e "select note from report.progress where indicator = 'express_parcels'")"
expect_eq "... in Chinese too" "国家邮政局" "$(e "select source_name_zh from report.progress where indicator = 'express_parcels'")"
expect_eq "... kept in the history with the snapshot" "provinces department" \
	"$(e "select string_agg(source, ' ' order by snapshot) from report.progress_history
	      where indicator = 'express_parcels' and reporter is null")"
expect_eq "a department has no assessment, completeness or timeliness row of its own" "0|0" \
	"$(e "select (select count(*) from report.progress_by_reporter where reporter = '930001'),
	             (select count(*) from report.completeness where reporter = '930001')")"

sc() {
	e "select coalesce(source_value::text, '-'), coalesce(provinces_value::text, '-'), reporters_reported || '/' || reporters_expected,
	          coalesce(ratio::text, '-'), coalesce(difference::text, '-'), tolerance, coalesce(within_tolerance::text, '-')
	     from report.source_consistency where indicator = 'express_parcels' and period = '$1'"
}
expect_eq "consistency within tolerance: 305 against 310, ratio 0.9839, |−1.61 %| ≤ 2 %" "305|310|31/31|0.9839|-5|0.02|true" "$(sc 2017Q2)"
expect_eq "consistency outside tolerance: 330 against 310, ratio 1.0645, +6.45 % > 2 %" "330|310|31/31|1.0645|20|0.02|false" "$(sc 2018Q2)"
expect_eq "a period only Beijing has reported: no source figure, not judged" "-|10|1/31|-|-|0.02|-" "$(sc 2019Q1)"
expect_eq "a separate-plan city is not added to the provinces' sum" "310" \
	"$(e "select provinces_value from report.source_consistency where indicator = 'express_parcels' and period = '2018Q4'")"
expect_eq "the view names the source in Chinese and English" "930001|国家邮政局|State Post Bureau" \
	"$(e "select distinct source_reporter || '|' || source_name_zh || '|' || source_name_en from report.source_consistency where indicator = 'express_parcels'")"

fu() { e "select count(*) from report.follow_up where kind = 'source_gap' $1"; }
expect_eq "each period outside tolerance became one follow-up item on the source's value (2018Q1-Q4)" \
	"2018Q1 2018Q2 2018Q3 2018Q4" \
	"$(e "select string_agg(period, ' ' order by period) from report.follow_up where kind = 'source_gap' and reporter = '930001' and state = 'open'")"
expect_match "... its message gives both figures, the ratio and the tolerance" \
	'State Post Bureau \(国家邮政局\) gives 330 10 thousand parcels for express_parcels 2018Q2, the 31 province-level reporters add up to 310: ratio 1.0645, outside the tolerance of ±2 %' \
	"$(e "select message from report.follow_up where kind = 'source_gap' and period = '2018Q2'")"
expect_eq "... with the ratio as its score, the tolerance as threshold and the sum compared" "1.0645|0.02|310" \
	"$(e "select round(score::numeric, 4), threshold, compared_value from report.follow_up where kind = 'source_gap' and period = '2018Q2'")"
expect_eq "... and the view points to it" t \
	"$(e "select follow_up = (select id from report.follow_up where kind = 'source_gap' and period = '2018Q2')
	      from report.source_consistency where indicator = 'express_parcels' and period = '2018Q2'")"
pr_recompute "$DB" >/dev/null
expect_eq "another run opens no second item for the same gap" 4 "$(fu "")"

# The bureau corrects 2018Q1 to 312 (312/310 = 1.0065, within).
echo "930001,express_parcels,2018Q1,312" | pr_load "$DB"
pr_recompute "$DB" >/dev/null
expect_eq "a corrected source value supersedes its item and opens none" "superseded|4" \
	"$(e "select state from report.follow_up where kind = 'source_gap' and period = '2018Q1'")|$(fu "")"
expect_eq "... and is now within tolerance" "312|310|31/31|1.0065|2|0.02|true" "$(sc 2018Q1)"
# A province revises 2018Q3 so that the gap changes (330 against 340): the open
# item stays the one item; after the plan office confirms it, the new gap opens another.
echo "110000,express_parcels,2018Q3,40" | pr_load "$DB"
pr_recompute "$DB" >/dev/null
expect_eq "a changed sum while the item is open: still one item for 2018Q3" 1 "$(fu "and period = '2018Q3'")"
expect_eq "... and 330/340 = 0.9706 is outside ±2 %" "330|340|31/31|0.9706|-10|0.02|false" "$(sc 2018Q3)"
db_q postgres "$DB" "select mestat.resolve_follow_up((select id from mestat.follow_up where kind = 'source_gap' and period = '2018Q3'), 'confirm', 'known break')" >/dev/null
pr_recompute "$DB" >/dev/null
expect_eq "once decided, a gap against a different sum is a new item" "2|340" \
	"$(fu "and period = '2018Q3'")|$(e "select compared_value from report.follow_up where kind = 'source_gap' and period = '2018Q3' and state = 'open'")"

expect_eq "the evaluator reads report.source_consistency; the daemon login does not" "t|f" \
	"$(db_q postgres "$DB" "select has_table_privilege('t_eval', 'report.source_consistency', 'select'),
	                             has_table_privilege('t_daemon', 'report.source_consistency', 'select')")"
db_drop
