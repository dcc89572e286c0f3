# push_dhis2.sh - a province's DHIS2 pushes dataValueSets (JSON header and
# bulk mode, CSV) to mestatd as to another DHIS2: codes mapped per reporter,
# deletions as new versions, dryRun, and DHIS2's own answer: a WebMessage
# with an ImportSummary, HTTP 200 on success and 409 on conflicts
# (dhis2-core 2.38 WebMessageUtils.importSummary). The conflicts themselves,
# atomicMode and importStrategy are checked payload by payload in
# dhis2_import.sh.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
url=https://127.0.0.1:$T_PORT/api/dataValueSets
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }

token=$(q "select mestat.create_token('330000')")
auth=(-H "Authorization: ApiToken $token")
# Zhejiang's DHIS2 uses its own UIDs for the org unit and two data elements.
q "select mestat.add_code_mapping('330000', 'dhis2_ou', 'ZjPrvUid001', '330000');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'deIncub0001', 'incubators');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'deTcTurn001', 'tech_contract_turnover')" >/dev/null

header='{"dataSet":"mestatQ","completeDate":"2018-10-20","period":"2018Q3","orgUnit":"ZjPrvUid001",
 "dataValues":[{"dataElement":"deIncub0001","categoryOptionCombo":"HllvX50cXC0","value":"132"},
               {"dataElement":"deTcTurn001","value":"455.25","comment":"from DHIS2"}]}'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/json' -d "$header" "$url")
expect_eq "header-mode dataValueSets with mapped UIDs: 200 (DHIS2 answers 200, not 201)" 200 "$(status "$out")"
expect_eq "... import summary status SUCCESS" SUCCESS "$(body "$out" | jq -r .response.status)"
expect_eq "... importCount.imported 2" 2 "$(body "$out" | jq -r .response.importCount.imported)"
expect_eq "the mapped values are stored under our codes" "132|455.25" \
	"$(q "select string_agg(value::text, '|' order by indicator) from mestat.current_value where reporter='330000' and period='2018Q3'")"

bulk='{"dataValues":[
 {"dataElement":"incubators","period":"2018Q4","orgUnit":"330000","value":"135"},
 {"dataElement":"deTcTurn001","period":"2018Q4","orgUnit":"ZjPrvUid001","value":"470"},
 {"dataElement":"deIncub0001","period":"2018Q3","orgUnit":"ZjPrvUid001","value":"133"}]}'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/json' -d "$bulk" "$url")
expect_eq "bulk-mode dataValueSets: 200" 200 "$(status "$out")"
expect_eq "... imported 2 new" 2 "$(body "$out" | jq -r .response.importCount.imported)"
expect_eq "... updated 1 revised" 1 "$(body "$out" | jq -r .response.importCount.updated)"

csv=$'dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,lastupdated,comment,followup,deleted\nmakerspaces,2018Q4,330000,,,41,clerk,2018-12-31,,false,false\ndeIncub0001,2018Q4,ZjPrvUid001,,,135,clerk,2018-12-31,,false,false\n'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/csv' --data-binary "$csv" "$url")
expect_eq "DHIS2 CSV: 200" 200 "$(status "$out")"
expect_eq "... 1 imported, 1 ignored (unchanged)" "1 1" "$(body "$out" | jq -r '"\(.response.importCount.imported) \(.response.importCount.ignored)"')"

del='{"dataValues":[{"dataElement":"makerspaces","period":"2018Q4","orgUnit":"330000","value":"41","deleted":true}]}'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/json' -d "$del" "$url")
expect_eq "a deleted value: 200" 200 "$(status "$out")"
expect_eq "... counted as deleted" 1 "$(body "$out" | jq -r .response.importCount.deleted)"
expect_eq "... gone from the current values" 0 "$(q "select count(*) from mestat.current_value where reporter='330000' and indicator='makerspaces'")"
expect_eq "... kept in history as a new version" 2 "$(q "select count(*) from mestat.observation where reporter='330000' and indicator='makerspaces'")"

dry='{"dataValues":[{"dataElement":"incubators","period":"2019Q1","orgUnit":"330000","value":"140"}]}'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/json' -d "$dry" "$url?dryRun=true")
expect_eq "dryRun=true: 200" 200 "$(status "$out")"
expect_eq "... would import 1" 1 "$(body "$out" | jq -r .response.importCount.imported)"
expect_eq "... and stores nothing, not even an audit record" "0 0" \
	"$(q "select (select count(*) from mestat.observation where period='2019Q1') || ' ' || (select count(*) from mestat.submission where outcome='dry_run')")"

bad='{"dataValues":[{"dataElement":"deUnknown01","period":"2018Q4","orgUnit":"ZjPrvUid001","value":"1"},
 {"dataElement":"incubators","period":"2018Q4","orgUnit":"ZjPrvUid001","value":"many"}]}'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/json' -d "$bad" "$url")
expect_eq "invalid values: 409, never 422 (DHIS2's clients read the body of 2xx and 409 only)" 409 "$(status "$out")"
expect_eq "... status WARNING: atomicMode NONE, nothing valid was left to store" WARNING "$(body "$out" | jq -r .response.status)"
expect_eq "... every value counted as ignored" 2 "$(body "$out" | jq -r .response.importCount.ignored)"
expect_eq "... one conflict per refused value" 2 "$(body "$out" | jq '.response.conflicts | length')"
expect_match "... each conflict says why" 'deUnknown01' "$(body "$out" | jq -r '.response.conflicts[].value')"

foreign='{"dataValues":[{"dataElement":"incubators","period":"2018Q4","orgUnit":"110000","value":"1"}]}'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/json' -d "$foreign" "$url")
expect_eq "a value for another org unit: 409, not 403" 409 "$(status "$out")"
expect_eq "... a conflict on the org unit: E7617 (not in the hierarchy of the current user)" "E7617 orgUnit 110000" \
	"$(body "$out" | jq -r '.response.conflicts[0] | "\(.errorCode) \(.property) \(.object)"')"
out=$(t_curl "${auth[@]}" -H 'Content-Type: text/xml' -d '<dataValueSet/>' "$url")
expect_eq "ADX/XML is not accepted: 415" 415 "$(status "$out")"
