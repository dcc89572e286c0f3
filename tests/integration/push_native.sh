# push_native.sh - a province pushes native JSON and CSV over HTTPS: every
# status code of the ingestion rules, idempotency, revisions, the signed
# receipt verified with openssl, and nothing stored from a refused body.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "max_body_size = 64KB"
t_up "$conf"

url=https://127.0.0.1:$T_PORT
bj=(-H 'Content-Type: application/json')
bj_cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
sh_cert=(--cert "$T_CERTS/client-310000.crt" --key "$T_CERTS/client-310000.key")
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
observations() { q "select count(*) from mestat.observation"; }

quarter='{"reporter":"110000","period":"2018Q3","values":[
 {"indicator":"tech_contract_turnover","value":812.5,"comment":"registered contracts"},
 {"indicator":"incubators","value":57},
 {"indicator":"tech_contracts","value":1203}]}'

out=$(t_curl "${bj[@]}" -d "$quarter" "$url/api/v1/submissions")
expect_eq "no credentials: 401" 401 "$(status "$out")"
expect_match "... with a reason" 'no credentials' "$(body "$out")"
out=$(t_curl "${bj[@]}" -H 'Authorization: Bearer not-a-token' -d "$quarter" "$url/api/v1/submissions")
expect_eq "an unknown token: 401" 401 "$(status "$out")"

# A refusal rolls its transaction back; the tables a connection stages rows
# in are made with the connection and outlive it (made inside the first
# submission's transaction, they went with each refusal and were made anew,
# every statement reading them planned again). Before anything is stored:
# one staging table per connection (db_connections, 4), the same ones after
# two refusals.
staging_tables="from pg_class c join pg_namespace n on n.oid = c.relnamespace
	where c.relname = 'ingest_row' and n.nspname like 'pg_temp%'"
staging() { q "select count(*) || ':' || coalesce(string_agg(c.oid::text, ',' order by c.oid), '') $staging_tables"; }
[ "$(t_wait_sql 10 "select count(*) = 4 $staging_tables")" != timeout ] &&
	ok "each of mestatd's 4 connections holds its staging table before any submission" ||
	not_ok "each of mestatd's 4 connections holds its staging table before any submission" "$(staging)"
tables=$(staging)
for bad in '{"reporter":"110000","period":"2018Q3","values":[{"indicator":"no_such_indicator","value":1}]}' \
	'{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":"many"}]}'; do
	out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "$bad" "$url/api/v1/submissions")
	expect_eq "a refused body before anything is stored: 422" 422 "$(status "$out")"
done
expect_eq "... the staging tables outlive the refusals (the same tables)" "$tables" "$(staging)"
expect_eq "... nothing stored" 0 "$(observations)"

out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "$quarter" "$url/api/v1/submissions")
expect_eq "a valid quarter from Beijing's certificate: 201" 201 "$(status "$out")"
receipt=$(body "$out")
echo "$receipt" >"$T_TMP/receipt.json"
expect_eq "the receipt counts 3 new values" 3 "$(jq -r .counts.new <<<"$receipt")"
expect_eq "the receipt names the reporter" 110000 "$(jq -r .reporter <<<"$receipt")"
expect_eq "the receipt carries the body's SHA-256" "$(printf '%s' "$quarter" | sha256sum | cut -d' ' -f1)" "$(jq -r .sha256 <<<"$receipt")"
expect_eq "the 3 values are stored" 3 "$(observations)"
sid=$(jq -r .submission_id <<<"$receipt")

# Verify the signature as the README tells a province to.
t_curl "$url/api/v1/receipt-key" | sed '$d' >"$T_TMP/receipt-key.pem"
jq -cjS 'del(.signature)' "$T_TMP/receipt.json" >"$T_TMP/signed.txt"
jq -r .signature "$T_TMP/receipt.json" | base64 -d >"$T_TMP/signature.bin"
if openssl pkeyutl -verify -pubin -inkey "$T_TMP/receipt-key.pem" -rawin -in "$T_TMP/signed.txt" \
	-sigfile "$T_TMP/signature.bin" >/dev/null 2>&1; then ok "the receipt signature verifies with openssl pkeyutl"; else
	not_ok "the receipt signature verifies with openssl pkeyutl" "$(cat "$T_TMP/signed.txt")"
