#!/bin/bash
# report_api.sh - the read API over schema report, against a real mestatd and
# PostgreSQL: every view as JSON and CSV (BOM, Chinese labels, RFC 4180),
# filters, order and paging, 404/400 naming the valid names, the read-only
# evaluator role and its timeout, a province restricted to its own rows on
# every view, and current values as SDMX-CSV 2.0.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "report_timeout = 1s" "recompute_interval = 1h" "recompute_delay = 1h" \
	"[source bj-pull]" "reporter = 110000" "url = https://127.0.0.1:9/none.json" "interval = 1h" \
	"[source sh-pull]" "reporter = 310000" "url = https://127.0.0.1:9/none.json" "interval = 1h"
t_up "$conf"

url=https://127.0.0.1:$T_PORT
bj=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
sh=(--cert "$T_CERTS/client-310000.crt" --key "$T_CERTS/client-310000.key")
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
ev() { pg_psql -d "$db" -tA -c "set role mestat_evaluator; $1"; }
push() { t_curl "$@" -H 'Content-Type: application/json' "$url/api/v1/submissions" -o /dev/null; }

# ---- data: both provinces push, pulls fail, progress is computed
push "${bj[@]}" -d '{"reporter":"110000","period":"2018Q3","values":[
 {"indicator":"incubators","value":57,"comment":"含 \"引号\", 逗号"},
 {"indicator":"tech_contracts","value":1203,"comment":"=1+2"},
 {"indicator":"tech_contract_turnover","value":812.5}]}' >/dev/null
push "${bj[@]}" -d '{"reporter":"110000","period":"2018Q4","values":[{"indicator":"incubators","value":61}]}' >/dev/null
push "${sh[@]}" -d '{"reporter":"310000","period":"2018Q3","values":[
 {"indicator":"incubators","value":44},{"indicator":"tech_contracts","value":900}]}' >/dev/null
push "${sh[@]}" -d '{"reporter":"310000","period":"2018Q3","values":[{"indicator":"nonexistent","value":1}]}' >/dev/null
q "select mestat.recompute_progress()" >/dev/null
for _ in $(seq 100); do
	[ "$(q "select count(*) from mestat.source_state where last_attempt is not null")" = 2 ] && break
	sleep 0.1
done
etok=$(q "select mestat.create_evaluator_token('alice')")
ea=(-H "Authorization: Bearer $etok")

# ---- credentials
for p in /api/v1/report /api/v1/report/latest_values "/api/v1/data?format=sdmx-csv"; do
	expect_eq "no credentials: 401 on $p" 401 "$(status "$(t_curl "$url$p")")"
done

# ---- the list of views comes from the catalog
out=$(t_curl "${ea[@]}" "$url/api/v1/report")
expect_eq "an evaluator lists the views: 200" 200 "$(status "$out")"
views=$(body "$out" | jq -r '.views[].name' | sort | tr '\n' ' ')
expect_eq "... every view of schema report, as psql lists them" \
	"$(ev "select table_name from information_schema.views where table_schema = 'report'" | sort | tr '\n' ' ')" "$views"
expect_eq "... with each view's comment" "$(ev "select obj_description('report.latest_values'::regclass, 'pg_class')")" \
	"$(body "$out" | jq -r '.views[] | select(.name == "latest_values") | .comment')"
expect_eq "... and its columns with their types and comments" "value|numeric|Current value, in the indicator's unit." \
	"$(body "$out" | jq -r '.views[] | select(.name == "latest_values") | .columns[] | select(.name == "value") | "\(.name)|\(.type)|\(.comment)"')"

# ---- every view, as an evaluator: JSON total and columns equal what psql reads
for v in $views; do
	out=$(t_curl "${ea[@]}" "$url/api/v1/report/$v?limit=10000&count=exact")
	st=$(status "$out")
	if [ "$st" != 200 ]; then not_ok "evaluator reads report.$v" "status $st: $(body "$out" | head -c 300)"; continue; fi
	n=$(ev "select count(*) from report.$v")
	cols=$(ev "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_schema = 'report' and table_name = '$v'")
	got=$(body "$out" | jq -r '"\(.view) \(.total) \(.rows | length) \([.columns[].name] | join(","))"')
	expect_eq "evaluator reads report.$v: its name, total, rows and columns equal psql's" "$v $n $n $cols" "$got"
