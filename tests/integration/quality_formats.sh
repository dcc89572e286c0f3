#!/bin/bash
# quality_formats.sh: observation status, unit multipliers and warnings
# through mestatd, in every format that carries them.
#   SDMX cross-domain code list CL_OBS_STATUS 2.2: A normal, B time series
#   break, E estimated, F forecast, P provisional..., and the missing-value
#   codes H, L, M, O, Q. SDMX-CSV writes a missing OBS_VALUE as ":" or empty.
#   UNIT_MULT (SDMX cross-domain concept): "exponent in base 10 specified so
#   that multiplying the observation numeric values by 10^UNIT_MULT gives a
#   value expressed in the unit of measure"; our catalog unit CNY 100 million
#   is UNIT_MULT 8 of CNY.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
base=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
tok() { q "select mestat.create_token('$1')"; }
push() { # REPORTER CONTENT-TYPE BODY [PATH]
	t_curl -H "Authorization: Bearer ${toks[$1]}" -H "Content-Type: $2" --data-binary "$3" "$base${4:-/api/v1/submissions}"
}
declare -A toks
for r in 110000 120000 130000 140000 150000 330000; do toks[$r]=$(tok $r); done
codes=(A B D E F G I J K N P S U V H L M O Q)
missing=" H L M O Q "
# One period per status code, from 2016Q1 on.
period_of() { local i=$1; echo "$((2016 + i / 4))Q$((i % 4 + 1))"; }

# ---- every status code through native JSON, native CSV and SDMX-CSV

json='{"reporter":"110000","values":['
csv=$'reporter,indicator,period,value,status\n'
sdmx=$'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n'
for i in "${!codes[@]}"; do
	c=${codes[$i]}
	p=$(period_of "$i")
	if [[ $missing == *" $c "* ]]; then
		json+="{\"indicator\":\"incubators\",\"period\":\"$p\",\"value\":null,\"status\":\"$c\"},"
		csv+="120000,incubators,$p,,$c"$'\n'
		if [ $((i % 2)) = 0 ]; then v=":"; else v=""; fi
		sdmx+="MOST:MSI(1.0),130000,incubators,${p/Q/-Q},$v,$c"$'\n'
	else
		json+="{\"indicator\":\"incubators\",\"period\":\"$p\",\"value\":50,\"status\":\"$c\"},"
		csv+="120000,incubators,$p,50,$c"$'\n'
		sdmx+="MOST:MSI(1.0),130000,incubators,${p/Q/-Q},50,$c"$'\n'
	fi
done
json="${json%,}]}"
want=$(for i in "${!codes[@]}"; do
	c=${codes[$i]}
	if [[ $missing == *" $c "* ]]; then v=""; else v=50; fi
	echo "$(period_of "$i")|$v|$c"
done | sort)
out=$(push 110000 application/json "$json")
expect_eq "native JSON: every status code is accepted (missing ones without a value)" 201 "$(status "$out")"
expect_eq "native JSON: each value is stored with its status; missing codes without a value" "$want" \
	"$(q "select period, value, status from mestat.observation where reporter = '110000' order by period")"
out=$(push 120000 text/csv "$csv")
expect_eq "native CSV with a status column: every status code is accepted" 201 "$(status "$out")"
expect_eq "native CSV: each value is stored with its status" "$want" \
	"$(q "select period, value, status from mestat.observation where reporter = '120000' order by period")"
out=$(push 130000 application/vnd.sdmx.data+csv "$sdmx")
expect_eq "SDMX-CSV with OBS_STATUS, ':' and empty OBS_VALUE for missing codes: accepted" 201 "$(status "$out")"
expect_eq "SDMX-CSV: each value is stored with its status" "$want" \
	"$(q "select period, value, status from mestat.observation where reporter = '130000' order by period")"
expect_eq "report.latest_values shows the status beside the value, missing ones left out" "2016Q2|50|B|Time series break" \
	"$(q "select period, value, status, status_en from report.latest_values where reporter = '130000' and period = '2016Q2'")"