fi
sed 's/"new":3/"new":4/' "$T_TMP/signed.txt" >"$T_TMP/forged.txt"
if openssl pkeyutl -verify -pubin -inkey "$T_TMP/receipt-key.pem" -rawin -in "$T_TMP/forged.txt" \
	-sigfile "$T_TMP/signature.bin" >/dev/null 2>&1; then not_ok "a forged receipt fails verification" "it verified"; else
	ok "a forged receipt fails verification"
fi

out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "$quarter" "$url/api/v1/submissions")
expect_eq "the same body again: 200" 200 "$(status "$out")"
expect_eq "... returns the first receipt" "$sid" "$(body "$out" | jq -r .submission_id)"
expect_eq "... and stores nothing new" 3 "$(observations)"

other='{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":58}]}'
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -H 'Idempotency-Key: k-77' -d "$other" "$url/api/v1/submissions")
first=$(body "$out" | jq -r .submission_id)
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -H 'Idempotency-Key: k-77' -d "${other/58/59}" "$url/api/v1/submissions")
expect_eq "the same Idempotency-Key with another body returns the first receipt" "$first" "$(body "$out" | jq -r .submission_id)"

# The same body committed meanwhile by another request: the opening meets
# the unique index (23505), mestatd rolls back, opens again and answers
# with that request's receipt. Another session holds the body's accepted
# row uncommitted while the push arrives, then commits.
raced='{"reporter":"110000","period":"2019Q1","values":[{"indicator":"incubators","value":77}]}'
t_sql_accepted_held 110000 "$raced" "select pg_sleep(3)" | pg_psql -d "$db" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
	[ "$(q "select count(*) from pg_stat_activity where query like '%pg_sleep(3)%' and state = 'active'
	        and pid <> pg_backend_pid()")" = 1 ] && break
	sleep 0.05
done
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" --data-binary "$raced" "$url/api/v1/submissions")
wait "$holder"
expect_eq "a body committed meanwhile by another request: 200 with that request's receipt" "200 424242" \
	"$(status "$out") $(body "$out" | jq -r .submission_id)"
expect_eq "... and its values stored by neither" 0 \
	"$(q "select count(*) from mestat.observation where period = '2019Q1'")"

revised='{"reporter":"110000","period":"2018Q3","values":[
 {"indicator":"tech_contract_turnover","value":815.0,"comment":"corrected"},
 {"indicator":"incubators","value":58},
 {"indicator":"tech_contracts","value":1203}]}'
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "$revised" "$url/api/v1/submissions")
expect_eq "a revision is accepted: 201" 201 "$(status "$out")"
expect_eq "... counting 1 revised" 1 "$(body "$out" | jq -r .counts.revised)"
expect_eq "... and 2 unchanged" 2 "$(body "$out" | jq -r .counts.unchanged)"
expect_eq "the submission's record keeps the receipt's counts" "$(body "$out" | jq -cS .counts)" \
	"$(q "select counts from mestat.submission where id = $(body "$out" | jq -r .submission_id)" | jq -cS .)"
expect_eq "the old version stays beside the new one" 2 \
	"$(q "select count(*) from mestat.observation where indicator='tech_contract_turnover' and reporter='110000'")"
expect_eq "report.latest_values shows the new value with 2 versions" "815|2" \
	"$(q "select value, revision_count from report.latest_values where indicator='tech_contract_turnover' and reporter='110000'" 2>&1)"

