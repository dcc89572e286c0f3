# dhis2_import.sh - a payload library taken from DHIS2's own documentation
# (dhis2-docs src/developer/web-api/data.md, "Sending data values": the
# data value set of data set pBOMPrpg1QX for org unit DiszpKrYNg8 with data
# elements f7n9E0hX8qk, Ix2HsbDMLea, eY5ehpbEsB7, its bulk and CSV forms),
# sent to mestatd as a province's DHIS2 sends it, and each answer checked
# against what DHIS2 2.38 answers (dhis2-core, branch 2.38):
#   - WebMessageUtils.importSummary: SUCCESS -> HTTP 200 "Import was
#     successful."; WARNING -> HTTP 409 status WARNING "One more conflicts
#     encountered, please check import summary."; ERROR -> HTTP 409 status
#     ERROR "An error occurred, please check import summary.";
#   - DefaultDataValueSetService.importDataValueSet: a value with a conflict
#     is skipped and counted as ignored, the others imported; status
#     WARNING when there are conflicts; an existing value sent again
#     unchanged is ignored; CREATE ignores existing values, UPDATE missing
#     ones; DELETE counts deleted;
#   - DataValueImportConflict / ErrorCode: E7610 data element, E7611
#     period, E7612 org unit, E7613 category option combo, E7615 attribute
#     option combo, E7617 org unit outside the user's hierarchy, E7618 value
#     missing, E7619 value not of the data element's type; each conflict
#     carries the object as sent, its property and the indexes of the data
#     values (ImportSummary.addConflict merges conflicts of one code and object).
# Data problems never get 422 or 403: DHIS2's data exchange client reads the
# body of 2xx and 409 answers only.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
url=https://127.0.0.1:$T_PORT/api/dataValueSets
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
# counts: "imported updated ignored deleted"
counts() { body "$1" | jq -r '.response.importCount | "\(.imported) \(.updated) \(.ignored) \(.deleted)"'; }
# conflict N: "errorCode property object indexes"
conflict() { body "$1" | jq -r ".response.conflicts[$2] | \"\(.errorCode) \(.property) \(.object) \(.indexes | map(tostring) | join(\",\"))\""; }
cur() { q "select coalesce(string_agg(indicator || '=' || value::text, ' ' order by indicator), '-') from mestat.current_value where reporter = '330000' and period = '$1'"; }

token=$(q "select mestat.create_token('330000')")
auth=(-H "Authorization: ApiToken $token")
json=(-H 'Content-Type: application/json')
# The documentation's UIDs, as a province's DHIS2 would have them: its org
# unit is Zhejiang; FNnj3jKGS7i is mapped to Beijing (another province);
# Jkhdsf8sdf4 is not mapped at all.
q "select mestat.add_code_mapping('330000', 'dhis2_ou', 'DiszpKrYNg8', '330000');
   select mestat.add_code_mapping('330000', 'dhis2_ou', 'FNnj3jKGS7i', '110000');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'f7n9E0hX8qk', 'incubators');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'Ix2HsbDMLea', 'makerspaces');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'eY5ehpbEsB7', 'incubated_enterprises')" >/dev/null

# 1. The header-mode example as documented: period 201401 is a month, which
# mestat does not collect: each value is a conflict naming the period
# (E7611), merged into one conflict with the three indexes.
doc_header='{"dataSet":"pBOMPrpg1QX","completeDate":"2014-02-03","period":"201401","orgUnit":"DiszpKrYNg8",
 "dataValues":[{"dataElement":"f7n9E0hX8qk","value":"1"},{"dataElement":"Ix2HsbDMLea","value":"2"},
               {"dataElement":"eY5ehpbEsB7","value":"3"}]}'
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$doc_header" "$url")
expect_eq "documented header example, monthly period: HTTP 409" 409 "$(status "$out")"
expect_eq "... WebMessage: httpStatus Conflict, status WARNING, DHIS2's message" \
	"Conflict|409|WARNING|One more conflicts encountered, please check import summary." \
	"$(body "$out" | jq -r '"\(.httpStatus)|\(.httpStatusCode)|\(.status)|\(.message)"')"
