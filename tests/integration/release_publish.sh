#!/bin/bash
# release_publish.sh: the quarterly release. Its calendar around a release
# date in Beijing time; a preview an evaluator sees and a province does not;
# publication at the release time by one of two daemons only; the signature
# checked with openssl as the README says; a correction chained to its
# predecessor; a stored release tampered with (as superuser) found out.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log
t_conf "$conf" "$db" "recompute_interval = 1h" "web_root = $TOP/web"
t_up "$conf" "$log"
url=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
# ---- The calendar, with the clock given (Beijing is UTC+8).

cal() { q "select status, due_for_publication from mestat.release_calendar_at('$1') where period = '2020Q4'"; }
expect_eq "2020Q4 is due on 2021-01-30 (quarter end + due_days 30) and released 15 days later" \
	"2021-01-30|2021-02-14|2021-02-14 01:30:00+00" \
	"$(q "set timezone = 'UTC'; select due_date, release_date, release_time from report.release_calendar where period = '2020Q4'")"
expect_eq "before the quarter ends in Beijing (2020-12-31 23:59 +08) it is planned" "planned|f" "$(cal '2020-12-31 15:59:59+00')"
expect_eq "once it has ended in Beijing (2021-01-01 00:00 +08, still 2020 in UTC) it is a preview" "preview|f" \
	"$(cal '2020-12-31 16:00:00+00')"
expect_eq "one second before 09:30 Beijing on the release date it is not yet due" "preview|f" \
	"$(cal '2021-02-14 09:29:59+08')"
expect_eq "at 09:30 Beijing on the release date it is due for publication" "preview|t" "$(cal '2021-02-14 09:30:00+08')"
q "select mestat.set_release_date('2020Q4', '2021-02-20')" >/dev/null
expect_eq "set_release_date moves one quarter: no longer due on the 14th" "preview|f" "$(cal '2021-02-14 09:30:00+08')"
expect_eq "... but due at 09:30 Beijing on the new date" "preview|t" "$(cal '2021-02-20 01:30:00+00')"
expect_eq "... and the next quarter keeps its own date" "2021-05-15" \
	"$(q "select release_date from report.release_calendar where period = '2021Q1'")"
expect_eq "quarters released before the calendar started are not published by themselves" "" \
	"$(q "select period from mestat.release_due('2021-02-20 01:30:00+00')")"
expect_eq "release_days from the configuration reaches the database" "15" \
	"$(q "select value from mestat.setting where name = 'release_days'")"

# ---- A preview: evaluators only.

etok=$(q "select mestat.create_evaluator_token('alice')")
prov=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
out=$(t_curl "${prov[@]}" "$url/api/v1/releases/2020Q4")
expect_eq "a province asking for an unpublished quarter gets 404" 404 "$(status "$out")"
expect_match "... told it is not published yet" 'not been published yet' "$(body "$out")"
out=$(t_curl -D "$T_TMP/prev.h" -H "Authorization: Bearer $etok" "$url/api/v1/releases/2020Q4")
expect_eq "an evaluator gets the preview: 200" 200 "$(status "$out")"
expect_eq "... marked as a preview, revision 1 of 2020Q4" "true|2020Q4|1" \
	"$(body "$out" | jq -r '[.preview, .period, .revision] | join("|")')"
expect_match "... with the preview header" 'Mestat-Release-Preview: yes' "$(tr -d '\r' <"$T_TMP/prev.h")"
expect_eq "without credentials (publish_public = no): 401" 401 "$(status "$(t_curl "$url/api/v1/releases/2020Q4")")"
expect_eq "the public page is off by default: 404" 404 "$(status "$(t_curl "$url/releases/2020Q4")")"
expect_eq "nothing was stored by reading previews" 0 "$(q "select count(*) from mestat.release")"

# ---- Publication at the release time, by one of two daemons.

conf2=$T_TMP/mestatd2.conf
log2=$T_TMP/mestatd2.log
pid1=$T_PID
port1=$T_PORT
t_conf "$conf2" "$db" "recompute_interval = 1h" "web_root = $TOP/web"
t_up "$conf2" "$log2" "a second mestatd starts on the same database"
pid2=$T_PID
T_PORT=$port1
url=https://127.0.0.1:$T_PORT
q "select mestat.set_release_date('2020Q4', ((now() at time zone 'Asia/Shanghai')::date - 1));
   select mestat.start_release_calendar(mestat.release_time((now() at time zone 'Asia/Shanghai')::date - 1))" >/dev/null