before=$(observations)
foreign='{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":60},
 {"indicator":"incubators","reporter":"310000","value":99}]}'
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "$foreign" "$url/api/v1/submissions")
expect_eq "one row for another reporter makes the submission 403" 403 "$(status "$out")"
expect_match "... naming the row" '"loc":"/values/1"' "$(body "$out")"
expect_eq "... and nothing of it is stored" "$before" "$(observations)"
expect_eq "... but its audit record is" "rejected|403" \
	"$(q "select outcome, http_status from mestat.submission order by id desc limit 1")"

out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d '{"reporter":"110000","period":"2019","values":[{"indicator":"national_centres_labs","value":12}]}' "$url/api/v1/submissions")
expect_eq "a province writing a national-only indicator: 403" 403 "$(status "$out")"

bad='{"reporter":"110000","period":"2018Q4","values":[
 {"indicator":"no_such_thing","value":1},
 {"indicator":"incubators","value":-4},
 {"indicator":"tech_contracts","value":"12x"},
 {"indicator":"tech_contract_turnover","value":5,"period":"2018Q5"},
 {"indicator":"makerspaces","value":3},
 {"indicator":"makerspaces","value":4}]}'
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "$bad" "$url/api/v1/submissions")
expect_eq "rows failing validation: 422" 422 "$(status "$out")"
errs=$(body "$out")
expect_match "unknown indicator is named with its row" '"loc":"/values/0"[^}]*"reason":"[^"]*unknown indicator' "$errs"
expect_match "a negative count is refused" '"loc":"/values/1"[^}]*"reason":"[^"]*negative' "$errs"
expect_match "a value that is not a number is refused" '"loc":"/values/2"[^}]*"field":"value"' "$errs"
expect_match "an unknown period is refused" '"loc":"/values/3"[^}]*"field":"period"' "$errs"
expect_match "a duplicate cell is refused" '"loc":"/values/5"[^}]*already appears' "$errs"
expect_eq "... and nothing of it is stored" "$before" "$(observations)"

out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d '{"reporter":"110000", "values": [' "$url/api/v1/submissions")
expect_eq "a malformed body: 400" 400 "$(status "$out")"
expect_match "... with line and column" 'line [0-9]+, column [0-9]+' "$(body "$out")"
out=$(t_curl "${bj_cert[@]}" -H 'Content-Type: application/xml' -d '<x/>' "$url/api/v1/submissions")
expect_eq "an unknown content type: 415" 415 "$(status "$out")"
head -c 100000 /dev/zero | tr '\0' ' ' >"$T_TMP/big.json"
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" --data-binary @"$T_TMP/big.json" "$url/api/v1/submissions")
expect_eq "a body over max_body_size: 413" 413 "$(status "$out")"

q "select mestat.close_period('2017Q1', 'test')" >/dev/null
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d '{"reporter":"110000","period":"2017Q1","values":[{"indicator":"incubators","value":40}]}' "$url/api/v1/submissions")
expect_eq "a value for a closed quarter: 409" 409 "$(status "$out")"
q "select mestat.reopen_period('2017Q1', 'test')" >/dev/null
out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d '{"reporter":"110000","period":"2017Q1","values":[{"indicator":"incubators","value":40}]}' "$url/api/v1/submissions")
expect_eq "... accepted once the quarter is reopened" 201 "$(status "$out")"

csv=$'reporter,indicator,period,value,comment\r\n310000,incubators,2018Q3,171,"Shanghai, end of quarter"\r\n310000,tech_contracts,2018Q3,5120,\r\n'
out=$(t_curl "${sh_cert[@]}" -H 'Content-Type: text/csv' --data-binary "$csv" "$url/api/v1/submissions")
expect_eq "native CSV from Shanghai: 201" 201 "$(status "$out")"
expect_eq "... 2 new values" 2 "$(body "$out" | jq -r .counts.new)"
expect_eq "a quoted comma survives into the comment" "Shanghai, end of quarter" \
	"$(q "select comment from mestat.observation where reporter='310000' and indicator='incubators'")"