expect_eq "... response is an ImportSummary with status WARNING" "ImportSummary WARNING" \
	"$(body "$out" | jq -r '"\(.response.responseType) \(.response.status)"')"
expect_eq "... nothing imported, 3 ignored" "0 0 3 0" "$(counts "$out")"
expect_eq "... one conflict: E7611 on the period 201401 for indexes 0,1,2" "E7611 period 201401 0,1,2" \
	"$(conflict "$out" 0)"
expect_eq "... and only one" 1 "$(body "$out" | jq '.response.conflicts | length')"
expect_match "... its value says why" 'unknown period "201401"' "$(body "$out" | jq -r '.response.conflicts[0].value')"
expect_eq "... nothing stored" 0 "$(q "select count(*) from mestat.observation")"

# 2. The same set for a quarter DHIS2 writes as 2018Q3: imported.
out=$(t_curl "${auth[@]}" "${json[@]}" -d "${doc_header//201401/2018Q3}" "$url")
expect_eq "documented header example, quarter 2018Q3: HTTP 200" 200 "$(status "$out")"
expect_eq "... WebMessage OK / SUCCESS, Import was successful." "OK|200|OK|Import was successful.|SUCCESS" \
	"$(body "$out" | jq -r '"\(.httpStatus)|\(.httpStatusCode)|\(.status)|\(.message)|\(.response.status)"')"
expect_eq "... 3 imported" "3 0 0 0" "$(counts "$out")"
expect_eq "... no conflicts" 0 "$(body "$out" | jq '.response.conflicts | length')"
expect_eq "... stored under mestat's codes" "incubated_enterprises=3 incubators=1 makerspaces=2" "$(cur 2018Q3)"

# 3. The same again: DHIS2 counts unchanged values as ignored.
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(sed 's/"value":"3"/"value":"3.0"/' <<<"${doc_header//201401/2018Q3}")" "$url")
expect_eq "the same values again: 200 SUCCESS, 3 ignored" "200 0 0 3 0" "$(status "$out") $(counts "$out")"

# 4. The bulk example: four values, one per org unit and period; the
# documentation's own answer is imported 2, updated 1, ignored 1 ("caused by
# the last data value having an invalid reference to org unit"). Here one
# value is new, one updates 2018Q3, FNnj3jKGS7i is another province (E7617)
# and Jkhdsf8sdf4 is unknown (E7612).
bulk='{"dataValues":[
 {"dataElement":"f7n9E0hX8qk","period":"2018Q4","orgUnit":"DiszpKrYNg8","value":"12"},
 {"dataElement":"f7n9E0hX8qk","period":"2018Q4","orgUnit":"FNnj3jKGS7i","value":"14"},
 {"dataElement":"f7n9E0hX8qk","period":"2018Q3","orgUnit":"DiszpKrYNg8","value":"16"},
 {"dataElement":"f7n9E0hX8qk","period":"2018Q4","orgUnit":"Jkhdsf8sdf4","value":"18"}]}'
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$bulk" "$url")
expect_eq "documented bulk example with two bad org units: HTTP 409 WARNING" "409 WARNING" \
	"$(status "$out") $(body "$out" | jq -r .response.status)"
expect_eq "... 1 imported, 1 updated, 2 ignored (atomicMode NONE: the valid values are stored)" "1 1 2 0" "$(counts "$out")"
expect_eq "... conflict 1: E7617 on orgUnit FNnj3jKGS7i (another province), index 1" "E7617 orgUnit FNnj3jKGS7i 1" \
	"$(conflict "$out" 0)"
expect_eq "... conflict 2: E7612 on orgUnit Jkhdsf8sdf4 (unknown), index 3" "E7612 orgUnit Jkhdsf8sdf4 3" \
	"$(conflict "$out" 1)"