expect_eq "... 14 values with a status, the 5 missing ones are not values" "14" \
	"$(q "select count(*) from report.latest_values where reporter = '130000'")"

out=$(push 140000 application/vnd.sdmx.data+csv $'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nMOST:MSI(1.0),140000,incubators,2018-Q3,:\n')
expect_eq "SDMX-CSV ':' without OBS_STATUS is still a missing value: 422" 422 "$(status "$out")"
expect_match "... named as such" 'value is missing' "$(body "$out")"
out=$(push 140000 application/json '{"reporter":"140000","period":"2018Q3","values":[{"indicator":"incubators","value":3,"status":"Z"}]}')
expect_eq "an unknown status: 422" 422 "$(status "$out")"
expect_match "... naming the status and the codes" 'status \\"Z\\" is not an SDMX observation status' "$(body "$out")"
out=$(push 140000 application/json '{"reporter":"140000","period":"2018Q3","values":[{"indicator":"incubators","value":3,"status":"M"}]}')
expect_eq "a missing-value status with a value: 422" 422 "$(status "$out")"
out=$(push 140000 application/json '{"reporter":"140000","period":"2018Q3","values":[{"indicator":"incubators","value":null}]}')
expect_eq "a null value without a status is still malformed: 400" 400 "$(status "$out")"

# ---- unit multipliers, exact or refused

out=$(push 150000 application/vnd.sdmx.data+csv $'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT\nMOST:MSI(1.0),150000,tech_contract_turnover,2018-Q3,12345.67,4\nMOST:MSI(1.0),150000,venture_capital_invested,2018-Q3,3.5,8\nMOST:MSI(1.0),150000,incubators,2018-Q3,7,1\n')
expect_eq "SDMX-CSV with UNIT_MULT: accepted" 201 "$(status "$out")"
expect_eq "... 12345.67 × 10^4 CNY is 1.234567 CNY 100 million, exactly; 10^8 is the catalog unit; 7 × 10 = 70" \
	"incubators|70
tech_contract_turnover|1.234567
venture_capital_invested|3.5" \
	"$(q "select indicator, value from mestat.observation where reporter = '150000' order by indicator")"
out=$(push 150000 application/json '{"reporter":"150000","period":"2018Q4","values":[{"indicator":"tech_contract_turnover","value":1.5,"unit_mult":12}]}')
expect_eq "native JSON unit_mult 12 (CNY 10^12): accepted" 201 "$(status "$out")"
expect_eq "... 1.5 × 10^12 CNY is 15000 CNY 100 million" "15000" \
	"$(q "select value from mestat.observation where reporter = '150000' and period = '2018Q4'")"
out=$(push 150000 text/csv $'reporter,indicator,period,value,unit_mult\n150000,incubators,2019Q1,75,-1\n')
expect_eq "native CSV unit_mult -1 on a count: 7.5 is not whole: 422" 422 "$(status "$out")"
expect_match "... saying why" 'value 75 in units of 10\^-1 is 7.5 count, not a whole number' "$(body "$out")"
out=$(push 150000 text/csv $'reporter,indicator,period,value,unit_mult\n150000,online_retail_share,2019Q1,0.25,2\n')
expect_eq "a unit multiplier on a percentage: 422" 422 "$(status "$out")"
expect_match "... saying why" 'is a percentage; a unit multiplier' "$(body "$out")"
out=$(push 150000 application/vnd.sdmx.data+csv $'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MULT\nMOST:MSI(1.0),150000,incubators,2019-Q1,7,THOUSANDS\n')
expect_eq "an unknown UNIT_MULT: 422" 422 "$(status "$out")"
expect_match "... saying what is understood" 'unit multiplier \\"THOUSANDS\\" is not understood' "$(body "$out")"
out=$(push 150000 text/csv $'reporter,indicator,period,value,multiplier\n150000,incubators,2019Q1,7,3\n')
expect_eq "an unknown column: 400" 400 "$(status "$out")"

# ---- warnings inside the signed receipt

