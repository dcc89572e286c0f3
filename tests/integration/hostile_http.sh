# hostile_http.sh - hostile and careless clients: slow loris, oversized
# headers and bodies, endless chunked bodies, request smuggling shapes, old
# TLS, foreign/expired/revoked certificates, SQL-looking and non-UTF-8 text,
# odd numbers. Each gets the right answer, nothing is stored, mestatd serves on.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
# A second CA, an expired certificate and a revoked one (with a CRL).
other=$T_TMP/other-ca
certs_ca "$other" "another CA" && certs_client "$other" 110000
certs__sign "$T_CERTS" client-expired 110000 "extendedKeyUsage=clientAuth" 1 >/dev/null 2>&1
# An expired certificate: backdate it with openssl x509 -not_after is not in OpenSSL 3.0,
# so sign one whose validity ended yesterday with openssl ca's -enddate.
mkdir -p "$T_TMP/ca"
cp "$T_CERTS/ca.crt" "$T_CERTS/ca.key" "$T_TMP/ca/"
: >"$T_TMP/ca/index.txt"
echo 1000 >"$T_TMP/ca/serial"
echo 1000 >"$T_TMP/ca/crlnumber"
cat >"$T_TMP/ca/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $T_TMP/ca
database = \$dir/index.txt
serial = \$dir/serial
crlnumber = \$dir/crlnumber
new_certs_dir = \$dir
certificate = \$dir/ca.crt
private_key = \$dir/ca.key
default_md = sha256
default_crl_days = 30
policy = any
copy_extensions = none
[any]
commonName = supplied
[client]
extendedKeyUsage = clientAuth
CNF
mk() { # mk NAME CN STARTDATE ENDDATE
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T_TMP/$1.key" \
		-out "$T_TMP/$1.csr" -subj "/CN=$2" 2>/dev/null
	openssl ca -batch -config "$T_TMP/ca/ca.cnf" -extensions client -in "$T_TMP/$1.csr" \
		-out "$T_TMP/$1.crt" -startdate "$3" -enddate "$4" -notext >/dev/null 2>&1
}
mk expired 110000 20200101000000Z 20200201000000Z
mk revoked 110000 20240101000000Z 20340101000000Z
openssl ca -batch -config "$T_TMP/ca/ca.cnf" -revoke "$T_TMP/revoked.crt" >/dev/null 2>&1
openssl ca -batch -config "$T_TMP/ca/ca.cnf" -gencrl -out "$T_TMP/ca/crl.pem" >/dev/null 2>&1

t_conf "$conf" "$db" "request_timeout = 3s" "max_header_size = 8KB" "max_body_size = 256KB" "tls_crl = $T_TMP/ca/crl.pem"
t_up "$conf"
url=https://127.0.0.1:$T_PORT
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
json=(-H 'Content-Type: application/json')
alive() { [[ $(t_curl "$url/healthz" | tail -n 1) == 200 ]]; }
code() { tail -n 1 <<<"$1"; }
tls_raw() { # tls_raw: stdin to the TLS port as Beijing, answer on stdout (bounded)
	timeout "${TLS_RAW_TIMEOUT:-8}" openssl s_client -quiet -connect "127.0.0.1:$T_PORT" -CAfile "$T_CERTS/ca.crt" \
		-cert "$T_CERTS/client-110000.crt" -key "$T_CERTS/client-110000.key" 2>/dev/null
}

# Slow loris: a header line a byte at a time, never finishing.
start=$(date +%s)
( printf 'POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\n'; for i in $(seq 30); do printf 'X'; sleep 0.5; done ) |
	TLS_RAW_TIMEOUT=20 tls_raw >/dev/null
took=$(( $(date +%s) - start ))
if [ "$took" -lt 12 ]; then ok "a slow-loris client is cut off near request_timeout (after ${took}s)"; else
	not_ok "a slow-loris client is cut off near request_timeout" "it held the connection ${took}s"; fi
alive && ok "mestatd serves on after a slow loris" || not_ok "mestatd serves on after a slow loris" "no /healthz"

big_header=$(head -c 20000 /dev/zero | tr '\0' a)
out=$(t_curl "${cert[@]}" -H "X-Big: $big_header" "$url/healthz")
expect_match "an oversized header block is refused (4xx)" '^4[0-9][0-9]$' "$(code "$out")"