expect_eq "... the valid values are stored" "incubators=12|16" "$(cur 2018Q4)|$(q "select value from mestat.current_value where reporter='330000' and period='2018Q3' and indicator='incubators'")"
sub=$(body "$out" | jq -r .response.reference)
expect_eq "... the signed receipt covers the 2 stored rows and names the 2 refused" "1 1 2" \
	"$(body "$out" | jq -r '.response.receipt | "\(.counts.new) \(.counts.revised) \(.refused | length)"')"
expect_eq "... the audit record keeps the refused rows" "accepted 2" \
	"$(q "select outcome || ' ' || jsonb_array_length(error_detail->'refused') from mestat.submission where id = $sub")"

# 5. atomicMode=ALL: the same kind of set stores nothing.
bulk2=${bulk//2018Q4/2019Q1}
bulk2=${bulk2//2018Q3/2019Q2}
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$bulk2" "$url?atomicMode=ALL")
expect_eq "atomicMode=ALL with conflicts: HTTP 409 status ERROR" \
	"409 ERROR ERROR An error occurred, please check import summary." \
	"$(status "$out") $(body "$out" | jq -r '"\(.status) \(.response.status) \(.message)"')"
expect_eq "... nothing imported, all 4 ignored, both conflicts reported" "0 0 4 0 2" \
	"$(counts "$out") $(body "$out" | jq '.response.conflicts | length')"
expect_eq "... nothing stored" - "$(cur 2019Q1)"

# 6. Values DHIS2 itself would refuse: no value (E7618), not a number
# (E7619), unknown data element (E7610); the object is the data element as
# sent.
bad='{"period":"2019Q1","orgUnit":"DiszpKrYNg8","dataValues":[
 {"dataElement":"f7n9E0hX8qk"},{"dataElement":"Ix2HsbDMLea","value":"many"},
 {"dataElement":"deNotThere1","value":"5"},{"dataElement":"eY5ehpbEsB7","value":"7"}]}'
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$bad" "$url")
expect_eq "values DHIS2 refuses: 409 WARNING, 1 imported, 3 ignored" "409 WARNING 1 0 3 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
expect_eq "... E7618 value for f7n9E0hX8qk at 0" "E7618 value f7n9E0hX8qk 0" "$(conflict "$out" 0)"
expect_eq "... E7619 value for Ix2HsbDMLea at 1" "E7619 value Ix2HsbDMLea 1" "$(conflict "$out" 1)"
expect_eq "... E7610 dataElement deNotThere1 at 2" "E7610 dataElement deNotThere1 2" "$(conflict "$out" 2)"
expect_eq "... objects name the kind of object" "dataElement" "$(body "$out" | jq -r '.response.conflicts[2].objects | keys[0]')"

# 7. The CSV example: quoted header, six columns, the documentation's
# combo bRowv6yZOF2 for both category and attribute option combo. Unknown
# to mestat, it is a conflict (E7613 / E7615) on every value...
csv=$'"dataelement","period","orgunit","categoryoptioncombo","attributeoptioncombo","value"\n"f7n9E0hX8qk","2019Q2","DiszpKrYNg8","bRowv6yZOF2","bRowv6yZOF2","1"\n"Ix2HsbDMLea","2019Q2","DiszpKrYNg8","bRowv6yZOF2","bRowv6yZOF2","2"\n"eY5ehpbEsB7","2019Q2","DiszpKrYNg8","bRowv6yZOF2","bRowv6yZOF2","3"\n'
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/csv' --data-binary "$csv" "$url")
expect_eq "documented CSV example, combo not known: 409 WARNING, 3 ignored" "409 WARNING 0 0 3 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
expect_eq "... E7613 on categoryOptionCombo bRowv6yZOF2 for indexes 0,1,2 (an unmapped combo is never merged silently)" \
	"E7613 categoryOptionCombo bRowv6yZOF2 0,1,2" "$(body "$out" | jq -r '.response.conflicts[] | select(.errorCode == "E7613") | "\(.errorCode) \(.property) \(.object) \(.indexes | map(tostring) | join(","))"')"