done
expect_match "the views hold data of both provinces (so the checks below can fail)" '^[1-9]' \
	"$(ev "select count(distinct reporter) - 1 from report.latest_values")"

# ---- JSON values are the views' own
expect_eq "a row is the view's row, numbers as numbers" '57|含 "引号", 逗号|北京市' \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?reporter=110000&indicator=incubators&period=2018Q3" |
		sed '$d' | jq -r '.rows[0] | "\(.value)|\(.comment)|\(.reporter_name_zh)"')"

# ---- CSV
curl -s --cacert "$T_CERTS/ca.crt" "${ea[@]}" -D "$T_TMP/csv.h" -o "$T_TMP/lv.csv" "$url/api/v1/report/latest_values?format=csv&order=reporter,indicator,period"
expect_eq "CSV starts with the UTF-8 BOM" "efbbbf" "$(head -c 3 "$T_TMP/lv.csv" | od -An -tx1 | tr -d ' \n')"
expect_eq "... then the column names" "$(ev "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_schema = 'report' and table_name = 'latest_values'")" \
	"$(head -n 1 "$T_TMP/lv.csv" | tail -c +4 | tr -d '\r')"
expect_match "... Content-Type text/csv; charset=utf-8" 'Content-Type: text/csv; charset=utf-8' "$(cat "$T_TMP/csv.h")"
expect_match "... as an attachment named for the view" 'Content-Disposition: attachment; filename="latest_values.csv"' "$(cat "$T_TMP/csv.h")"
expect_eq "... lines end in CRLF (RFC 4180)" "$(($(ev "select count(*) from report.latest_values") + 1))" "$(grep -c $'\r$' "$T_TMP/lv.csv")"
expect_eq "... the Chinese labels are intact UTF-8 bytes (北京市)" "e58c97e4baace5b882" \
	"$(grep -m1 -o '北京市' "$T_TMP/lv.csv" | head -c 9 | od -An -tx1 | tr -d ' \n')"
expect_match "... a field with a quote and a comma is quoted, the quote doubled" ',"含 ""引号"", 逗号",' "$(cat "$T_TMP/lv.csv")"
expect_match "... a text starting with = is kept as text for spreadsheets" ",\"'=1\\+2\"," "$(cat "$T_TMP/lv.csv")"
expect_eq "... and Python's csv module reads back every row with the psql values" \
	"$(ev "select string_agg(concat_ws('|', reporter, indicator, period, value), ' ' order by reporter, indicator, period) from report.latest_values")" \
	"$(/usr/bin/python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline=""))); print(" ".join("|".join([x["reporter"],x["indicator"],x["period"],x["value"]]) for x in r))' "$T_TMP/lv.csv")"
expect_eq "Accept: text/csv also gives CSV" "efbbbf" \
	"$(curl -s --cacert "$T_CERTS/ca.crt" "${ea[@]}" -H 'Accept: text/csv' "$url/api/v1/report/completeness" | head -c 3 | od -An -tx1 | tr -d ' \n')"
expect_eq "CSV of a view past its last row keeps the header and says the total" "0|1" \
	"$(curl -s --cacert "$T_CERTS/ca.crt" "${ea[@]}" -D "$T_TMP/h2" "$url/api/v1/report/latest_values?format=csv&offset=100000&count=exact" -o "$T_TMP/empty.csv";
	   echo "$(grep -c , "$T_TMP/empty.csv" | sed 's/^1$/0/')|$(grep -ci "X-Total-Count: $(ev "select count(*) from report.latest_values")" "$T_TMP/h2")")"

# ---- filters, order, paging
total() { t_curl "${ea[@]}" "$url/api/v1/report/$1&count=exact" | sed '$d' | jq -r .total; }
expect_eq "?reporter= filters exactly" "$(ev "select count(*) from report.completeness where reporter = '110000'")" "$(total 'completeness?reporter=110000')"
expect_eq "?reporter=a,b means either" "$(ev "select count(*) from report.completeness where reporter in ('110000', '310000')")" \
	"$(total 'completeness?reporter=110000,310000')"
expect_eq "a repeated column means either too" "$(total 'completeness?reporter=110000,310000')" \
	"$(total 'completeness?reporter=110000&reporter=310000')"
expect_eq "col.gte and col.lte bound a column" "$(ev "select count(*) from report.completeness where period >= '2018Q1' and period <= '2018Q4'")" \
	"$(total 'completeness?period.gte=2018Q1&period.lte=2018Q4')"
