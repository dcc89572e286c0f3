#!/bin/bash
# console_server.sh - the console's server side against a real mestatd and
# PostgreSQL: static files from web_root with a strict CSP and no way out of
# the root, Debian's Chart.js, sign-in with a token or a client certificate
# into a server-side session (cookie flags, only a hash stored), the cookie
# as a read credential, CSRF on sign-out, idle and absolute expiry.
. "$TOP/tests/lib.sh"

# A web root of our own, with a secret beside it and links leading out.
root=$T_TMP/web
mkdir -p "$root/js" "$root/css" "$T_TMP/private"
echo '<!DOCTYPE html><title>index</title><p>console index page' >"$root/index.html"
echo '<!DOCTYPE html><title>login</title><form method=post action=/console/login>' >"$root/login.html"
echo 'export const x = 1;' >"$root/js/app.js"
echo 'body { margin: 0 }' >"$root/css/console.css"
echo 'hidden' >"$root/.secret"
echo 'TOP SECRET outside the root' >"$T_TMP/private/secret.txt"
ln -s "$T_TMP/private/secret.txt" "$root/leak.txt"
ln -s "$T_TMP/private" "$root/private"
ln -s "$root/index.html" "$root/inside.html"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
base=("web_root = $root" "session_idle_timeout = 1h" "session_max_age = 1h" "recompute_interval = 1h" "session_purge_interval = 1s")
t_conf "$conf" "$db" "${base[@]}"
t_up "$conf"
url=https://127.0.0.1:$T_PORT
c() { curl -s --cacert "$T_CERTS/ca.crt" "$@"; }
code() { c -o /dev/null -w '%{http_code}' "$@"; }
hdr() { c -o /dev/null -D - "$@" | tr -d '\r'; }
csp="default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

# ---- static files
expect_match "/console/ serves web_root/index.html" 'console index page' "$(c "$url/console/")"
h=$(hdr "$url/console/")
expect_match "... with the strict Content-Security-Policy" "Content-Security-Policy: $(sed 's/[]\/$*.^[]/\\&/g' <<<"$csp")"$'\n' "$h"
expect_match "... X-Content-Type-Options: nosniff" $'X-Content-Type-Options: nosniff\n' "$h"
expect_match "... Referrer-Policy: no-referrer" $'Referrer-Policy: no-referrer\n' "$h"
expect_match "... as text/html" $'Content-Type: text/html; charset=utf-8\n' "$h"
expect_match "JavaScript is served as text/javascript (module scripts need it)" 'Content-Type: text/javascript' "$(hdr "$url/console/js/app.js")"
expect_match "CSS as text/css" 'Content-Type: text/css' "$(hdr "$url/console/css/console.css")"
expect_match "/console/login serves the sign-in page" 'action=/console/login' "$(c "$url/console/login")"
expect_eq "/console redirects to /console/" "301 $url/console/" "$(c -o /dev/null -w '%{http_code} %{redirect_url}' "$url/console")"
expect_eq "a missing file: 404" 404 "$(code "$url/console/nope.html")"
expect_match "a 404 carries the CSP too" 'Content-Security-Policy' "$(hdr "$url/console/nope.html")"
expect_eq "a symlink inside the root is served" 200 "$(code "$url/console/inside.html")"

# ---- no way out of the root
for p in "/console/../../../../etc/passwd" "/console/%2e%2e/%2e%2e/%2e%2e/etc/passwd" "/console/js/%2e%2e/%2e%2e/private/secret.txt" \
	"/console/..%2f..%2f..%2fetc%2fpasswd" "/console/%2e%2e%5c%2e%2e%5cetc%5cpasswd" "/console/leak.txt" "/console/private/secret.txt" \
	"/console/.secret" "/console//etc/passwd" "/console/vendor/../../../../etc/passwd" "/console/vendor/%2e%2e/%2e%2e/%2e%2e/etc/passwd" \
	"/console/index.html%00.png"; do
	out=$(c --path-as-is -w '\n%{http_code}' "$url$p")
	st=$(tail -n 1 <<<"$out")
	if [[ $out == *root:* || $out == *"TOP SECRET"* || $out == *hidden* || $st == 200 ]]; then
		not_ok "traversal refused: $p" "status $st: $(head -c 200 <<<"$out")"
	else ok "traversal refused: $p ($st)"; fi