expect_eq "... E7615 on attributeOptionCombo bRowv6yZOF2" "E7615 attributeOptionCombo" \
	"$(body "$out" | jq -r '.response.conflicts[] | select(.errorCode == "E7615") | "\(.errorCode) \(.property)"')"
# ... until the plan office records it as that DHIS2's default combo.
q "select mestat.add_code_mapping('330000', 'dhis2_coc', 'bRowv6yZOF2', 'default')" >/dev/null
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/csv' --data-binary "$csv" "$url")
expect_eq "... declared as this DHIS2's default combo: 200 SUCCESS, 3 imported" "200 SUCCESS 3 0 0 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"

# 8. Disaggregation: one data element, one value per category option combo
# (operand DE.COC), each mapped to an indicator.
q "select mestat.add_code_mapping('330000', 'dhis2_de', 'deRetail001', 'retail_sales_total');
   select mestat.add_code_mapping('330000', 'dhis2_coc', 'deRetail001.cocOnline01', 'online_retail_sales');
   select mestat.add_code_mapping('330000', 'dhis2_coc', 'deRetail001.cocTotal001', 'retail_sales_total')" >/dev/null
dis='{"period":"2019Q2","orgUnit":"DiszpKrYNg8","dataValues":[
 {"dataElement":"deRetail001","categoryOptionCombo":"cocOnline01","value":"812.5"},
 {"dataElement":"deRetail001","categoryOptionCombo":"cocTotal001","value":"9120"},
 {"dataElement":"deRetail001","categoryOptionCombo":"cocRural001","value":"1000"}]}'
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$dis" "$url")
expect_eq "disaggregated values: mapped combos stored, the unmapped one a conflict" "409 2 0 1 0" \
	"$(status "$out") $(counts "$out")"
expect_eq "... E7613 on categoryOptionCombo cocRural001 at 2" "E7613 categoryOptionCombo cocRural001 2" "$(conflict "$out" 0)"
expect_eq "... each combo in its own indicator" "online_retail_sales=812.5 retail_sales_total=9120" \
	"$(q "select string_agg(indicator || '=' || value::text, ' ' order by indicator) from mestat.current_value where reporter='330000' and period='2019Q2' and indicator like '%retail%'")"

# 9. importStrategy.
one() { printf '{"dataValues":[{"dataElement":"f7n9E0hX8qk","period":"%s","orgUnit":"DiszpKrYNg8","value":"%s"}]}' "$1" "$2"; }
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2018Q3 99)" "$url?importStrategy=CREATE")
expect_eq "importStrategy=CREATE on an existing value: 200, ignored, value kept" "200 0 0 1 0 incubators=16" \
	"$(status "$out") $(counts "$out") $(q "select 'incubators=' || value from mestat.current_value where reporter='330000' and period='2018Q3' and indicator='incubators'")"
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2019Q3 5)" "$url?importStrategy=UPDATE")
expect_eq "importStrategy=UPDATE on a missing value: 200, ignored, nothing stored" "200 0 0 1 0 -" \
	"$(status "$out") $(counts "$out") $(cur 2019Q3)"
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2018Q3 17)" "$url?importStrategy=UPDATE")
expect_eq "importStrategy=UPDATE on an existing value: updated" "200 0 1 0 0" "$(status "$out") $(counts "$out")"
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2018Q4 12)" "$url?importStrategy=DELETE")
expect_eq "importStrategy=DELETE: deleted 1, the cell is empty" "200 0 0 0 1 -" \
	"$(status "$out") $(counts "$out") $(cur 2018Q4)"

