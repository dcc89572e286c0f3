#!/bin/bash
# console_browser.sh: the console in a real browser. Three provinces and the
# ministry report five years of data (one value revised, one push refused, one
# quarter late, one pull source failing; one province has a missed 2020 target
# of its own); progress is recomputed; then
# chromium, driven by tests/browser/console_test.py, signs in with an
# evaluator's token through the form, opens every page, waits for the charts,
# compares the figures shown with what psql reads from the same views, checks
# that no page logs a JavaScript error or a CSP violation, signs out, and signs
# in as a province to check that it sees only itself. Screenshots (1280×800
# and whole page) and A4 PDFs of every page are left in $T_TMP/screens, and
# copied to $CONSOLE_SCREENSHOTS when that names a directory.
. "$TOP/tests/lib.sh"

for p in chromium chromium-driver python3-selenium; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		{ not_ok "the browser test can run" "Debian package $p is not installed (tools/lib/deps.sh)"; exit 1; }
done

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
closed=$(t_free_port) # nothing listens there: a pull source that fails
t_conf "$conf" "$db" "web_root = $TOP/web" "recompute_interval = 1h" "recompute_delay = 1h"
cat >>"$conf" <<SRC

[source beijing-portal]
reporter = 110000
url = https://127.0.0.1:$closed/110000.csv
format = csv
interval = 1h
SRC
t_up "$conf"
base=https://127.0.0.1:$T_PORT

# ---- Five years of quarterly values for three provinces, annual ones for the ministry.
gen=$T_TMP/data
mkdir -p "$gen"
q "select code, value_type from mestat.indicator where scope = 'provincial' and periodicity = 'quarterly' and active order by code" >"$gen/indicators"
/usr/bin/python3 - "$gen" <<'PY'
import sys
out = sys.argv[1]
inds = [l.strip().split("|") for l in open(f"{out}/indicators") if l.strip()]
quarters = [f"{y}Q{q}" for y in range(2016, 2021) for q in range(1, 5)]
size = {"330000": 3.0, "110000": 2.0, "310000": 2.5}
for rep, s in size.items():
    rows = ["reporter,indicator,period,value,comment"]
    for i, p in enumerate(quarters):
        if rep == "310000" and p == "2020Q4":
            continue  # late: not sent yet
        vals = {}
        for k, (code, vtype) in enumerate(inds):
            if rep == "110000" and p == "2020Q3" and k % 2:
                continue  # half a report
            growth = 1 + 0.01 * (k % 5 + 1)
            if rep == "110000" and code == "makerspaces":
                growth = 0.985  # shrinking: moving away from the target
            v = 20 * s * (1 + k % 7) * growth ** i
            if vtype == "percent":
                continue
            vals[code] = round(v) if vtype == "integer" else round(v, 2)
        if "online_retail_share" in [c for c, _ in inds] and "online_retail_sales" in vals and "retail_sales_total" in vals:
            vals["online_retail_share"] = round(100 * vals["online_retail_sales"] / (vals["retail_sales_total"] * 3), 2)
        for code, v in vals.items():
            rows.append(f"{rep},{code},{p},{v},")
    open(f"{out}/{rep}.csv", "w").write("\n".join(rows) + "\n")
for y, v in zip(range(2016, 2021), [3, 6, 9, 12, 14]):
    open(f"{out}/ministry-{y}.json", "w").write(
        f'{{"reporter":"000000","period":"{y}","values":[{{"indicator":"national_centres_labs","value":{v}}}]}}')
PY
push() { # push CODE CONTENT-TYPE FILE: prints the HTTP status
	curl -s -o "$T_TMP/push.out" -w '%{http_code}' --cacert "$T_CERTS/ca.crt" -H "Authorization: Bearer $(cat "$gen/token-$1")" \
		-H "Content-Type: $2" --data-binary @"$3" "$base/api/v1/submissions"
}
for code in 330000 110000 310000 000000; do q "select mestat.create_token('$code')" >"$gen/token-$code"; done
statuses=
for code in 330000 110000 310000; do statuses+="$(push "$code" text/csv "$gen/$code.csv") "; done
for y in 2016 2017 2018 2019 2020; do statuses+="$(push 000000 application/json "$gen/ministry-$y.json") "; done
expect_eq "the provinces' and the ministry's data are accepted" "201 201 201 201 201 201 201 201 " "$statuses"
old=$(q "select value from report.latest_values where reporter = '330000' and indicator = 'incubators' and period = '2019Q4'")
echo "{\"reporter\":\"330000\",\"period\":\"2019Q4\",\"values\":[{\"indicator\":\"incubators\",\"value\":$((old + 7))}]}" >"$gen/revision.json"
expect_eq "a revision is accepted" 201 "$(push 330000 application/json "$gen/revision.json")"
echo '{"reporter":"330000","period":"2020Q4","values":[{"indicator":"makerspaces","value":-3}]}' >"$gen/bad.json"
expect_eq "a negative count is refused" 422 "$(push 330000 application/json "$gen/bad.json")"
# A province target of its own whose year is over and was missed: not achieved.
expect_match "a province's own missed 2020 target is entered" '^entered' "$(q "insert into mestat.target (indicator, scope, kind,
	baseline_year, baseline_value, target_year, target_value, effective_from, clause, basis, plan_words, note)
	values ('tech_contracts', '330000', 'at_least', 2015, 1, 2020, 1000000, '2016-01-01', '七(二)', 'plan_number',
	        '浙江省技术合同目标（测试）', 'a province target far above its values') returning 'entered'" 2>&1)"
