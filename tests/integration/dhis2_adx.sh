# dhis2_adx.sh - ADX (IHE QRPH Aggregate Data Exchange, application/adx+xml)
# on the DHIS2 endpoint, as DHIS2 accepts it (dhis2-docs
# developer/web-api/data.md, "ADX data format": groups per orgUnit, period
# and dataSet; periods as ISO 8601 start/duration; disaggregations as
# attributes named by category). The answer is the same ImportSummary as for
# JSON; a disaggregation is mapped as the operand DE.CATEGORY=OPTION,...
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
url=https://127.0.0.1:$T_PORT/api/dataValueSets
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
counts() { body "$1" | jq -r '.response.importCount | "\(.imported) \(.updated) \(.ignored) \(.deleted)"'; }
token=$(q "select mestat.create_token('330000')")
adx() { t_curl -H "Authorization: ApiToken $token" -H 'Content-Type: application/adx+xml' --data-binary "$1" "$url${2:-}"; }
q "select mestat.add_code_mapping('330000', 'dhis2_ou', 'OU_330', '330000');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'INCUB', 'incubators');
   select mestat.add_code_mapping('330000', 'dhis2_de', 'TC_TURN', 'tech_contract_turnover');
   select mestat.add_code_mapping('330000', 'dhis2_coc', 'RETAIL.CHANNEL=ONLINE', 'online_retail_sales');
   select mestat.add_code_mapping('330000', 'dhis2_coc', 'RETAIL.CHANNEL=ALL', 'retail_sales_total')" >/dev/null

# A quarter (2018-07-01/P3M), a year (2018-01-01/P1Y), an annotation.
doc='<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2018-10-20T08:00:00Z">
  <group orgUnit="OU_330" period="2018-07-01/P3M" dataSet="MESTAT_Q" completeDate="2018-10-20">
    <dataValue dataElement="INCUB" value="132"><annotation>registry of 30 September</annotation></dataValue>
    <dataValue dataElement="TC_TURN" value="455.25"/>
    <dataValue dataElement="RETAIL" CHANNEL="ONLINE" value="812.5"/>
    <dataValue dataElement="RETAIL" CHANNEL="ALL" value="9120"/>
  </group>
</adx>'
out=$(adx "$doc")
expect_eq "ADX with a quarter and disaggregations: 200 SUCCESS, 4 imported" "200 SUCCESS 4 0 0 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
expect_eq "... each CHANNEL in its own indicator, the annotation as the comment" \
	"incubators=132 (registry of 30 September) online_retail_sales=812.5 retail_sales_total=9120 tech_contract_turnover=455.25" \
	"$(q "select string_agg(indicator || '=' || value || coalesce(' (' || comment || ')', ''), ' ' order by indicator) from mestat.observation where reporter = '330000' and period = '2018Q3'")"
expect_eq "... recorded as format adx" adx "$(q "select format from mestat.submission order by id desc limit 1")"

# The documentation's own example: a month (P1M), category codes GENDER and
# HIV_AGE that mean nothing here: conflicts naming the period and the combo.
ex='<adx xmlns="urn:ihe:qrph:adx:2015" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="urn:ihe:qrph:adx:2015 ../schema/adx_loose.xsd" exported="2015-02-08T19:30:00Z">
  <group orgUnit="OU_330" period="2015-06-01/P1M" completeDate="2015-07-01" dataSet="(TB/HIV)VCCT">
    <dataValue dataElement="INCUB" value="32"/>
    <dataValue dataElement="VCCT_0" GENDER="FMLE" HIV_AGE="AGE0-14" value="20"/>
  </group>
</adx>'
out=$(adx "$ex")
expect_eq "the documented ADX example: 409 WARNING, 2 ignored" "409 WARNING 0 0 2 0" \
	"$(status "$out") $(body "$out" | jq -r .response.status) $(counts "$out")"
expect_eq "... E7613 on the combo GENDER=FMLE,HIV_AGE=AGE0-14 at index 1" "E7613 GENDER=FMLE,HIV_AGE=AGE0-14 1" \
	"$(body "$out" | jq -r '.response.conflicts[] | select(.errorCode == "E7613") | "\(.errorCode) \(.object) \(.indexes[0])"')"
expect_eq "... E7611 on the period 2015-06-01/P1M at index 0" "E7611 2015-06-01/P1M 0" \
	"$(body "$out" | jq -r '.response.conflicts[] | select(.errorCode == "E7611") | "\(.errorCode) \(.object) \(.indexes[0])"')"

# Not ADX, or not well formed: the import fails, answered 409 ERROR.
out=$(adx '<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="OU_330" period="2018-07-01/P3M"><dataValue dataElement="INCUB" value="1">')
expect_eq "ADX cut short: 409 ERROR" "409 ERROR" "$(status "$out") $(body "$out" | jq -r .response.status)"
expect_match "... The import process failed, naming the line" '^The import process failed: ADX line 1' \
	"$(body "$out" | jq -r .response.description)"
out=$(adx $'<?xml version="1.0"?>\n<!DOCTYPE adx [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<adx xmlns="urn:ihe:qrph:adx:2015"><group orgUnit="OU_330" period="2018-07-01/P3M"><dataValue dataElement="INCUB" value="&e;"/></group></adx>')
expect_eq "an external entity: refused before parsing (409 ERROR)" "409 ERROR" "$(status "$out") $(body "$out" | jq -r .response.status)"
expect_match "... the description says DOCTYPE" 'DOCTYPE' "$(body "$out" | jq -r .response.description)"
out=$(t_curl -H "Authorization: Bearer $token" -H 'Content-Type: application/adx+xml' --data-binary "$doc" "https://127.0.0.1:$T_PORT/api/v1/submissions")
expect_eq "the native endpoint does not take ADX: 415" 415 "$(status "$out")"