# A comment without a value: DHIS2 stores it (its DataValue.isNullValue()
# is false when a comment is there) and counts it imported; the cell's
# value stays as it was.
out=$(t_curl "${auth[@]}" "${json[@]}" -d '{"dataValues":[{"dataElement":"f7n9E0hX8qk","period":"2018Q3","orgUnit":"DiszpKrYNg8","comment":"checked against the registry"}]}' "$url")
expect_eq "a comment without a value: 200 SUCCESS, imported" "200 SUCCESS 1 0 0 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
expect_eq "... kept on its cell, the value unchanged" "incubators|checked against the registry|17" \
	"$(q "select c.indicator || '|' || c.comment || '|' || v.value from mestat.value_comment c join mestat.current_value v using (reporter, indicator, period) where c.reporter = '330000'")"

# firstRowIsHeader=false: the CSV's first line is data.
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/csv' --data-binary $'makerspaces,2019Q4,DiszpKrYNg8,,,41\n' "$url?firstRowIsHeader=false")
expect_eq "CSV without a header, firstRowIsHeader=false: the first line is imported" "200 1 0 0 0" \
	"$(status "$out") $(counts "$out")"
out=$(t_curl "${auth[@]}" -H 'Content-Type: application/csv' --data-binary $'makerspaces,2019Q4,DiszpKrYNg8,,,42\n' "$url")
expect_eq "... without the parameter such a first line is not skipped silently: 409 ERROR" "409 ERROR" \
	"$(status "$out") $(body "$out" | jq -r .response.status)"
expect_match "... saying what to send" 'firstRowIsHeader=false' "$(body "$out" | jq -r .response.description)"

# 10. dryRun with a conflict: the answer of a real import, nothing stored.
before=$(q "select count(*) from mestat.observation")
out=$(t_curl "${auth[@]}" "${json[@]}" -d "${bad//2019Q1/2019Q3}" "$url?dryRun=true")
expect_eq "dryRun=true with conflicts: 409 WARNING 1 imported 3 ignored, nothing stored" "409 WARNING 1 0 3 0 $before" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out") $(q "select count(*) from mestat.observation")"

# 11. Paths and credentials DHIS2 clients use.
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2019Q3 6)" "https://127.0.0.1:$T_PORT/api/40/dataValueSets")
expect_eq "/api/40/dataValueSets (a versioned path): 200 SUCCESS" "200 SUCCESS" "$(status "$out") $(body "$out" | jq -r .response.status)"
out=$(t_curl -u "admin:$token" "${json[@]}" -d "$(one 2019Q3 7)" "https://127.0.0.1:$T_PORT/api/29/dataValueSets.json")
expect_eq "HTTP Basic with the token as password on /api/29/dataValueSets.json: 200, updated" "200 0 1 0 0" \
	"$(status "$out") $(counts "$out")"
out=$(t_curl -u "admin:district" "${json[@]}" -d "$(one 2019Q3 8)" "$url")
expect_eq "HTTP Basic with a password that is no token: 401" 401 "$(status "$out")"

# 12. Requests mestatd cannot honour, answered as an import that failed.
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2019Q3 8)" "$url?idScheme=NAME")
expect_eq "idScheme=NAME: 409 ERROR naming the parameter" "409 ERROR" "$(status "$out") $(body "$out" | jq -r .response.status)"
expect_match "... the description says what to send" 'idScheme "NAME" is not supported' "$(body "$out" | jq -r .response.description)"
out=$(t_curl "${auth[@]}" "${json[@]}" -d "$(one 2019Q3 8)" "$url?importStrategy=MERGE")
expect_eq "importStrategy=MERGE: 409 ERROR" "409 ERROR" "$(status "$out") $(body "$out" | jq -r .status)"
out=$(t_curl "${auth[@]}" "${json[@]}" -d '{"dataValues":[{"dataElement":' "$url")
expect_eq "a body that is not JSON: 409 ERROR, The import process failed" "409 ERROR" \
	"$(status "$out") $(body "$out" | jq -r .response.status)"
