# pull_failures.sh - every way a pull can fail ends in mestat.source_state
# with its class and a message (dns, connect, tls, http_status, timeout,
# body_too_large, decode, validation), nothing of it is stored, and a healthy
# source beside them keeps being pulled on time. Mutual TLS and bearer
# tokens towards the province work.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
printf 'reporter,indicator,period,value\n110000,incubators,2018Q3,57\n' >"$root/ok.csv"
printf 'reporter,indicator,period,value\n120000,incubators,2018Q3,64\n' >"$root/tj.csv"
printf 'reporter,indicator,period,value\n130000,incubators,2018Q3,23\n' >"$root/hb.csv"
printf 'reporter,indicator,period,value\n140000,incubators,2018Q3,11\n' >"$root/sx.csv"
printf '{"reporter":"150000","period":"2018Q3","values":[{"indicator":"incubators","value":' >"$root/broken.json"
printf 'reporter,indicator,period,value\n210000,"no_such\\indicator""x",2018Q3,5\n210000,incubators,2018Q3,-4\n' >"$root/invalid.csv"
head -c 3000 /dev/zero | tr '\0' '7' | sed 's/^/reporter,indicator,period,value\n220000,incubators,2018Q3,/' >"$root/big.csv"

sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT
main_log=$SIM_LOG
# A server whose certificate comes from a CA mestatd does not trust.
certs_ca "$T_TMP/other" "some other CA" && certs_server "$T_TMP/other"
sim_start other "$root" --cert "$T_TMP/other/server.crt" --key "$T_TMP/other/server.key" ||
	{ not_ok "the second simulator starts" "$(cat "$T_TMP/sim-other.err")"; exit 1; }
other=https://127.0.0.1:$SIM_PORT
# A server that wants a client certificate from the test CA.
sim_start mtls "$root" --client-ca "$T_CERTS/ca.crt" ||
	{ not_ok "the mutual-TLS simulator starts" "$(cat "$T_TMP/sim-mtls.err")"; exit 1; }
mtls=https://127.0.0.1:$SIM_PORT
closed=$(t_free_port)

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
{
	source_section healthy 110000 "$main/ok.csv" csv
	source_section slow 120000 "$main/slow/20/tj.csv" csv "timeout = 1500ms"
	source_section trickle 130000 "$main/trickle/hb.csv" csv "timeout = 6s"
	source_section e500 140000 "$main/status/500" csv
	source_section e404 140000 "$main/status/404" csv
	source_section badcert 140000 "$other/sx.csv" csv
	source_section refused 140000 "https://127.0.0.1:$closed/sx.csv" csv
	source_section cut 140000 "$main/close-mid-tls" csv
	source_section nodns 140000 "https://mestat-no-such-host.invalid/sx.csv" csv
	source_section plainredirect 140000 "$main/redirect-http/sx.csv" csv
	source_section broken 150000 "$main/broken.json" json
	source_section invalid 210000 "$main/invalid.csv" csv
	source_section endless 220000 "$main/endless" csv "max_body_size = 64KB"
	source_section big 220000 "$main/big.csv" csv "max_body_size = 2KB"
	source_section nocert 140000 "$mtls/sx.csv" csv
	source_section withcert 140000 "$mtls/sx.csv" csv "client_cert = $T_CERTS/client-110000.crt" \
		"client_key = $T_CERTS/client-110000.key"
	source_section notoken 130000 "$main/bearer/s3cret/hb.csv" csv
	source_section token 130000 "$main/bearer/s3cret/hb.csv" csv "token = s3cret"
} >>"$conf"
t_up "$conf"

# Every source has an outcome (the trickling one needs ~3 s of stall).
if t_until 25 sql_true "select count(*) = 18 from mestat.source_state where last_success is not null or last_error_class is not null"; then
	ok "every source records an outcome"
else
	not_ok "every source records an outcome" "$(q "select name, last_error_class from mestat.source_state")"
fi