w=$(t_wait_sql 40 "select exists (select 1 from mestat.release where period = '2020Q4')")
expect_match "once its release time has passed, 2020Q4 is published without anyone asking" "^[0-9]+$" "$w"
sleep 12 # more than two rounds of each daemon
expect_eq "... exactly once, although two daemons watch the calendar" 1 \
	"$(q "select count(*) from mestat.release where period = '2020Q4'")"
n1=$(grep -c 'msg="release published" period=2020Q4' "$log")
n2=$(grep -c 'msg="release published" period=2020Q4' "$log2")
expect_eq "... by one daemon (publication log lines in the two logs)" 1 "$((n1 + n2))"
expect_eq "the first release of the chain has no predecessor and is revision 1" "1||f" \
	"$(q "select revision, previous_sha256, request is not null from mestat.release")"
expect_eq "the calendar says published" "published|1" \
	"$(q "select status, revision from report.release_calendar where period = '2020Q4'")"
kill -TERM "$pid2"
wait "$pid2"
T_PID=$pid1

# ---- Reading it and verifying it as the README says.

out=$(t_curl -D "$T_TMP/rel.h" "${prov[@]}" "$url/api/v1/releases/2020Q4" -o "$T_TMP/release.json")
expect_eq "a province reads the published release: 200" 200 "$(status "$out")"
expect_eq "the body is the stored signed bytes, byte for byte" \
	"$(q "select sha256 from mestat.release where revision = 1")" "$(sha256sum <"$T_TMP/release.json" | cut -c1-64)"
expect_eq "... and is canonical: what jq -cjS prints (compact, keys sorted)" "same" \
	"$(jq -cjS . "$T_TMP/release.json" | cmp -s - "$T_TMP/release.json" && echo same || echo different)"
curl -s --cacert "$T_CERTS/ca.crt" "$url/api/v1/receipt-key" >"$T_TMP/key.pem"
t_curl "${prov[@]}" "$url/api/v1/releases" | sed '$d' >"$T_TMP/list.json"
jq -r '.releases[] | select(.period == "2020Q4" and .revision == 1) | .signature' "$T_TMP/list.json" |
	base64 -d >"$T_TMP/release.sig"
expect_status "openssl pkeyutl verifies the signature with the receipt key" 0 \
	openssl pkeyutl -verify -pubin -inkey "$T_TMP/key.pem" -rawin -in "$T_TMP/release.json" -sigfile "$T_TMP/release.sig"
expect_eq "the signature header says the same as the list" \
	"$(jq -r '.releases[0].signature' "$T_TMP/list.json")" \
	"$(tr -d '\r' <"$T_TMP/rel.h" | sed -n 's/^Mestat-Release-Signature: //p')"
expect_eq "the document names the key that signed it (SHA-256 of the public key)" \
	"$(openssl pkey -pubin -in "$T_TMP/key.pem" -outform DER | sha256sum | cut -c1-64)" \
	"$(jq -r .signing_key.sha256 "$T_TMP/release.json")"
expect_eq "an evaluator reads it too" 200 "$(status "$(t_curl -H "Authorization: Bearer $etok" "$url/api/v1/releases/2020Q4")")"

# ---- A correction: revision 2, chained to revision 1.

expect_match "publishing a published quarter again needs a reason" 'a correction needs a reason' \
	"$(q "select mestat.publish_release('2020Q4')" 2>&1)"
# Hold the publishers' lock meanwhile, so the request surely still waits.
pg_psql -d "$db" -c "select pg_advisory_lock(7882833666754571379); select pg_sleep(2)" >/dev/null 2>&1 &
holder=$!
sleep 0.5
q "select mestat.publish_release('2020Q4', 'Beijing corrected its incubator count')" >/dev/null
expect_match "a second request while one waits is refused" 'already waiting to be published' \
	"$(q "select mestat.publish_release('2020Q4', 'again')" 2>&1)"
wait "$holder"
w=$(t_wait_sql 30 "select exists (select 1 from mestat.release where period = '2020Q4' and revision = 2)")
expect_match "the plan office's correction is published on mestatd's next round" "^[0-9]+$" "$w"
expect_eq "revision 2 names revision 1 as its predecessor, in the row and in the signed document" "t|t" \
	"$(q "select r2.previous_sha256 = r1.sha256, (r2.body::jsonb->>'previous_sha256') = r1.sha256
	        from mestat.release r1 join mestat.release r2 on r2.revision = 2 where r1.revision = 1")"
expect_eq "... with its reason" "Beijing corrected its incubator count" \
	"$(q "select body::jsonb->>'reason' from mestat.release where revision = 2")"