hist='{"reporter":"110000","values":[{"indicator":"makerspaces","period":"2018Q1","value":130},{"indicator":"makerspaces","period":"2018Q2","value":134}]}'
push 110000 application/json "$hist" >/dev/null
out=$(push 110000 application/json '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"makerspaces","value":13200}]}')
expect_eq "a typo is accepted: 201" 201 "$(status "$out")"
receipt=$(body "$out")
expect_eq "the receipt warns in words the clerk can act on, in Chinese and in English" \
	"13,200 是你方 2018Q2 数值 134 的 98 倍；如数值无误，无需处理；如有误，请报送更正值（历史数据太少，无法评分，按十倍变化提示） / 13,200 is 98× your 2018Q2 value of 134; if it is right, no action is needed; if not, send the corrected value (too little history to score; a tenfold change is shown)" \
	"$(jq -r '.warnings[0].message' <<<"$receipt")"
t_curl "$base/api/v1/receipt-key" | sed '$d' >"$T_TMP/receipt-key.pem"
jq -cjS 'del(.signature)' <<<"$receipt" >"$T_TMP/signed.txt"
jq -r .signature <<<"$receipt" | base64 -d >"$T_TMP/signature.bin"
if openssl pkeyutl -verify -pubin -inkey "$T_TMP/receipt-key.pem" -rawin -in "$T_TMP/signed.txt" \
	-sigfile "$T_TMP/signature.bin" >/dev/null 2>&1; then ok "the warnings are inside the signed receipt"; else
	not_ok "the warnings are inside the signed receipt" "$(cat "$T_TMP/signed.txt")"
fi
jq -cjS 'del(.signature) | .warnings = []' <<<"$receipt" >"$T_TMP/forged.txt"
if openssl pkeyutl -verify -pubin -inkey "$T_TMP/receipt-key.pem" -rawin -in "$T_TMP/forged.txt" \
	-sigfile "$T_TMP/signature.bin" >/dev/null 2>&1; then not_ok "a receipt stripped of its warnings fails verification" "it verified"; else
	ok "a receipt stripped of its warnings fails verification"
fi
expect_eq "a clean submission's receipt has an empty warnings array" "[]" \
	"$(push 110000 application/json "$hist" | sed '$d' | jq -c .warnings)"

# ---- DHIS2: the import summary and the followup flag

dv='{"dataValues":[{"dataElement":"makerspaces","period":"2018Q3","orgUnit":"330000","value":"40"},
 {"dataElement":"incubators","period":"2018Q3","orgUnit":"330000","value":"12","followup":true}]}'
push 330000 application/json '{"reporter":"330000","period":"2018Q2","values":[{"indicator":"makerspaces","value":4}]}' >/dev/null
out=$(push 330000 application/json "$dv" /api/dataValueSets)
expect_eq "DHIS2 JSON with a tenfold change: accepted (DHIS2 answers 200)" 200 "$(status "$out")"
# DHIS2's WARNING means values were ignored; none is: SUCCESS, with warnings.
expect_eq "... import summary status SUCCESS, the values imported" "SUCCESS|2" \
	"$(body "$out" | jq -r '[.response.status, .response.importCount.imported] | join("|")')"
expect_match "... with the warning in the summary" '40 is 10× your 2018Q2 value of 4' \
	"$(body "$out" | jq -r '.response.warnings[0].message')"
csv=$'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\nincubators,2018Q4,330000,,,13,clerk,2018-12-31,,true,false\n'
out=$(push 330000 application/csv "$csv" /api/dataValueSets)
expect_eq "DHIS2 CSV with followup true (column 10): accepted (DHIS2 answers 200)" 200 "$(status "$out")"
expect_eq "both followup marks land in the follow-up list" "2018Q3|12|reporter
2018Q4|13|reporter" \
	"$(q "select period, value, kind from report.follow_up where reporter = '330000' and kind = 'reporter' order by period")"
out=$(push 330000 application/csv "${csv/true,false/maybe,false}" /api/dataValueSets)
expect_eq "a followup that is neither true nor false: a 409 conflict, as DHIS2 answers a value it cannot import" 409 "$(status "$out")"