expect_eq "filters combine" "$(ev "select count(*) from report.completeness where reporter = '310000' and period >= '2019Q1'")" \
	"$(total 'completeness?reporter=310000&period.gte=2019Q1')"
expect_eq "?order=-col sorts descending" "$(ev "select string_agg(value::text, ' ' order by value desc) from report.latest_values")" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?order=-value" | sed '$d' | jq -r '[.rows[].value | tostring] | join(" ")')"
all=$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?order=reporter,period" | sed '$d' | jq -c '[.rows[] | [.reporter, .period]]')
pages=$(for o in 0 7 14 21; do t_curl "${ea[@]}" "$url/api/v1/report/overdue?order=reporter,period&limit=7&offset=$o" | sed '$d' | jq -c '.rows[] | [.reporter, .period]'; done | jq -sc .)
expect_eq "limit and offset page through the ordered rows" "$(jq -c '.[0:28]' <<<"$all")" "$pages"
expect_eq "a page says its limit, offset and, with count=exact, the total" "7 14 $(ev "select count(*) from report.overdue")" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=7&offset=14&count=exact" | sed '$d' | jq -r '"\(.limit) \(.offset) \(.total)"')"
n_overdue=$(ev "select count(*) from report.overdue")
expect_match "report.overdue has more than 8 rows (so the paging checks below can fail)" '^([9]|[1-9][0-9]+)$' "$n_overdue"
expect_eq "without count=exact a page carries no total, only has_more" "false|true|7" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=7" | sed '$d' | jq -r '"\(has("total"))|\(.has_more)|\(.rows | length)"')"
expect_eq "has_more is false on the last page, true just before it" "true false false" \
	"$(for o in $((n_overdue - 8)) $((n_overdue - 7)) $((n_overdue - 1)); do t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=7&offset=$o" | sed '$d' | jq -r .has_more; done | xargs)"
expect_eq "... the last page holds the last rows, not one more" "7 1" \
	"$(for o in $((n_overdue - 7)) $((n_overdue - 1)); do t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=7&offset=$o" | sed '$d' | jq -r '.rows | length'; done | xargs)"
expect_eq "has_more agrees with count=exact" "true|true" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=7&offset=1&count=exact" | sed '$d' | jq -r '"\(.has_more)|\(.total > 8)"')"
expect_eq "past the last row: no rows, has_more false" "0|false" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?offset=100000" | sed '$d' | jq -r '"\(.rows | length)|\(.has_more)"')"
expect_eq "limit=0&count=exact: only the total" "0|$n_overdue" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=0&count=exact" | sed '$d' | jq -r '"\(.rows | length)|\(.total)"')"
curl -s --cacert "$T_CERTS/ca.crt" "${ea[@]}" -D "$T_TMP/h3" -o /dev/null "$url/api/v1/report/overdue?format=csv&limit=3"
expect_eq "CSV says X-Has-More and, without count=exact, no X-Total-Count" "1|0" \
	"$(grep -ci '^X-Has-More: true' "$T_TMP/h3")|$(grep -ci '^X-Total-Count' "$T_TMP/h3")"
expect_eq "count takes exact or none: anything else 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?count=estimate")")"
expect_eq "the default limit is 1000" 1000 "$(t_curl "${ea[@]}" "$url/api/v1/report/overdue" | sed '$d' | jq -r .limit)"
expect_eq "a limit above 10000 is cut to 10000" 10000 "$(t_curl "${ea[@]}" "$url/api/v1/report/overdue?limit=99999" | sed '$d' | jq -r .limit)"

# ---- columns=: only the columns asked for, in that order
lvcols=$(ev "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_schema = 'report' and table_name = 'latest_values'")
expect_match "report.latest_values has more columns than the three chosen below (so the checks can fail)" '^[^,]+,[^,]+,[^,]+,[^,]+' "$lvcols"
out=$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?columns=value,period,reporter&order=reporter,indicator,period")
expect_eq "columns=value,period,reporter: 200" 200 "$(status "$out")"
expect_eq "... the answer describes those columns, in that order" "value,period,reporter" "$(body "$out" | jq -r '[.columns[].name] | join(",")')"
expect_eq "... with their types" "numeric" "$(body "$out" | jq -r '.columns[0].type')"
expect_eq "... each row has only those keys, in that order" "value,period,reporter" \
	"$(body "$out" | jq -r '[.rows[] | keys_unsorted | join(",")] | unique | join(" ")')"
