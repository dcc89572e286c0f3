# push_faults.sh - what a province sees when things break: PostgreSQL
# stopped mid-submission or while down (503 + Retry-After, nothing half
# stored, a retry succeeds), a body cut mid-stream, a client that leaves.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"
url=https://127.0.0.1:$T_PORT
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" -H 'Content-Type: application/json')
body='{"reporter":"110000","period":"2019Q2","values":[{"indicator":"incubators","value":61},{"indicator":"makerspaces","value":90}]}'
health() { t_curl "$url/healthz"; }
wait_health() { for _ in $(seq 150); do [[ $(health) =~ $1 ]] && return 0; sleep 0.1; done; return 1; }

# 1. The database dies while a submission is inside its transaction: hold a
# lock that makes the submission wait, then stop PostgreSQL immediately.
locker_out=$T_TMP/locker.out
psql -X -q -U postgres -d "$db" -c "begin; lock table mestat.observation in access exclusive mode; select pg_sleep(30);" >"$locker_out" 2>&1 &
locker=$!
sleep 1
curl -s --cacert "$T_CERTS/ca.crt" "${cert[@]}" -d "$body" -D "$T_TMP/h1" -o "$T_TMP/b1" -w '%{http_code}' "$url/api/v1/submissions" >"$T_TMP/code1" &
client=$!
sleep 1.5
pg_stop "$PGHOST" immediate
wait "$client"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
expect_eq "PostgreSQL dying mid-submission: 503, never a 2xx" 503 "$(cat "$T_TMP/code1")"
expect_match "... with Retry-After" '[Rr]etry-[Aa]fter: [0-9]+' "$(cat "$T_TMP/h1")"
expect_match "... and a reason" 'nothing was stored' "$(cat "$T_TMP/b1")"

# 2. While PostgreSQL is down every submission is 503 at once.
out=$(t_curl "${cert[@]}" -D "$T_TMP/h2" -d "$body" "$url/api/v1/submissions")
expect_eq "PostgreSQL down: 503" 503 "$(tail -n 1 <<<"$out")"
expect_match "... with Retry-After" '[Rr]etry-[Aa]fter: [0-9]+' "$(cat "$T_TMP/h2")"

pg_restart "$PGHOST"
wait_health '"database":"up"' && ok "mestatd reconnects by itself" || not_ok "mestatd reconnects by itself" "$(health)"
expect_eq "nothing of the interrupted submission was stored" 0 "$(q "select count(*) from mestat.observation")"
out=$(t_curl "${cert[@]}" -d "$body" "$url/api/v1/submissions")
expect_eq "the same body sent again is accepted: 201" 201 "$(tail -n 1 <<<"$out")"
expect_eq "... exactly once" 2 "$(q "select count(*) from mestat.observation")"

# 3. A body cut mid-stream: Content-Length promises more than arrives.
before=$(q "select count(*) from mestat.submission")
{ printf 'POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"reporter":"110000","values":[{"indi'; sleep 1; } |
	timeout 5 openssl s_client -quiet -connect "127.0.0.1:$T_PORT" -CAfile "$T_CERTS/ca.crt" \
		-cert "$T_CERTS/client-110000.crt" -key "$T_CERTS/client-110000.key" >/dev/null 2>&1
sleep 0.5
expect_eq "a body cut mid-stream stores nothing" "$before" "$(q "select count(*) from mestat.submission")"
expect_match "mestatd keeps serving after it" '200$' "$(health | tail -n 1)"

# 4. A client that gives up while its submission waits on the database:
# the submission still ends cleanly (committed once, or not at all).
psql -X -q -U postgres -d "$db" -c "begin; lock table mestat.observation in access exclusive mode; select pg_sleep(3);" >/dev/null 2>&1 &
locker=$!
sleep 0.5
b2='{"reporter":"110000","period":"2019Q3","values":[{"indicator":"incubators","value":62}]}'
curl -s -m 1 --cacert "$T_CERTS/ca.crt" "${cert[@]}" -d "$b2" -o /dev/null "$url/api/v1/submissions"
wait "$locker"
sleep 1
n=$(q "select count(*) from mestat.observation where period='2019Q3'")
expect_match "a submission whose client left is stored at most once" '^[01]$' "$n"
out=$(t_curl "${cert[@]}" -d "$b2" "$url/api/v1/submissions")
expect_match "... and the client's retry gets a receipt (original or new)" '^20[01]$' "$(tail -n 1 <<<"$out")"
expect_eq "... with the value stored exactly once" 1 "$(q "select count(*) from mestat.observation where period='2019Q3'")"
expect_match "mestatd is healthy after all that" '"database":"up"' "$(health)"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"

# 5. A submission waiting for a database connection when PostgreSQL dies is
# answered 503 while PostgreSQL is still down, like one that arrives after:
# it does not wait for a connection to come back. One connection in the
# pool: the first submission holds it (waiting on a lock), the second waits
# for it.
t_conf "$T_TMP/one-connection.conf" "$db" "db_connections = 1"
t_up "$T_TMP/one-connection.conf" "$T_TMP/mestatd-one-connection.log"
url=https://127.0.0.1:$T_PORT
psql -X -q -U postgres -d "$db" -c "begin; lock table mestat.observation in access exclusive mode; select pg_sleep(30);" >/dev/null 2>&1 &
locker=$!
sleep 1
b5a='{"reporter":"110000","period":"2019Q4","values":[{"indicator":"incubators","value":63}]}'
b5b='{"reporter":"110000","period":"2020Q1","values":[{"indicator":"incubators","value":64}]}'
curl -s --cacert "$T_CERTS/ca.crt" "${cert[@]}" -d "$b5a" -o /dev/null -w '%{http_code}' "$url/api/v1/submissions" >"$T_TMP/code5a" &
c5a=$!
sleep 1
curl -s --cacert "$T_CERTS/ca.crt" "${cert[@]}" -d "$b5b" -D "$T_TMP/h5b" -o /dev/null -w '%{http_code}' "$url/api/v1/submissions" >"$T_TMP/code5b" &
c5b=$!
sleep 1
pg_stop "$PGHOST" immediate
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null
for _ in $(seq 200); do kill -0 "$c5b" 2>/dev/null || break; sleep 0.1; done
kill -0 "$c5b" 2>/dev/null && answered=no || answered=yes
pg_restart "$PGHOST"
wait "$c5a" "$c5b"
expect_eq "a submission waiting for a connection when PostgreSQL dies is answered while it is still down" yes "$answered"
expect_eq "... with 503" 503 "$(cat "$T_TMP/code5b")"
expect_match "... and Retry-After" '[Rr]etry-[Aa]fter: [0-9]+' "$(cat "$T_TMP/h5b")"
expect_eq "the submission inside its transaction: 503" 503 "$(cat "$T_TMP/code5a")"
wait_health '"database":"up"' && ok "mestatd reconnects by itself, with one connection" || not_ok "mestatd reconnects by itself, with one connection" "$(health)"
expect_eq "nothing of either was stored" 0 "$(q "select count(*) from mestat.observation where period in ('2019Q4', '2020Q1')")"
out=$(t_curl "${cert[@]}" -d "$b5b" "$url/api/v1/submissions")
expect_eq "the waiting one, sent again, is accepted" 201 "$(tail -n 1 <<<"$out")"
t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