expect_match "progress is recomputed" '^[0-9]+$' "$(q "select mestat.recompute_progress()")"
q "select mestat.quality_refresh()" >/dev/null # as mestatd does after a progress run

# ---- The reporting cycle: 330000 completes 2019Q3 (accepted) and 2019Q4
# (returned with a reason); 310000 has a 2019Q4 returned with a reason of its
# own, which 330000 must never see. The indicators a province did not send
# are reported missing (status M) first, so that completion is allowed.
complete_q() { # complete_q CODE PERIOD: prints the HTTP status of the completion
	local miss
	miss=$(q "select coalesce(string_agg(format('{\"indicator\":\"%s\",\"value\":null,\"status\":\"M\"}', indicator), ','), '')
	          from mestat.expected_indicators('$1', '$2') where not received")
	if [ -n "$miss" ]; then
		echo "{\"reporter\":\"$1\",\"period\":\"$2\",\"values\":[$miss]}" >"$T_TMP/missing.json"
		push "$1" application/json "$T_TMP/missing.json" >/dev/null
	fi
	curl -s -o "$T_TMP/complete.out" -w '%{http_code}' --cacert "$T_CERTS/ca.crt" -H "Authorization: Bearer $(cat "$gen/token-$1")" \
		-H 'Content-Type: application/json' -d "{\"reporter\":\"$1\",\"period\":\"$2\"}" "$base/api/v1/completions"
}
expect_eq "the provinces complete their quarters" "201 201 201 " \
	"$(for c in 330000:2019Q3 330000:2019Q4 310000:2019Q4; do printf '%s ' "$(complete_q "${c%%:*}" "${c#*:}")"; done)"
q "select mestat.accept_quarter('330000', '2019Q3', '规划处 Wang')" >/dev/null
q "select mestat.return_quarter('330000', '2019Q4', '众创空间数量与上季度相比下降过多，请核实后重新报送 / makerspaces fell too much from last quarter: check and send again', '规划处 Wang')" >/dev/null
q "select mestat.return_quarter('310000', '2019Q4', '上海：技术合同数有误 / Shanghai: technology contracts are wrong', '规划处 Zhao')" >/dev/null
expect_eq "330000 has 2019Q3 accepted and 2019Q4 returned, 310000 2019Q4 returned" "accepted returned returned" \
	"$(q "select string_agg(state, ' ' order by reporter desc, period) from report.reporting_cycle
	      where (reporter, period) in (('330000', '2019Q3'), ('330000', '2019Q4'), ('310000', '2019Q4'))")"

# ---- What the browser needs from mestatd.
csp=$(curl -s -D - -o /dev/null --cacert "$T_CERTS/ca.crt" "$base/console/login.html" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ss]ecurity-[Pp]olicy: //p')
expect_match "the console is served with a Content-Security-Policy forbidding inline script" "script-src 'self'" "$csp"
expect_eq "Chart.js is served from the Debian package" 200 \
	"$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T_CERTS/ca.crt" "$base/console/vendor/chart.js")"

evaluator_token=$(q "select mestat.create_evaluator_token('alice')")
[ -n "$evaluator_token" ] || { not_ok "an evaluator token is made" "mestat.create_evaluator_token returned nothing"; t_stop; exit 1; }

# ---- The browser (at most 7 minutes).
mkdir -p "$T_TMP/screens"
EVAL_TOKEN=$evaluator_token REP_TOKEN=$(cat "$gen/token-330000") REP_CODE=330000 T_DB=$T_DB \
	timeout 420 /usr/bin/python3 "$TOP/tests/browser/console_test.py" "$base" "$T_TMP/screens" 2>"$T_TMP/browser.log"
rc=$?
[ "$rc" = 0 ] || not_ok "the browser test runs to the end" "exit $rc: $(tail -n 5 "$T_TMP/browser.log")"
shots=$(ls "$T_TMP/screens"/*.png 2>/dev/null | wc -l)
[ "$shots" -ge 14 ] && ok "a screenshot of every page is saved ($shots in $T_TMP/screens)" ||
	not_ok "a screenshot of every page is saved" "$shots screenshots"

[ -n "${CONSOLE_SCREENSHOTS:-}" ] && mkdir -p "$CONSOLE_SCREENSHOTS" && cp "$T_TMP/screens"/*.png "$T_TMP/screens"/*.pdf "$CONSOLE_SCREENSHOTS/" 2>/dev/null

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