done

# ---- Chart.js from Debian's libjs-chart.js
c -o "$T_TMP/chart.js" -D "$T_TMP/chart.h" "$url/console/vendor/chart.js"
if cmp -s "$T_TMP/chart.js" /usr/share/javascript/chart.js/chart.js; then ok "/console/vendor/chart.js is Debian's libjs-chart.js file"
else not_ok "/console/vendor/chart.js is Debian's libjs-chart.js file" "$(head -c 200 "$T_TMP/chart.js")"; fi
expect_match "... as text/javascript" 'Content-Type: text/javascript' "$(cat "$T_TMP/chart.h")"

# ---- sign-in with a token
etok=$(q "select mestat.create_evaluator_token('alice')")
expect_eq "no credentials: /api/v1/session is 401" 401 "$(code "$url/api/v1/session")"
login() { c -o /dev/null -D - -H "Origin: $url" --data-urlencode "token=$1" "$url/console/login" | tr -d '\r'; }
h=$(login "$etok")
expect_match "a good token: 303 to /console/" $'^HTTP/1.1 303[^\n]*\n(.*\n)*Location: /console/\n' "$h"
cookie=$(sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p' <<<"$h")
expect_match "... with a random session id in a cookie" '^[0-9a-f]{64}$' "$cookie"
expect_match "... Secure; HttpOnly; SameSite=Strict; Path=/" 'Set-Cookie: mestat_session=[0-9a-f]{64}; Path=/; Secure; HttpOnly; SameSite=Strict' "$h"
expect_eq "PostgreSQL keeps only the session id's SHA-256" "1|0" \
	"$(q "select count(*) filter (where id_sha256 = encode(sha256(convert_to('$cookie', 'UTF8')), 'hex')),
	             count(*) filter (where s::text like '%$cookie%') from mestat.console_session s")"
ck=(-H "Cookie: mestat_session=$cookie")
s=$(c "${ck[@]}" "$url/api/v1/session")
expect_eq "/api/v1/session names the evaluator" "evaluator|alice|null|true" "$(jq -r '"\(.kind)|\(.name)|\(.reporter)|\(.session)"' <<<"$s")"
csrf=$(jq -r .csrf <<<"$s")
expect_match "... and gives the CSRF token" '^[0-9a-f]{64}$' "$csrf"
expect_eq "the session cookie reads the API" 200 "$(code "${ck[@]}" "$url/api/v1/report/progress")"
expect_eq "the session cookie is no credential to submit" 401 \
	"$(code "${ck[@]}" -H 'Content-Type: application/json' -d '{"reporter":"110000","period":"2018Q3","values":[]}' "$url/api/v1/submissions")"
h=$(login "mse_0000")
expect_match "a bad token: back to the sign-in page with ?error" $'Location: /console/login.html\\?error=1\n' "$h"
expect_eq "... and no cookie" "" "$(grep -i '^Set-Cookie' <<<"$h")"
expect_eq "a sign-in posted from another site: 403" 403 \
	"$(code -H 'Origin: https://evil.example' --data-urlencode "token=$etok" "$url/console/login")"
expect_eq "... or that a browser marks cross-site: 403" 403 \
	"$(code -H 'Sec-Fetch-Site: cross-site' --data-urlencode "token=$etok" "$url/console/login")"
expect_eq "with Accept: application/json sign-in answers the session as JSON" "evaluator|alice" \
	"$(c -H 'Accept: application/json' --data-urlencode "token=$etok" "$url/console/login" | jq -r '"\(.kind)|\(.name)"')"

# ---- CSRF on sign-out
expect_eq "sign-out without the CSRF token: 403" 403 "$(code "${ck[@]}" -X POST "$url/console/logout")"
expect_eq "sign-out with a wrong CSRF token: 403" 403 "$(code "${ck[@]}" -H "X-CSRF-Token: ${csrf:0:63}x" -X POST "$url/console/logout")"
expect_eq "... the session still works" 200 "$(code "${ck[@]}" "$url/api/v1/session")"
h=$(c -o /dev/null -D - "${ck[@]}" -d "csrf=$csrf" "$url/console/logout" | tr -d '\r')
expect_match "sign-out with the CSRF form field: 303 to the sign-in page" $'Location: /console/login.html\\?signed_out=1\n' "$h"
expect_match "... clearing the cookie" 'Set-Cookie: mestat_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0' "$h"
expect_eq "... after which the cookie reads nothing: 401" 401 "$(code "${ck[@]}" "$url/api/v1/report/progress")"
expect_match "... saying the session has ended" 'session has ended' "$(c "${ck[@]}" "$url/api/v1/report/progress")"
cookie2=$(login "$etok" | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
csrf2=$(c -H "Cookie: mestat_session=$cookie2" "$url/api/v1/session" | jq -r .csrf)
expect_eq "sign-out with the X-CSRF-Token header works too" 200 \
	"$(code -H "Cookie: mestat_session=$cookie2" -H "X-CSRF-Token: $csrf2" -H 'Accept: application/json' -X POST "$url/console/logout")"

# ---- a province's session, and revocation
rtok=$(q "select mestat.create_token('110000')")
pc=$(login "$rtok" | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
expect_eq "a province signs in with its token" "reporter|110000|110000" \
	"$(c -H "Cookie: mestat_session=$pc" "$url/api/v1/session" | jq -r '"\(.kind)|\(.name)|\(.reporter)"')"
for code_ in 110000 310000; do
	c -o /dev/null --cert "$T_CERTS/client-$code_.crt" --key "$T_CERTS/client-$code_.key" -H 'Content-Type: application/json' \
		-d "{\"reporter\":\"$code_\",\"period\":\"2018Q3\",\"values\":[{\"indicator\":\"incubators\",\"value\":5}]}" "$url/api/v1/submissions"
done
expect_eq "... and its session reads only its own rows" "110000" \
	"$(c -H "Cookie: mestat_session=$pc" "$url/api/v1/report/latest_values" | jq -r '[.rows[].reporter] | unique | join(",")')"
# ---- receipts through the console session
own=$(q "select id from mestat.submission where reporter = '110000' and outcome = 'accepted' order by id desc limit 1")
other=$(q "select id from mestat.submission where reporter = '310000' and outcome = 'accepted' order by id desc limit 1")
missing=$(q "select coalesce(max(id), 0) + 1000 from mestat.submission")
r=$(c -H "Cookie: mestat_session=$pc" "$url/api/v1/submissions/$own")
expect_eq "a province's session reads its own receipt" "$own|110000|accepted" "$(jq -r '"\(.submission_id)|\(.reporter)|\(.outcome)"' <<<"$r")"
expect_match "... signed" '^[A-Za-z0-9+/=_-]{40,}$' "$(jq -r .receipt.signature <<<"$r")"
a=$(c -w '\n%{http_code}' -H "Cookie: mestat_session=$pc" "$url/api/v1/submissions/$other")
b=$(c -w '\n%{http_code}' -H "Cookie: mestat_session=$pc" "$url/api/v1/submissions/$missing")
expect_eq "... another province's receipt: 404" 404 "$(tail -n 1 <<<"$a")"
expect_eq "... the same answer as a missing one" "$(sed 's/[0-9]\{1,\}/N/g' <<<"$b")" "$(sed 's/[0-9]\{1,\}/N/g' <<<"$a")"
ec=$(login "$etok" | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
expect_eq "an evaluator's session reads every province's receipt" "110000 310000" \
	"$(for i in "$own" "$other"; do c -H "Cookie: mestat_session=$ec" "$url/api/v1/submissions/$i" | jq -r .reporter; done | xargs)"
expect_eq "... and a missing one is 404" 404 "$(code -H "Cookie: mestat_session=$ec" "$url/api/v1/submissions/$missing")"
expect_eq "an evaluator's token reads a province's receipt too" 200 "$(code -H "Authorization: Bearer $etok" "$url/api/v1/submissions/$other")"
expect_eq "a receipt without credentials: 401" 401 "$(code "$url/api/v1/submissions/$own")"
expect_eq "a stale cookie reads no receipt: 401" 401 "$(code -H "Cookie: mestat_session=$cookie" "$url/api/v1/submissions/$own")"

q "select mestat.revoke_token('$rtok')" >/dev/null
expect_eq "revoking the token it signed in with ends the session: 401" 401 "$(code -H "Cookie: mestat_session=$pc" "$url/api/v1/session")"

# ---- a client certificate signs in by itself
h=$(c -o /dev/null -D - --cert "$T_CERTS/client-310000.crt" --key "$T_CERTS/client-310000.key" "$url/console/" | tr -d '\r')
cc=$(sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p' <<<"$h")
expect_match "a browser with a client certificate gets a session on the first page" '^[0-9a-f]{64}$' "$cc"
expect_eq "... for its reporter" "reporter|310000" "$(c -H "Cookie: mestat_session=$cc" "$url/api/v1/session" | jq -r '"\(.kind)|\(.reporter)"')"

# ---- expiry: idle and absolute (values per session, taken at sign-in)
reload() {
	sed -i "s/^session_idle_timeout = .*/session_idle_timeout = $1/; s/^session_max_age = .*/session_max_age = $2/" "$conf"
	local n
	n=$(grep -c 'configuration reloaded' "$T_TMP/mestatd.log")
	kill -HUP "$T_PID"
	for _ in $(seq 100); do [ "$(grep -c 'configuration reloaded' "$T_TMP/mestatd.log")" -gt "$n" ] && break; sleep 0.1; done
}
reload 1s 1h
ic=$(login "$etok" | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
expect_eq "a session idle for less than session_idle_timeout works" 200 "$(code -H "Cookie: mestat_session=$ic" "$url/api/v1/session")"
sleep 2
expect_eq "a session idle longer than session_idle_timeout (1s) has ended: 401" 401 "$(code -H "Cookie: mestat_session=$ic" "$url/api/v1/session")"
reload 1h 1s
ac=$(login "$etok" | sed -n 's/^Set-Cookie: mestat_session=\([0-9a-f]*\);.*/\1/p')
expect_match "the cookie's Max-Age is session_max_age" "Max-Age=1" "$(login "$etok" | grep '^Set-Cookie')"
sleep 2
expect_eq "a session older than session_max_age (1s) has ended however busy: 401" 401 "$(code -H "Cookie: mestat_session=$ac" "$url/api/v1/session")"

# ---- ended sessions are purged on schedule (session_purge_interval = 1s), with no request
h() { echo "encode(sha256(convert_to('$1', 'UTF8')), 'hex')"; }
expect_eq "two sessions made to have ended more than 30 days ago" 2 "$(q "
	with a as (update mestat.console_session set created_at = now() - interval '40 days',
	                  expires_at = now() - interval '31 days', last_seen = now() - interval '40 days'
	            where id_sha256 = $(h "$ac") returning 1),
	     b as (update mestat.console_session set closed_at = now() - interval '31 days'
	            where id_sha256 = $(h "$cookie") returning 1)
	select (select count(*) from a) + (select count(*) from b)")"
for _ in $(seq 50); do
	[ "$(q "select count(*) from mestat.console_session where id_sha256 in ($(h "$ac"), $(h "$cookie"))")" = 0 ] && break
	sleep 0.2
done
expect_eq "the scheduler deletes them without any request" 0 \
	"$(q "select count(*) from mestat.console_session where id_sha256 in ($(h "$ac"), $(h "$cookie"))")"
expect_eq "... but keeps a session that ended recently, and one still open" 2 \
	"$(q "select count(*) from mestat.console_session where id_sha256 in ($(h "$ic"), $(h "$ec"))")"
expect_match "... and logs how many it purged" 'ended console sessions purged.*sessions=2' "$(cat "$T_TMP/mestatd.log")"
