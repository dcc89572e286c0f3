#!/bin/bash
# db_credentials.sh: bearer tokens and certificate pins, administered by the
# plan office and resolved by mestatd (t_daemon) without seeing any secret.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
db_logins "$DB"
q() { db_q postgres "$DB" "$1"; }
d() { db_q t_daemon "$DB" "$1"; }

# ---- tokens

tok=$(q "select mestat.create_token('110000', 'Beijing DHIS2')")
expect_match "create_token returns a long random token" '^mst_[0-9a-f]{64}$' "$tok"
tok2=$(q "select mestat.create_token('110000')")
if [ -n "$tok2" ] && [ "$tok2" != "$tok" ]; then ok "two tokens differ"; else not_ok "two tokens differ" "got [$tok] and [$tok2]"; fi
id=$(q "select id from mestat.api_token where note = 'Beijing DHIS2'")
expect_eq "token_reporter resolves the token to its reporter and token id (as mestatd)" "110000|$id" \
	"$(d "select reporter, token_id from mestat.token_reporter('$tok')")"
expect_eq "the token itself is stored nowhere; its SHA-256 is" "0|1" \
	"$(q "select count(*) filter (where t::text like '%${tok#mst_}%'),
	             count(*) filter (where token_sha256 = encode(sha256(convert_to('$tok', 'UTF8')), 'hex'))
	        from mestat.api_token t")"
expect_eq "an unknown token resolves to nothing" "0" "$(d "select count(*) from mestat.token_reporter('mst_00')")"
expect_eq "a token one character off resolves to nothing" "0" \
	"$(d "select count(*) from mestat.token_reporter('${tok%?}x')")"
expect_eq "revoke_token(id) revokes it" "t" "$(q "select mestat.revoke_token($id::bigint)")"
expect_eq "a revoked token resolves to nothing" "0" "$(d "select count(*) from mestat.token_reporter('$tok')")"
expect_eq "revoking it again reports nothing was revoked" "f" "$(q "select mestat.revoke_token($id::bigint)")"
expect_eq "the other token of the reporter still works" "110000" "$(d "select reporter from mestat.token_reporter('$tok2')")"
expect_eq "revoke_token(text) revokes a token given its text" "t" "$(q "select mestat.revoke_token('$tok2')")"
expect_eq "a token revoked by its text resolves to nothing" "0" "$(d "select count(*) from mestat.token_reporter('$tok2')")"
expect_match "create_token refuses an unknown reporter" 'unknown or inactive reporter "999999"' \
	"$(db_err postgres "$DB" "select mestat.create_token('999999')")"
tok3=$(q "select mestat.create_token('120000')")
q "update mestat.reporter set active = false where code = '120000'" >/dev/null
expect_eq "a token of an inactive reporter resolves to nothing" "0" "$(d "select count(*) from mestat.token_reporter('$tok3')")"
q "update mestat.reporter set active = true where code = '120000'" >/dev/null

# ---- certificate pins

fp=$(printf 'test certificate %s' "$RANDOM" | sha256sum | cut -d' ' -f1)
colons=$(printf '%s' "$fp" | tr a-f A-F | sed 's/../&:/g; s/:$//')
q "select mestat.register_certificate('440300', 'SHA256 Fingerprint=$colons')" >/dev/null
expect_eq "a pinned certificate resolves to its reporter (as mestatd)" "440300" "$(d "select mestat.certificate_reporter('$fp')")"
expect_eq "a fingerprint written with colons and capitals is the same pin" "440300|$fp" \
	"$(q "select reporter, sha256 from mestat.certificate_pin")"
expect_eq "an unknown certificate resolves to NULL" "NULL" \
	"$(d "select coalesce(mestat.certificate_reporter(repeat('0', 64)), 'NULL')")"
expect_match "a certificate cannot be pinned to two reporters" "already registered for reporter 440300" \
	"$(db_err postgres "$DB" "select mestat.register_certificate('110000', '$fp')")"
expect_match "register_certificate refuses what is not a fingerprint" "is not a SHA-256 fingerprint" \
	"$(db_err postgres "$DB" "select mestat.register_certificate('110000', 'abc')")"
expect_eq "revoke_certificate revokes the pin" "t" "$(q "select mestat.revoke_certificate('$fp')")"
expect_eq "a revoked certificate resolves to NULL" "NULL" \
	"$(d "select coalesce(mestat.certificate_reporter('$fp'), 'NULL')")"
q "select mestat.register_certificate('440300', '$fp')" >/dev/null
expect_eq "registering a revoked pin again reinstates it" "440300" "$(d "select mestat.certificate_reporter('$fp')")"

db_drop
