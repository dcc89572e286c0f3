# sdmx_shapes.sh - SDMX-CSV as publishers export it, read without
# re-exporting (sdmx-twg/sdmx-csv, data-message/docs/sdmx-csv-field-guide.md):
#   - 1.0: first column DATAFLOW; 2.0: STRUCTURE, STRUCTURE_ID, optional
#     ACTION, then dimensions, measure and attributes;
#   - labels=both: "the ID and the localised name ... separated by the term
#     ': '" in the header and in coded cells, e.g. "A: A value name", and
#     "ESTAT:NA_MAIN(1.6.0): National Accounts Main Aggregates" for the
#     structure;
#   - a message for a locale may use ';' as field separator and then ','
#     as decimal separator (the fr-FR example);
#   - key=both adds SERIES_KEY and OBS_KEY columns; attributes the decoder
#     does not know (DECIMALS, CONF_STATUS...) are ignored;
#   - a UTF-8 byte order mark, as spreadsheet programs save it.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
token=$(q "select mestat.create_token('110000')")
push() { t_curl -H "Authorization: Bearer $token" -H 'Content-Type: application/vnd.sdmx.data+csv' \
	--data-binary "$1" "https://127.0.0.1:$T_PORT/api/v1/submissions"; }
cur() { q "select coalesce(string_agg(indicator || '=' || value::text || '/' || status, ' ' order by indicator), '-') from mestat.current_value where reporter = '110000' and period = '$1'"; }

# SDMX-CSV 1.0, as .Stat and Eurostat export it.
out=$(push $'DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS,DECIMALS\nMOST:MSI(1.0),110000,incubators,2018-Q1,120,A,0\nMOST:MSI(1.0),110000,makerspaces,2018-Q1,40,P,0\n')
expect_eq "SDMX-CSV 1.0 with an unknown attribute column (DECIMALS): 201" 201 "$(status "$out")"
expect_eq "... both stored with their status" "incubators=120/A makerspaces=40/P" "$(cur 2018Q1)"

# SDMX-CSV 2.0, labels=both, key=both, with a byte order mark.
lb=$'\xEF\xBB\xBFSTRUCTURE,STRUCTURE_ID,ACTION,SERIES_KEY,OBS_KEY,REF_AREA: Reference area,INDICATOR: Indicator,TIME_PERIOD: Time period,OBS_VALUE: Observation value,OBS_STATUS: Observation status,UNIT_MULT: Unit multiplier,CONF_STATUS: Confidentiality\n'
lb+=$'dataflow,MOST:MSI(2.0.0): Modern service industry indicators,I: Information,110000.incubators,110000.incubators.2018-Q2,110000: Beijing,incubators: Technology business incubators,2018-Q2,125,E: Estimated value,0: Units,F: Free\n'
lb+=$'dataflow,MOST:MSI(2.0.0): Modern service industry indicators,I: Information,110000.tech_contract_turnover,110000.tech_contract_turnover.2018-Q2,110000: Beijing,tech_contract_turnover: Technology contract turnover,2018-Q2,1234500,A: Normal value,4: Tens of thousands,F: Free\n'
out=$(push "$lb")
expect_eq "SDMX-CSV 2.0 labels=both, key=both, BOM: 201" 201 "$(status "$out")"
expect_eq "... codes read from 'ID: name' cells, unit multiplier applied (10^4 of CNY to CNY 100 million)" \
	"incubators=125/E tech_contract_turnover=123.45/A" "$(cur 2018Q2)"

# A deletion in labels=both: ACTION "D: Delete".
del=$'STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA: Reference area,INDICATOR: Indicator,TIME_PERIOD: Time period,OBS_VALUE: Observation value\n'
del+=$'dataflow,MOST:MSI(2.0.0): Modern service industry indicators,D: Delete,110000: Beijing,incubators: Technology business incubators,2018-Q2,\n'
out=$(push "$del")
expect_eq "ACTION 'D: Delete' deletes: 201, counted as deleted" "201 1" "$(status "$out") $(body "$out" | jq -r .counts.deleted)"
expect_eq "... the cell is empty" "tech_contract_turnover=123.45/A" "$(cur 2018Q2)"

# A French-locale export: semicolons, decimal comma, quoted labels.
fr=$'STRUCTURE;STRUCTURE_ID;REF_AREA: Zone de r\xc3\xa9f\xc3\xa9rence;INDICATOR: Indicateur;TIME_PERIOD: P\xc3\xa9riode;OBS_VALUE: Valeur\n'
fr+=$'dataflow;MOST:MSI(2.0.0): Indicateurs;110000: P\xc3\xa9kin;"tech_contract_turnover: Chiffre; contrats";2018-Q3;455,25\n'
fr+=$'dataflow;MOST:MSI(2.0.0): Indicateurs;"110000: P\xc3\xa9kin";incubators;2018-Q3;130\n'
out=$(push "$fr")
expect_eq "semicolon-separated, decimal comma, a quoted label: 201" 201 "$(status "$out")"
expect_eq "... 455,25 read as 455.25" "incubators=130/A tech_contract_turnover=455.25/A" "$(cur 2018Q3)"

# A thousands separator is not guessed: refused with the value named.
out=$(push $'DATAFLOW;REF_AREA;INDICATOR;TIME_PERIOD;OBS_VALUE\nMOST:MSI(1.0);110000;tech_contract_turnover;2018-Q4;1.234,5\n')
expect_eq "a value with a thousands separator: 422" 422 "$(status "$out")"
expect_match "... naming the value" '1.234,5' "$(body "$out" | jq -r '.errors[0].reason')"