# The rows reach the staging table as one array literal per column
# (daemon/store.c): what is special there (quotes, backslashes, braces,
# commas, the word NULL) or in the text formats (tab, newline) is stored as
# sent, and NULL only where nothing was sent.
odd=$'a "quoted" \\back\\slash {braces}, a comma, NULL\ttab\nnewline 上海'
out=$(t_curl "${sh_cert[@]}" "${bj[@]}" -d "$(jq -cn --arg c "$odd" '{reporter:"310000",period:"2018Q4",values:[
	{indicator:"incubators",value:172,comment:$c},{indicator:"tech_contracts",value:5121,comment:"NULL"},
	{indicator:"makerspaces",value:3}]}')" "$url/api/v1/submissions")
expect_eq "a body with array-literal specials: 201" 201 "$(status "$out")"
expect_eq "... the comment is stored byte for byte" "$(printf '%s' "$odd" | md5sum | cut -d' ' -f1)" \
	"$(q "select md5(comment) from mestat.observation where reporter='310000' and indicator='incubators' and period='2018Q4'")"
expect_eq "... the text NULL is text" "NULL" \
	"$(q "select comment from mestat.observation where reporter='310000' and indicator='tech_contracts' and period='2018Q4'")"
expect_eq "... no comment is no comment" "t" \
	"$(q "select comment is null from mestat.observation where reporter='310000' and indicator='makerspaces' and period='2018Q4'")"

token=$(q "select mestat.create_token('440300')")
out=$(t_curl "${bj[@]}" -H "Authorization: Bearer $token" -d '{"reporter":"440300","period":"2018Q3","values":[{"indicator":"incubators","value":88}]}' "$url/api/v1/submissions")
expect_eq "a bearer token writes for its reporter: 201" 201 "$(status "$out")"
tsid=$(body "$out" | jq -r .submission_id)
out=$(t_curl "${bj[@]}" -H "Authorization: ApiToken $token" -d '{"reporter":"440300","period":"2018Q3","values":[{"indicator":"incubators","value":89}]}' "$url/api/v1/submissions")
expect_eq "\"Authorization: ApiToken\" works too" 201 "$(status "$out")"

out=$(t_curl "${bj_cert[@]}" "$url/api/v1/submissions/$sid")
expect_eq "a reporter reads its own receipt: 200" 200 "$(status "$out")"
expect_eq "... with the stored signature" "$(jq -r .signature "$T_TMP/receipt.json")" "$(body "$out" | jq -r .receipt.signature)"
out=$(t_curl -H "Authorization: Bearer $token" "$url/api/v1/submissions/$sid")
expect_eq "another reporter's receipt: 404" 404 "$(status "$out")"
q "select mestat.revoke_token('$token')" >/dev/null
out=$(t_curl -H "Authorization: Bearer $token" "$url/api/v1/submissions/$tsid")
expect_eq "a revoked token: 401" 401 "$(status "$out")"

out=$(t_curl "$url/api/v1/catalog")
expect_eq "the catalog lists 41 reporters (38 and 3 departments)" 41 "$(body "$out" | jq '.reporters | length')"
expect_match "the catalog lists indicators with codes" 'tech_contract_turnover' "$(body "$out" | jq -r '.indicators[].code')"
expect_match "the catalog lists open periods with due dates" '"code":"2018Q3"[^}]*"due_date":"2018-10-30"' "$(body "$out" | jq -c '.periods[]')"

out=$(t_curl "${bj_cert[@]}" "${bj[@]}" -d "${quarter/2018Q3/2019Q1}" "$url/api/v1/submissions?dry_run=true")
expect_eq "a dry run validates: 200" 200 "$(status "$out")"
expect_eq "... and stores nothing" 0 "$(q "select count(*) from mestat.observation where period='2019Q1'")"

metrics=$(curl -s "http://127.0.0.1:$T_MPORT/metrics")
expect_match "/metrics counts accepted submissions" 'mestat_submissions_total\{endpoint="native",format="json",outcome="accepted"\} [1-9]' "$metrics"
expect_match "/metrics counts revised rows" 'mestat_rows_total\{kind="revised"\} [1-9]' "$metrics"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
