# hardening_numbers.sh - a value is stored with every digit the province
# sent, or refused with 422 (a DHIS2 conflict: 409) and a reason saying how
# to send it. One table of
# awkward numbers runs through every decoder: native JSON (as a number where
# JSON allows one, and as a string), DHIS2 JSON (likewise), native CSV,
# DHIS2 CSV and SDMX-CSV. A stored value is compared with the number sent
# exactly (numeric equality in PostgreSQL, no rounding allowed).
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
url=https://127.0.0.1:$T_PORT
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
ind=tech_contract_turnover

# The table: NUMBER | what it must become (a number, exactly) or "422 REGEX"
# for a refusal whose reason matches REGEX. Each row has its own quarter.
table=(
	'1234567.12345678901234567|1234567.12345678901234567|2016Q1'
	'1e400|422 smaller than 1e15|2016Q2'
	'-0|0|2016Q3'
	'0.1|0.1|2016Q4'
	'1E3|1000|2017Q1'
	'12,4|422 not a number.*decimal point|2017Q2'
	' 12|12|2017Q3'
	'0x10|422 hexadecimal.*decimal digits|2017Q4'
	'99999999999999999999|422 smaller than 1e15|2018Q1'
	'0.1000000000000000055511151231257827|0.1000000000000000055511151231257827|2018Q2'
)

is_json_number() { jq -e 'type == "number"' <<<"$1" >/dev/null 2>&1 && [[ $1 != *' '* ]]; }

push() { # push FORMAT NUMBER PERIOD: body on stdout, then the status
	local f=$1 v=$2 p=$3 sv
	sv=$(jq -Rn --arg v "$v" '$v')
	case $f in
	json-number)
		t_curl "${cert[@]}" -H 'Content-Type: application/json' \
			-d "{\"reporter\":\"110000\",\"period\":\"$p\",\"values\":[{\"indicator\":\"$ind\",\"value\":$v}]}" \
			"$url/api/v1/submissions" ;;
	json-string)
		t_curl "${cert[@]}" -H 'Content-Type: application/json' \
			-d "{\"reporter\":\"110000\",\"period\":\"$p\",\"values\":[{\"indicator\":\"$ind\",\"value\":$sv}]}" \
			"$url/api/v1/submissions" ;;
	dhis2-json-number)
		t_curl "${cert[@]}" -H 'Content-Type: application/json' \
			-d "{\"dataValues\":[{\"dataElement\":\"$ind\",\"period\":\"$p\",\"orgUnit\":\"110000\",\"value\":$v}]}" \
			"$url/api/dataValueSets" ;;
	dhis2-json-string)
		t_curl "${cert[@]}" -H 'Content-Type: application/json' \
			-d "{\"dataValues\":[{\"dataElement\":\"$ind\",\"period\":\"$p\",\"orgUnit\":\"110000\",\"value\":$sv}]}" \
			"$url/api/dataValueSets" ;;
	csv)
		t_curl "${cert[@]}" -H 'Content-Type: text/csv' \
			--data-binary "$(printf 'reporter,indicator,period,value\n110000,%s,%s,"%s"\n' "$ind" "$p" "$v")" \
			"$url/api/v1/submissions" ;;
	dhis2-csv)
		t_curl "${cert[@]}" -H 'Content-Type: application/csv' \
			--data-binary "$(printf 'de,pe,ou,coc,aoc,value\n%s,%s,110000,,,"%s"\n' "$ind" "$p" "$v")" \
			"$url/api/dataValueSets" ;;
	sdmx-csv)
		t_curl "${cert[@]}" -H 'Content-Type: application/vnd.sdmx.data+csv' \
			--data-binary "$(printf 'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nMOST:MSI_DF(1.0),110000,%s,%s,"%s"\n' "$ind" "$p" "$v")" \
			"$url/api/v1/submissions" ;;
	esac
}

for row in "${table[@]}"; do
	IFS='|' read -r v want p <<<"$row"
	for f in json-number json-string dhis2-json-number dhis2-json-string csv dhis2-csv sdmx-csv; do
		if [[ $f == *-number ]] && ! is_json_number "$v"; then
			continue # not a JSON number: only the string form exists
		fi
		before=$(q "select count(*) from mestat.observation where period = '$p'")
		out=$(push "$f" "$v" "$p")
		status=$(tail -n 1 <<<"$out")
		if [[ $want == 422* && $f == dhis2-* ]]; then
			# DHIS2 answers a refused value as a conflict: 409 (WARNING)
			expect_eq "$f '$v': refused as a DHIS2 conflict, 409" 409 "$status"
			expect_match "$f '$v': the reason says how to send it" "${want#422 }" "$(sed '$d' <<<"$out")"
			expect_eq "$f '$v': nothing stored" "$before" \
				"$(q "select count(*) from mestat.observation where period = '$p'")"
		elif [[ $want == 422* ]]; then
			expect_eq "$f '$v': refused with 422" 422 "$status"
			expect_match "$f '$v': the reason says how to send it" "${want#422 }" "$(sed '$d' <<<"$out")"
			expect_eq "$f '$v': nothing stored" "$before" \
				"$(q "select count(*) from mestat.observation where period = '$p'")"
		else
			expect_match "$f '$v': accepted" '^20[01]$' "$status"
			expect_eq "$f '$v': stored exactly as $want" t \
				"$(q "select value = '$want'::numeric from mestat.observation where period = '$p' and reporter = '110000'
				      order by id desc limit 1")"
		fi
	done
done
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
