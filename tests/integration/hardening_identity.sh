# hardening_identity.sh - a client certificate names a reporter only through
# a subject with exactly one CN that is a plain code. Certificates signed by
# the test CA (so TLS accepts them) with two CNs in either order, a NUL
# inside the CN, a blank at either end, a newline, no CN but a
# subjectAltName, an empty CN and a 1,000-character CN are each answered
# 401, store nothing, and leave a log line with the certificate's
# fingerprint and the reason; the same script's plain certificate gets in.
. "$TOP/tests/lib.sh"

hc=$T_TMP/hostile-certs
mkdir -p "$hc"
if ! /usr/bin/python3 "$TOP/tests/helpers/hostile_certs.py" "$T_CERTS/ca.crt" "$T_CERTS/ca.key" "$hc" >/dev/null; then
	not_ok "make the hostile certificates" "python3-cryptography failed"
	exit 1
fi

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log
t_conf "$conf" "$db"
t_up "$conf" "$log"
url=https://127.0.0.1:$T_PORT

fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
push() { # push NAME PERIOD: a Beijing value with certificate NAME; body, then status
	t_curl --cert "$hc/$1.crt" --key "$hc/$1.key" -H 'Content-Type: application/json' \
		-d "{\"reporter\":\"110000\",\"period\":\"$2\",\"values\":[{\"indicator\":\"incubators\",\"value\":5}]}" \
		"$url/api/v1/submissions"
}

out=$(push plain 2016Q1)
expect_eq "a plain certificate made by the same script gets in: 201" 201 "$(tail -n 1 <<<"$out")"

declare -A why=(
	[two-cn-ours-first]='ambiguous subject: 2 CNs'
	[two-cn-ours-last]='ambiguous subject: 2 CNs'
	[nul-in-cn]='CN contains NUL'
	[trailing-blank]='CN has a blank at its end'
	[leading-blank]='CN has a blank at its start'
	[newline-in-cn]='CN contains a control character'
	[cn-only-in-san]='no CN in the subject'
	[empty-cn]='empty CN'
	[long-cn]='CN is 1000 bytes long'
)
for name in two-cn-ours-first two-cn-ours-last nul-in-cn trailing-blank leading-blank newline-in-cn \
	cn-only-in-san empty-cn long-cn; do
	out=$(push "$name" 2016Q2)
	expect_eq "$name: 401" 401 "$(tail -n 1 <<<"$out")"
	expect_match "$name: the answer says why" "${why[$name]}" "$(sed '$d' <<<"$out")"
	fp=$(fingerprint "$hc/$name.crt")
	expect_match "$name: logged with the certificate's fingerprint and the reason" \
		"client certificate refused.*fingerprint=$fp.*${why[$name]}" "$(grep "$fp" "$log")"
done
expect_eq "none of them stored a value" 0 "$(q "select count(*) from mestat.observation where period = '2016Q2'")"
expect_eq "none of them is recorded as an accepted submission" 1 \
	"$(q "select count(*) from mestat.submission where outcome = 'accepted'")"

# Pinning the fingerprint of a two-CN certificate does not make its subject
# any less ambiguous: client_identity = subject still refuses it.
q "select mestat.register_certificate('110000', '$(fingerprint "$hc/two-cn-ours-last.crt")')" >/dev/null
out=$(push two-cn-ours-last 2016Q3)
expect_eq "a pinned certificate with two CNs is still refused: 401" 401 "$(tail -n 1 <<<"$out")"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