expect_match "... with the reason" '^The import process failed: ' "$(body "$out" | jq -r .response.description)"
out=$(t_curl "${auth[@]}" "${json[@]}" -d '{"dataValues":[]}' "$url")
expect_eq "an empty data value set: 200 SUCCESS, nothing counted (as DHIS2)" "200 SUCCESS 0 0 0 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"

# 13. async=true (dhis2-docs data.md, "Async data value import"): a job
# reference at once, then the task notifications and the summary.
out=$(t_curl "${auth[@]}" "${json[@]}" -d "${bad//2019Q1/2017Q1}" "$url?async=true")
expect_eq "async=true: 200, Initiated dataValueImport, a DATAVALUE_IMPORT job" \
	"200 OK Initiated dataValueImport DATAVALUE_IMPORT dataValueImport" \
	"$(status "$out") $(body "$out" | jq -r '"\(.status) \(.message) \(.response.jobType) \(.response.name)"')"
job=$(body "$out" | jq -r .response.id)
expect_match "... an 11-character job id" '^[A-Za-z][A-Za-z0-9]{10}$' "$job"
expect_eq "... relativeNotifierEndpoint names it" "/api/system/tasks/DATAVALUE_IMPORT/$job" \
	"$(body "$out" | jq -r .response.relativeNotifierEndpoint)"
done_=
for _ in $(seq 100); do
	tasks=$(t_curl "${auth[@]}" "https://127.0.0.1:$T_PORT/api/system/tasks/DATAVALUE_IMPORT/$job")
	[ "$(body "$tasks" | jq -r '.[0].completed')" = true ] && { done_=yes; break; }
	sleep 0.1
done
expect_eq "... the task notifications end with completed: true (newest first)" "yes 200 DATAVALUE_IMPORT" \
	"$done_ $(status "$tasks") $(body "$tasks" | jq -r '.[0].category')"
out=$(t_curl "${auth[@]}" "https://127.0.0.1:$T_PORT/api/system/taskSummaries/DATAVALUE_IMPORT/$job")
expect_eq "... the task summary is the ImportSummary: WARNING, 1 imported, 3 ignored, 3 conflicts" \
	"200 ImportSummary WARNING 1 0 3 0 3" \
	"$(status "$out") $(body "$out" | jq -r '"\(.responseType) \(.status)"') $(body "$out" | jq -r '.importCount | "\(.imported) \(.updated) \(.ignored) \(.deleted)"') $(body "$out" | jq '.conflicts | length')"
expect_eq "... and the valid value is stored" "incubated_enterprises=7" "$(cur 2017Q1)"
other=$(q "select mestat.create_token('110000')")
out=$(t_curl -H "Authorization: ApiToken $other" "https://127.0.0.1:$T_PORT/api/system/taskSummaries/DATAVALUE_IMPORT/$job")
expect_eq "... another province cannot read it: 404" 404 "$(status "$out")"

# 14. dhis2_atomic_mode = ALL makes ALL the default; NONE still on request.
t_stop
t_conf "$conf" "$db" "dhis2_atomic_mode = ALL"
t_up "$conf"
url=https://127.0.0.1:$T_PORT/api/dataValueSets
out=$(t_curl "${auth[@]}" "${json[@]}" -d "${bad//2019Q1/2018Q1}" "$url")
expect_eq "dhis2_atomic_mode = ALL: conflicts store nothing (409 ERROR, 4 ignored)" "409 ERROR 0 0 4 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
out=$(t_curl "${auth[@]}" "${json[@]}" -d "${bad//2019Q1/2018Q1}" "$url?atomicMode=NONE")
expect_eq "... atomicMode=NONE on the request still stores the valid value" "409 WARNING 1 0 3 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
native=$(t_curl "${auth[@]}" "${json[@]}" -d '{"reporter":"330000","values":[{"indicator":"incubators","period":"2019Q4","value":1},{"indicator":"incubators","period":"2019Q4","value":2}]}' "https://127.0.0.1:$T_PORT/api/v1/submissions")
expect_eq "the native API stays all-or-nothing: 422" 422 "$(status "$native")"
t_stop