expect_eq "the request is marked answered" "t" "$(q "select done_at is not null and release is not null from mestat.release_request")"
t_curl -D "$T_TMP/r1.h" "${prov[@]}" "$url/api/v1/releases/2020Q4?revision=1" >/dev/null
expect_eq "revision 1 stays readable, marked superseded" "yes" \
	"$(tr -d '\r' <"$T_TMP/r1.h" | sed -n 's/^Mestat-Release-Superseded: //p')"
expect_eq "the latest is revision 2" 2 "$(t_curl "${prov[@]}" "$url/api/v1/releases/2020Q4" | sed '$d' | jq .revision)"
expect_eq "report.releases marks the first superseded" "1|t 2|f" \
	"$(q "select revision || '|' || case when superseded then 't' else 'f' end from report.releases order by id" | paste -sd' ')"
expect_eq "an evaluator finds the chain intact in report.release_verification" "t|t|t t|t|t" \
	"$(pg_psql -d "$db" -tA -c "set role mestat_evaluator;
	   select concat_ws('|', sha256_ok, chain_ok, document_ok) from report.release_verification" | paste -sd' ')"
expect_eq "... and reads the calendar and the items" "published|true" \
	"$(pg_psql -d "$db" -tA -c "set role mestat_evaluator; select status || '|' || (select count(*) > 0 from
	   report.release_items) from report.release_calendar where period = '2020Q4'")"

# ---- The README's commands, run as written (server address and CA replaced).

readme_block() { # readme_block N: the Nth sh block of the README's "Verifying a release"
	awk -v n="$1" '/^### Verifying a release/ {s = 1} s && /^```sh$/ {b++; if (b == n) {p = 1; next}}
		p && /^```$/ {exit} p' "$TOP/README.md" |
		sed -e "s|https://mestat.example|$url|g" -e "s|mestat-ca.crt|$T_CERTS/ca.crt|g"
}
mkdir -p "$T_TMP/readme" && cd "$T_TMP/readme" || exit 1
out=$(TOKEN=$etok bash -e <<<"$(readme_block 1)" 2>&1)
expect_eq "the README's commands verify the latest release's signature" "Signature Verified Successfully" "$out"
out=$(TOKEN=$etok bash <<<"$(readme_block 2)" 2>&1)
expect_match "the README's chain check passes both releases" "^ok 2020Q4 r1 [0-9a-f]{64}"$'\n'"ok 2020Q4 r2 [0-9a-f]{64}$" "$out"
cd "$T_TMP" || exit 1

# ---- Immutable, and tampering found out.

expect_match "mestatd's role cannot change a release" 'permission denied' \
	"$(pg_psql -d "$db" -tA -c "set role mestat_daemon; update mestat.release set reason = 'x'" 2>&1)"
expect_match "even a superuser is refused by the trigger (unless deliberately acting as mestat_owner)" 'keeps history' \
	"$(pg_psql -d "$db" -tA -c "delete from mestat.release" 2>&1)"
expect_match "TRUNCATE is refused" 'keeps history|permission denied' \
	"$(pg_psql -d "$db" -tA -c "set role mestat_daemon; truncate mestat.release" 2>&1)"
q "alter table mestat.release disable trigger release_keeps_history;
   update mestat.release set body = replace(body, '\"revision\":1', '\"revision\":1 ') where revision = 1;
   alter table mestat.release enable trigger release_keeps_history" >/dev/null
expect_eq "a body changed behind the triggers' back no longer matches its hash" "f|t|t" \
	"$(q "select concat_ws('|', sha256_ok, chain_ok, document_ok) from mestat.verify_releases() where revision = 1")"
t_curl "${prov[@]}" "$url/api/v1/releases/2020Q4?revision=1" | sed '$d' >"$T_TMP/tampered.json"
expect_status "... and openssl refuses its signature" 1 \
	openssl pkeyutl -verify -pubin -inkey "$T_TMP/key.pem" -rawin -in "$T_TMP/tampered.json" -sigfile "$T_TMP/release.sig"
q "alter table mestat.release disable trigger release_keeps_history;
   update mestat.release set sha256 = encode(sha256(convert_to(body, 'UTF8')), 'hex') where revision = 1;
   alter table mestat.release enable trigger release_keeps_history" >/dev/null 2>&1
expect_eq "re-hashing the tampered body breaks the chain to revision 2" "t|t|t t|f|t" \
	"$(q "select concat_ws('|', sha256_ok, chain_ok, document_ok) from mestat.verify_releases()" | paste -sd' ')"
cd "$T_TMP/readme" || exit 1
expect_match "... and the README's chain check says so" "BROKEN 2020Q4 r2" "$(TOKEN=$etok bash <<<"$(readme_block 2)" 2>&1)"
cd "$T_TMP" || exit 1

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
