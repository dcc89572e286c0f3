#!/bin/bash
# auth_evaluators.sh - evaluators as callers: a token made by
# mestat.create_evaluator_token() (shown once, stored hashed, revocable) or a
# pinned client certificate identifies an evaluator; evaluators never submit.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
t_up "$conf"

url=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
quarter='{"reporter":"110000","period":"2018Q3","values":[{"indicator":"incubators","value":57}]}'
post() { t_curl -H 'Content-Type: application/json' -d "$quarter" "$@" "$url/api/v1/submissions"; }
as_daemon() { pg_psql -d "$db" -tA -c "set role mestat_daemon; $1"; }

# ---- tokens in the database

tok=$(q "select mestat.create_evaluator_token('alice', 'evaluation office')")
expect_match "create_evaluator_token returns a long random token" '^mse_[0-9a-f]{64}$' "$tok"
expect_eq "the evaluator exists after its first token" "alice|t" "$(q "select name, active from mestat.evaluator")"
expect_eq "the token is stored as its SHA-256 only" "0|1" \
	"$(q "select count(*) filter (where t::text like '%${tok#mse_}%'),
	             count(*) filter (where token_sha256 = encode(sha256(convert_to('$tok', 'UTF8')), 'hex'))
	        from mestat.evaluator_token t")"
tid=$(q "select id from mestat.evaluator_token where evaluator = 'alice'")
expect_eq "mestatd's role resolves the token to the evaluator and token id" "alice|$tid" \
	"$(as_daemon "select evaluator, token_id from mestat.token_evaluator('$tok')")"
expect_match "mestatd's role cannot read the stored hashes" 'permission denied' \
	"$(as_daemon "select * from mestat.evaluator_token" 2>&1)"
expect_match "an evaluator name must be a plain name" 'is not an evaluator name' \
	"$(q "select mestat.create_evaluator_token('a b')" 2>&1)"

# ---- the token over HTTPS

out=$(post -H "Authorization: Bearer $tok")
expect_eq "an evaluator token is known but may not submit: 403" 403 "$(status "$out")"
expect_match "... and the reply says why" 'belongs to an evaluator' "$(body "$out")"
expect_eq "... and nothing is stored" 0 "$(q "select count(*) from mestat.submission")"
out=$(t_curl -H "Authorization: Bearer $tok" "$url/api/v1/submissions/1")
expect_eq "an evaluator asking for a receipt that does not exist: 404" 404 "$(status "$out")"
rtok=$(q "select mestat.create_token('110000')")
expect_eq "a reporter's token still submits: 201" 201 "$(status "$(post -H "Authorization: Bearer $rtok")")"
sid=$(q "select max(id) from mestat.submission")
expect_eq "an evaluator reads any reporter's receipt by id" "$sid|110000" \
	"$(body "$(t_curl -H "Authorization: Bearer $tok" "$url/api/v1/submissions/$sid")" | jq -r '"\(.submission_id)|\(.reporter)"')"

expect_eq "revoke_evaluator_token(id) revokes it" t "$(q "select mestat.revoke_evaluator_token($tid::bigint)")"
expect_eq "a revoked evaluator token: 401" 401 "$(status "$(post -H "Authorization: Bearer $tok")")"
tok2=$(q "select mestat.create_evaluator_token('alice')")
expect_eq "a second token of the same evaluator works" 403 "$(status "$(post -H "Authorization: Bearer $tok2")")"
expect_eq "revoke_evaluator_token(text) revokes a token given its text" t \
	"$(q "select mestat.revoke_evaluator_token('$tok2')")"
expect_eq "... after which it is unknown: 401" 401 "$(status "$(post -H "Authorization: Bearer $tok2")")"
tok3=$(q "select mestat.create_evaluator_token('bob')")
q "update mestat.evaluator set active = false where name = 'bob'" >/dev/null
expect_eq "a token of an inactive evaluator: 401" 401 "$(status "$(post -H "Authorization: Bearer $tok3")")"

# ---- a client certificate pinned to an evaluator

cp "$T_CERTS/ca.crt" "$T_CERTS/ca.key" "$T_TMP/"
certs__sign "$T_TMP" eval-carol carol "extendedKeyUsage=clientAuth"
fp=$(openssl x509 -in "$T_TMP/eval-carol.crt" -noout -fingerprint -sha256 | cut -d= -f2)
cc=(--cert "$T_TMP/eval-carol.crt" --key "$T_TMP/eval-carol.key")
expect_eq "an unpinned certificate whose CN is no reporter: 401" 401 "$(status "$(post "${cc[@]}")")"
q "select mestat.register_evaluator_certificate('carol', '$fp')" >/dev/null
expect_eq "a certificate pinned to an evaluator is that evaluator: 403 on submit" 403 "$(status "$(post "${cc[@]}")")"
hex=$(tr -d : <<<"${fp,,}")
expect_eq "mestatd's role resolves the pin" carol "$(as_daemon "select mestat.certificate_evaluator('$hex')")"
q "select mestat.register_certificate('440300', '$(printf x | sha256sum | cut -c1-64)')" >/dev/null
expect_match "a fingerprint pinned to a reporter cannot be pinned to an evaluator" 'registered for reporter 440300' \
	"$(q "select mestat.register_evaluator_certificate('carol', '$(printf x | sha256sum | cut -c1-64)')" 2>&1)"
expect_eq "revoke_evaluator_certificate revokes the pin" t "$(q "select mestat.revoke_evaluator_certificate('$fp')")"
expect_eq "a revoked evaluator certificate: 401" 401 "$(status "$(post "${cc[@]}")")"