cls() { state "$1" "coalesce(last_error_class, 'none')"; }
err() { state "$1" "last_error"; }
expect_eq "a server slower than timeout: class timeout" timeout "$(cls slow)"
expect_match "... saying so" '[Tt]imed out|[Tt]imeout' "$(err slow)"
expect_eq "a trickling server (1 byte/s) fails on the low-speed limit: class timeout" timeout "$(cls trickle)"
expect_match "... before its 6 s timeout, as too slow" 'too slow' "$(err trickle)"
expect_eq "HTTP 500: class http_status" http_status "$(cls e500)"
expect_match "... with the code" '500' "$(err e500)"
expect_eq "HTTP 404: class http_status" http_status "$(cls e404)"
expect_match "... with the code" '404' "$(err e404)"
expect_eq "a server certificate from another CA: class tls" tls "$(cls badcert)"
expect_match "... naming the verification failure" '[Cc]ertificate' "$(err badcert)"
expect_eq "the other server was never asked for data" 0 "$(sim_count "$T_TMP/sim-other.log" '^GET ')"
expect_eq "a closed port: class connect" connect "$(cls refused)"
expect_eq "a server closing the connection after the TLS handshake: class connect" connect "$(cls cut)"
expect_eq "a name that does not resolve: class dns" dns "$(cls nodns)"
expect_eq "a redirect to plain http is refused: class http_status" http_status "$(cls plainredirect)"
expect_match "... naming the address" 'http://127.0.0.1' "$(err plainredirect)"
expect_eq "a malformed body: class decode" decode "$(cls broken)"
expect_match "... with the decoder's position" 'line [0-9]+, column [0-9]+|JSON' "$(err broken)"
expect_eq "rows failing validation: class validation" validation "$(cls invalid)"
expect_match "... naming the ingest status and a row" '422.*(indicator|negative)' "$(err invalid)"
[[ $(err invalid) == *'unknown indicator "no_such\indicator"x"'* ]] &&
	ok "... with the quote and the backslash of the refused code as they came" ||
	not_ok "... with the quote and the backslash of the refused code as they came" "$(err invalid)"
expect_eq "an endless body is cut at max_body_size: class body_too_large" body_too_large "$(cls endless)"
expect_eq "a body over max_body_size: class body_too_large" body_too_large "$(cls big)"
# Under TLS 1.3 the server's refusal comes as an alert after the client has
# finished its handshake; whether curl reads the alert (class tls) or finds
# the connection already reset (class connect) depends on timing, and it
# differs between the release and the slower sanitizer build.
nocert=$(( $(metric 'mestat_pulls_total{source="nocert",outcome="tls"}') + \
	$(metric 'mestat_pulls_total{source="nocert",outcome="connect"}') ))
expect_match "no client certificate where one is required: a transport failure (class tls or connect)" '^[1-9]' "$nocert"
expect_eq "... and never a success" none "$(state nocert "coalesce(last_success::text, 'none')")"
expect_eq "mutual TLS with client_cert/client_key succeeds" none "$(cls withcert)"
expect_eq "no bearer token where one is required: HTTP 401, class http_status" http_status "$(cls notoken)"
expect_eq "token = sends Authorization: Bearer and succeeds" none "$(cls token)"

expect_eq "refused bodies leave only their audit records (decode 400, validation 422)" "broken|rejected|400 invalid|rejected|422" \
	"$(q "select string_agg(source || '|' || outcome || '|' || http_status, ' ' order by source) from mestat.submission where source in ('broken', 'invalid')")"
expect_eq "nothing of a failed source is stored" 0 \
	"$(q "select count(*) from mestat.observation where reporter in ('120000', '150000', '210000', '220000')")"
expect_eq "a failure keeps no validators" "||" "$(state e500 "etag, last_modified, last_body_sha256")"
# Failing sources are retried from retry_min = 1 s on, so how many times each
# has failed by now depends on the machine's speed; what does not is that
# each failing source counts its own failures and the healthy one none.
expect_eq "failures are counted per source: each failing source has its own count, the healthy one none" "t|0" \
	"$(q "select bool_and(consecutive_failures >= 1) from mestat.source_state where last_error_class is not null")|$(state healthy consecutive_failures)"

# Meanwhile the healthy source is pulled every ~2 s, on time.
t_until 12 test "$(sim_count "$main_log" '^GET /ok.csv (200|304)')" -ge 4
n=$(sim_count "$main_log" '^GET /ok.csv (200|304)')
expect_match "the healthy source keeps its interval beside 17 failing ones ($n pulls)" '^([4-9]|[1-9][0-9])$' "$n"
expect_eq "... and is never marked failed" "|0" "$(state healthy "last_error_class, consecutive_failures")"
expect_match "failures are counted in the metrics by class" '^[1-9]' "$(metric 'mestat_pulls_total{source="badcert",outcome="tls"}')"

# Endless, oversized and trickling bodies never grow mestatd beyond its
# limits: its peak RSS stays bounded (the sanitizer build's own overhead is
# larger, so its bound is too).
peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$T_PID/status")
limit=65536
[[ ${T_BUILD:-} == *debug* ]] && limit=1048576
if [ -n "$peak" ] && [ "$peak" -lt "$limit" ]; then
	ok "mestatd's peak RSS stays bounded through the hostile endpoints (${peak} KiB < ${limit} KiB)"
else
	not_ok "mestatd's peak RSS stays bounded through the hostile endpoints" "peak ${peak:-?} KiB, limit ${limit} KiB"
fi