head -c 300000 /dev/zero | tr '\0' ' ' >"$T_TMP/big"
out=$(t_curl "${cert[@]}" "${json[@]}" --data-binary @"$T_TMP/big" "$url/api/v1/submissions")
expect_eq "an oversized body: 413" 413 "$(code "$out")"
out=$( (printf 'POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'
	for i in $(seq 400); do printf '400\r\n%01024d\r\n' 0; done) | tls_raw | head -n 1)
expect_match "an endless chunked body is cut at max_body_size" '^HTTP/1.1 413|^$' "$out"

# Framing (RFC 9112 section 6.3): each shape on which two readers could
# disagree about where a request ends gets 400, exactly one answer, and the
# close; the GET that follows in the same stream is never answered.
framing() { # framing NAME REQUEST [STATUS]: REQUEST (printf format) then a GET /healthz
	local out rc n want=${3:-400}
	out=$( (printf "$2"; printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'; sleep 3) | TLS_RAW_TIMEOUT=8 tls_raw)
	rc=$?
	# a body has no final newline: the next status line may follow on its line
	n=$(grep -ao 'HTTP/1\.[01] [0-9][0-9][0-9] ' <<<"$out" | wc -l)
	expect_match "$1: $want" "^HTTP/1.1 ($want) " "$(head -n 1 <<<"$out")"
	expect_eq "$1: exactly one answer (nothing smuggled is read)" 1 "$n"
	[ "$rc" != 124 ] && ok "$1: the connection is closed after it" ||
		not_ok "$1: the connection is closed after it" "still open when the client gave up"
}
P='POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
framing "Content-Length with Transfer-Encoding" \
	"${P}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
framing "two Content-Length values, the larger first" "${P}Content-Length: 100\r\nContent-Length: 2\r\n\r\n{}"
framing "two Content-Length values, the smaller first" "${P}Content-Length: 2\r\nContent-Length: 100\r\n\r\n{}"
framing "Content-Length as a list" "${P}Content-Length: 2, 2\r\n\r\n{}"
framing "Content-Length with a sign" "${P}Content-Length: +2\r\n\r\n{}"
framing "Content-Length in hexadecimal" "${P}Content-Length: 0x2\r\n\r\n{}"
framing "Content-Length with a blank inside" "${P}Content-Length: 1 2\r\n\r\n{}"
framing "Content-Length negative" "${P}Content-Length: -2\r\n\r\n{}"
framing "a blank before the colon" "${P}Content-Length : 2\r\n\r\n{}"
framing "a folded Content-Length" "${P}Content-Length: 1\r\n 0\r\n\r\n{}"
framing "Transfer-Encoding gzip, chunked" "${P}Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
framing "Transfer-Encoding chunked, gzip" "${P}Transfer-Encoding: chunked, gzip\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
framing "Transfer-Encoding identity" "${P}Transfer-Encoding: identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
framing "Transfer-Encoding chunked twice" \
	"${P}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
# Inside a chunked body evhttp gives the answer (400, or 413 as it words it).
framing "a chunk not ended by CRLF" "${P}Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n" '400|413'
framing "a chunk size with a sign" "${P}Transfer-Encoding: chunked\r\n\r\n+2\r\n{}\r\n0\r\n\r\n" '400|413'
framing "a HEAD with a body" "HEAD /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
out=$( (printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n'; sleep 1) | tls_raw)
expect_match "two equal Content-Length values are read as one: 200" '^HTTP/1.1 200' "$(head -n 1 <<<"$out")"
out=$( (printf 'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: 1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'; sleep 1) | tls_raw)
expect_match "a chunked body with a trailer is read, and the next request on the connection too" \
	'^HTTP/1.1 405 .*HTTP/1.1 200' "$(grep -ao 'HTTP/1\.1 [0-9]*' <<<"$out" | tr '\n' ' ')"
expect_match "framing refusals are logged with the reason" \
	'refused a request whose end is ambiguous.*two different Content-Length values' "$(cat "$T_TMP/mestatd.log")"

for v in 1.0 1.1; do
	c=$(curl -s -m 5 -o /dev/null -w '%{http_code}' --tlsv1.0 --tls-max "$v" --cacert "$T_CERTS/ca.crt" "$url/healthz")
	expect_eq "TLS $v is refused" 000 "$c"
done
out=$(t_curl --cert "$other/client-110000.crt" --key "$other/client-110000.key" "${json[@]}" -d '{}' "$url/api/v1/submissions")
expect_match "a client certificate from another CA does not get in" '^(000|401)$' "$(code "$out")"
out=$(t_curl --cert "$T_TMP/expired.crt" --key "$T_TMP/expired.key" "${json[@]}" -d '{}' "$url/api/v1/submissions")
expect_match "an expired client certificate does not get in" '^(000|401)$' "$(code "$out")"
out=$(t_curl --cert "$T_TMP/revoked.crt" --key "$T_TMP/revoked.key" "${json[@]}" -d '{}' "$url/api/v1/submissions")
expect_match "a revoked client certificate (tls_crl) does not get in" '^(000|401)$' "$(code "$out")"
expect_eq "none of them stored anything" 0 "$(q "select count(*) from mestat.submission")"

sql="x'); DROP TABLE mestat.observation; --"
body=$(jq -cn --arg c "$sql" '{reporter:"110000",period:"2019Q1",values:[{indicator:"incubators",value:7,comment:$c}]}')
out=$(t_curl "${cert[@]}" "${json[@]}" -d "$body" "$url/api/v1/submissions")
expect_eq "an SQL-looking comment is accepted as text" 201 "$(code "$out")"
expect_eq "... stored verbatim" "$sql" "$(q "select comment from mestat.observation where period='2019Q1'")"
out=$(t_curl "${cert[@]}" "${json[@]}" -d "{\"reporter\":\"110000\",\"period\":\"2019Q1\",\"values\":[{\"indicator\":\"$sql\",\"value\":1}]}" "$url/api/v1/submissions")
expect_eq "an SQL-looking indicator code is just unknown: 422" 422 "$(code "$out")"

printf '{"reporter":"110000","period":"2019Q2","values":[{"indicator":"incubators","value":8,"comment":"\xc0\xaf bad"}]}' >"$T_TMP/overlong.json"
out=$(t_curl "${cert[@]}" "${json[@]}" --data-binary @"$T_TMP/overlong.json" "$url/api/v1/submissions")
expect_eq "overlong UTF-8 in a comment: 400" 400 "$(code "$out")"
printf 'reporter,indicator,period,value,comment\n110000,incubators,2019Q2,8,\xb1\xb1\xca\xd0\n' >"$T_TMP/gbk.csv"
out=$(t_curl "${cert[@]}" -H 'Content-Type: text/csv' --data-binary @"$T_TMP/gbk.csv" "$url/api/v1/submissions")
expect_eq "a GBK (non-UTF-8) CSV: 400" 400 "$(code "$out")"
expect_match "... saying so" 'UTF-8' "$(sed '$d' <<<"$out")"

for v in '1e400' 'NaN' '0x10' '"0x10"' '"NaN"' '"1e400"' '"Infinity"'; do
	out=$(t_curl "${cert[@]}" "${json[@]}" -d "{\"reporter\":\"110000\",\"period\":\"2019Q3\",\"values\":[{\"indicator\":\"tech_contract_turnover\",\"value\":$v}]}" "$url/api/v1/submissions")
	expect_match "value $v is refused (400 or 422)" '^(400|422)$' "$(code "$out")"
done
out=$(t_curl "${cert[@]}" "${json[@]}" -d '{"reporter":"110000","period":"2019Q3","values":[{"indicator":"tech_contract_turnover","value":-0}]}' "$url/api/v1/submissions")
expect_eq "value -0 is a number (zero): 201" 201 "$(code "$out")"
expect_eq "nothing of the refused values was stored" 1 "$(q "select count(*) from mestat.observation where period='2019Q3'")"
alive && ok "mestatd serves on after all of it" || not_ok "mestatd serves on after all of it" "no /healthz"
expect_match "failed TLS handshakes are counted" 'mestat_tls_handshake_failures_total [1-9]' "$(curl -s "http://127.0.0.1:$T_MPORT/metrics")"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