expect_eq "... and the view's values, rows in the asked order" \
	"$(ev "select string_agg(concat_ws('|', value, period, reporter), ' ' order by reporter, indicator, period) from report.latest_values")" \
	"$(body "$out" | jq -r '[.rows[] | "\(.value)|\(.period)|\(.reporter)"] | join(" ")')"
expect_eq "filters and order may name columns that are not chosen" \
	"$(ev "select string_agg(value::text, ' ' order by value desc) from report.latest_values where reporter = '310000'")" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?columns=value&reporter=310000&order=-value" | sed '$d' | jq -r '[.rows[].value | tostring] | join(" ")')"
curl -s --cacert "$T_CERTS/ca.crt" "${ea[@]}" -o "$T_TMP/pick.csv" "$url/api/v1/report/latest_values?format=csv&columns=period,comment,value&order=reporter,indicator,period"
expect_eq "CSV: the header follows the choice" "period,comment,value" "$(head -n 1 "$T_TMP/pick.csv" | tail -c +4 | tr -d '\r')"
expect_eq "... and so do the rows, formulas kept as text (Python's csv module reads them back)" \
	"$(ev "select string_agg(concat_ws('|', period, case when comment ~ '^[=+@-]' then '''' || comment else coalesce(comment, '') end, value), ' ' order by reporter, indicator, period) from report.latest_values")" \
	"$(/usr/bin/python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline=""))); print(" ".join("|".join(x) for x in r[1:]))' "$T_TMP/pick.csv")"
out=$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?columns=value,colour")
expect_eq "an unknown column in columns=: 400" 400 "$(status "$out")"
expect_match "... naming it" 'colour' "$(body "$out" | jq -r .error)"
expect_eq "... listing the valid columns" "$lvcols" "$(body "$out" | jq -r '.columns | join(",")')"
expect_eq "a column named twice: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?columns=value,value")")"
expect_eq "an empty columns=: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?columns=")")"
expect_eq "SQL in columns= is no column: 400" 400 \
	"$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?columns=value%2C1%29%3B%20select%201%3B--")")"
expect_eq "columns= on /api/v1/data (SDMX-CSV has fixed columns): 400" 400 \
	"$(status "$(t_curl "${ea[@]}" "$url/api/v1/data?columns=value")")"
out=$(t_curl "${bj[@]}" "$url/api/v1/report/latest_values?columns=reporter,value&count=exact&limit=10000")
expect_eq "a province choosing columns still reads only its own rows" \
	"$(ev "select count(*) from report.latest_values where reporter = '110000'") 110000" \
	"$(body "$out" | jq -r '"\(.total) \([.rows[].reporter] | unique | join(","))"')"
expect_eq "... also when the reporter column is not chosen" \
	"$(ev "select string_agg(value::text, ' ' order by value) from report.latest_values where reporter = '110000'")" \
	"$(t_curl "${bj[@]}" "$url/api/v1/report/latest_values?columns=value&order=value" | sed '$d' | jq -r '[.rows[].value | tostring] | join(" ")')"
expect_eq "... and a view it may not read stays 403 whatever the columns" 403 \
	"$(status "$(t_curl "${bj[@]}" "$url/api/v1/report/$(for v in $views; do [ "$(ev "select count(*) from information_schema.columns where table_schema = 'report' and table_name = '$v' and column_name = 'reporter'")" = 0 ] && [ "$v" != progress ] && { echo "$v"; break; }; done)?columns=nosuch")")"

# ---- errors name the valid names
out=$(t_curl "${ea[@]}" "$url/api/v1/report/no_such_view")
expect_eq "an unknown view: 404" 404 "$(status "$out")"
expect_eq "... listing the valid views" "$views" "$(body "$out" | jq -r '.views[]' | sort | tr '\n' ' ')"
out=$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?colour=red")
expect_eq "an unknown column: 400" 400 "$(status "$out")"
expect_match "... naming it" 'colour' "$(body "$out" | jq -r .error)"
expect_eq "... listing the valid columns" "$(ev "select string_agg(column_name, ',' order by ordinal_position) from information_schema.columns where table_schema = 'report' and table_name = 'latest_values'")" \
	"$(body "$out" | jq -r '.columns | join(",")')"
expect_eq "an unknown column in order=: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?order=-colour")")"
expect_eq "a value that does not fit its column: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?value=abc")")"
expect_eq "a limit that is not a number: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?limit=ten")")"
expect_eq "an unknown format: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?format=xlsx")")"
expect_eq "SQL in a value is only a value" 0 \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values?reporter=110000%27%20or%20%271%27=%271&count=exact" | sed '$d' | jq -r .total)"
expect_eq "SQL in a view name is no view: 404" 404 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/report/latest_values%3Bdrop%20table%20x")")"

# ---- a province: its own rows on every view
for v in $views; do
	hasrep=$(ev "select count(*) from information_schema.columns where table_schema = 'report' and table_name = '$v' and column_name = 'reporter'")
	out=$(t_curl "${bj[@]}" "$url/api/v1/report/$v?limit=10000&count=exact")
	st=$(status "$out")
	if [ "$hasrep" = 1 ]; then
		got=$(body "$out" | jq -r '"\(.total) \([.rows[].reporter] | unique | join(","))"')
		n=$(ev "select count(*) from report.$v where reporter = '110000'")
		want="$n $([ "$n" = 0 ] || echo 110000)"
		expect_eq "Beijing reads report.$v: only its own rows ($n of $(ev "select count(*) from report.$v"))" "200 ${want% }" "$st ${got% }"
	elif [ "$v" = progress ]; then
		expect_eq "Beijing reads report.progress (national figures, no reporter's rows)" "200 $(ev "select count(*) from report.progress")" \
			"$st $(body "$out" | jq -r .total)"
	else
		expect_eq "Beijing may not read report.$v (several reporters' rows, no reporter column)" 403 "$st"
	fi
done
out=$(t_curl "${bj[@]}" "$url/api/v1/report")
expect_eq "Beijing's list of views leaves out those it may not read" \
	"$(for v in $views; do [ "$(ev "select count(*) from information_schema.columns where table_schema = 'report' and table_name = '$v' and column_name = 'reporter'")" = 1 ] || [ "$v" = progress ] && echo "$v"; done | tr '\n' ' ')" \
	"$(body "$out" | jq -r '.views[].name' | sort | tr '\n' ' ')"
expect_eq "Beijing asking for Shanghai's rows gets none" 0 \
	"$(t_curl "${bj[@]}" "$url/api/v1/report/latest_values?reporter=310000&count=exact" | sed '$d' | jq -r .total)"
expect_match "Shanghai sees its refused submission with the reason" 'nonexistent' \
	"$(t_curl "${sh[@]}" "$url/api/v1/report/submission_log?outcome=rejected" | sed '$d' | jq -r '.rows[].error_summary')"
expect_eq "... and Beijing does not" 0 "$(t_curl "${bj[@]}" "$url/api/v1/report/submission_log?outcome=rejected&count=exact" | sed '$d' | jq -r .total)"
expect_eq "Beijing's CSV holds only Beijing" "110000" \
	"$(t_curl "${bj[@]}" "$url/api/v1/report/latest_values?format=csv" | sed '$d' | tail -n +2 | cut -d, -f6 | sort -u | tr -d '\n')"
rtok=$(q "select mestat.create_token('310000')")
expect_eq "a province's token reads its own rows too" "310000" \
	"$(t_curl -H "Authorization: Bearer $rtok" "$url/api/v1/report/collector_status" | sed '$d' | jq -r '[.rows[].reporter] | unique | join(",")')"

# ---- SDMX-CSV 2.0 (sdmx-twg/sdmx-csv, docs/data_message_field_guide.md: the
# header names STRUCTURE, STRUCTURE_ID, ACTION, then the components; rows give
# the structure type "dataflow", AGENCY:ID(VERSION) and action I; quarterly
# TIME_PERIOD is written 2018-Q3).
curl -s --cacert "$T_CERTS/ca.crt" "${ea[@]}" -D "$T_TMP/sdmx.h" -o "$T_TMP/sdmx.csv" "$url/api/v1/data?format=sdmx-csv"
expect_eq "SDMX-CSV: the 2.0 header" "STRUCTURE,STRUCTURE_ID,ACTION,REPORTER,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,COMMENT" \
	"$(head -n 1 "$T_TMP/sdmx.csv" | tr -d '\r')"
expect_match "... served as application/vnd.sdmx.data+csv; version=2.0.0" 'Content-Type: application/vnd\.sdmx\.data\+csv; version=2\.0\.0' "$(cat "$T_TMP/sdmx.h")"
expect_eq "... one row per current value" "$(ev "select count(*) from report.latest_values")" "$(($(wc -l <"$T_TMP/sdmx.csv") - 1))"
expect_match "... a row names the dataflow, action I and the SDMX period" $'\ndataflow,MESTAT:SERVICE_STI_PLAN\\(1\\.0\\),I,110000,incubators,2018-Q4,61,' "$(cat "$T_TMP/sdmx.csv")"
expect_eq "... filters work the same" "$(ev "select count(*) from report.latest_values where reporter = '310000'")" \
	"$(t_curl "${ea[@]}" "$url/api/v1/data?format=sdmx-csv&reporter=310000" | sed '$d' | tail -n +2 | grep -c ',310000,')"
expect_eq "... and a province gets only its own" "$(ev "select count(*) from report.latest_values where reporter = '110000'")|110000" \
	"$(t_curl "${bj[@]}" "$url/api/v1/data?format=sdmx-csv" | sed '$d' | tail -n +2 | awk -F, 'NF > 1 {print $4}' | sort | uniq -c | awk '{printf "%s|%s", $1, $2}')"
expect_eq "another format on /api/v1/data: 400" 400 "$(status "$(t_curl "${ea[@]}" "$url/api/v1/data?format=json")")"

# ---- the read-only evaluator role, its timeout, and views added later
pg_psql -d "$db" -q -c "create table public.t_sink (x int); grant insert on public.t_sink to mestat_evaluator;
	create function report.t_write() returns int language sql as 'insert into public.t_sink values (1) returning x';
	create view report.t_write_attempt as select report.t_write() as x;
	create view report.t_slow as select 1 as x from pg_sleep(2);
	create view report.t_session as select current_setting('jit') as jit, current_setting('transaction_read_only') as ro;
	grant select on report.t_write_attempt, report.t_slow, report.t_session to mestat_evaluator;
	grant execute on function report.t_write() to mestat_evaluator"
out=$(t_curl "${ea[@]}" "$url/api/v1/report")
expect_match "a view added while mestatd runs is listed at once" 't_slow' "$(body "$out" | jq -r '.views[].name' | tr '\n' ' ')"
out=$(t_curl "${ea[@]}" "$url/api/v1/report/t_write_attempt")
expect_match "a view that tries to write fails: the read API's transaction is read-only" 'read-only transaction' "$(status "$out") $(body "$out")"
expect_eq "... and nothing was written" 0 "$(q "select count(*) from public.t_sink")"
expect_eq "the read API's session: JIT off (compiling cost more than the views run), read-only" "off|on" \
	"$(t_curl "${ea[@]}" "$url/api/v1/report/t_session" | sed '$d' | jq -r '.rows[0] | "\(.jit)|\(.ro)"')"
out=$(t_curl "${ea[@]}" "$url/api/v1/report/t_slow")
expect_eq "a query longer than report_timeout: 503" 503 "$(status "$out")"
expect_match "... saying so" 'report_timeout' "$(body "$out")"
expect_eq "ingestion still writes after the read API ran (its connections carry no role)" 201 \
	"$(push "${bj[@]}" -w '%{http_code}' -s -d '{"reporter":"110000","period":"2019Q1","values":[{"indicator":"incubators","value":63}]}' | tail -n 1 | cut -c1-3)"
expect_eq "revoking the evaluator's token ends its reading: 401" 401 \
	"$(q "select mestat.revoke_evaluator_token('$etok')" >/dev/null; status "$(t_curl "${ea[@]}" "$url/api/v1/report/progress")")"
sed -i 's/^report_timeout = 1s$/report_timeout = 9s/' "$conf"
n=$(grep -c 'configuration reloaded' "$T_TMP/mestatd.log")
kill -HUP "$T_PID"
for _ in $(seq 100); do [ "$(grep -c 'configuration reloaded' "$T_TMP/mestatd.log")" -gt "$n" ] && break; sleep 0.1; done
for i in 1 2; do
	expect_eq "after a reload to report_timeout = 9s the 2 s view is read (request $i)" 200 \
		"$(status "$(t_curl "$url/api/v1/report/t_slow" -H "Authorization: Bearer $(q "select mestat.create_evaluator_token('bob')")")")"
done
