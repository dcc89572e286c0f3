# ops_certs.sh - mestatd-certs, the operator's certificate command: what it
# makes verifies with openssl and has the right names, usages and modes; it
# keeps an existing CA, renews only with --force, refuses what is not a
# reporter code, signs with a ministry's own CA, and writes a signing request
# for one kept elsewhere. (The README's install, replayed by
# install_readme.sh, shows mestatd accepting what it makes.)
. "$TOP/tests/lib.sh"

certs=${T_BUILD:-$(dirname "$MESTATD")}/mestatd-certs
if [ ! -x "$certs" ]; then
	not_ok "the build makes mestatd-certs" "no $certs"
	exit 0
fi
d=$T_TMP/tls
group=$(id -gn) # as root the files go to root:GROUP; any existing group will do here
mc() { "$certs" -d "$d" -g "$group" "$@"; }
mode() { stat -c '%a' "$1" 2>&1; }

expect_match "--help lists the commands" 'ca \[NAME\].*server NAME.*server-csr NAME.*client CODE' "$("$certs" --help | tr '\n' ' ')"
expect_status "ca makes the CA" 0 mc ca "test ministry CA"
expect_status "server makes the server certificate" 0 mc server mestat.example 192.0.2.7
expect_status "client makes one certificate per code" 0 mc client 110000 330000
expect_match "the server certificate verifies against the CA" ': OK$' "$(openssl verify -CAfile "$d/clients-ca.crt" "$d/server.crt" 2>&1)"
expect_match "... names every DNS name and IP address given" 'DNS:mestat.example, IP Address:192.0.2.7' \
	"$(openssl x509 -in "$d/server.crt" -noout -ext subjectAltName 2>&1 | tr '\n' ' ')"
expect_match "... is for TLS servers" 'TLS Web Server Authentication' "$(openssl x509 -in "$d/server.crt" -noout -ext extendedKeyUsage 2>&1 | tr '\n' ' ')"
expect_eq "... and matches its key" "$(openssl pkey -in "$d/server.key" -pubout 2>&1)" "$(openssl x509 -in "$d/server.crt" -noout -pubkey 2>&1)"
expect_match "a client certificate verifies against the CA" ': OK$' "$(openssl verify -CAfile "$d/clients-ca.crt" "$d/clients/330000.crt" 2>&1)"
expect_match "... has the reporter code as its subject CN" 'CN ?= ?330000' "$(openssl x509 -in "$d/clients/330000.crt" -noout -subject)"
expect_match "... is for TLS clients" 'TLS Web Client Authentication' "$(openssl x509 -in "$d/clients/330000.crt" -noout -ext extendedKeyUsage 2>&1 | tr '\n' ' ')"
expect_match "the CA is a CA" 'CA:TRUE' "$(openssl x509 -in "$d/clients-ca.crt" -noout -ext basicConstraints 2>&1 | tr '\n' ' ')"
expect_eq "modes: CA key, server key, server certificate, client key, clients directory" "600 640 644 600 700" \
	"$(mode "$d/clients-ca.key") $(mode "$d/server.key") $(mode "$d/server.crt") $(mode "$d/clients/330000.key") $(mode "$d/clients")"

ca_fp=$(openssl x509 -in "$d/clients-ca.crt" -noout -fingerprint -sha256)
expect_status "ca again succeeds" 0 mc ca
expect_eq "... and keeps the existing CA" "$ca_fp" "$(openssl x509 -in "$d/clients-ca.crt" -noout -fingerprint -sha256)"
fp=$(openssl x509 -in "$d/server.crt" -noout -fingerprint -sha256)
expect_status "server again without --force is refused (exit 1)" 1 mc server mestat.example
expect_eq "... and leaves the certificate as it was" "$fp" "$(openssl x509 -in "$d/server.crt" -noout -fingerprint -sha256)"
expect_status "server --force renews" 0 mc --force server mestat.example
expect_match "... with a new certificate that verifies" "^changed.*: OK$" \
	"$([ "$fp" != "$(openssl x509 -in "$d/server.crt" -noout -fingerprint -sha256)" ] && echo changed) $(openssl verify -CAfile "$d/clients-ca.crt" "$d/server.crt" 2>&1)"
expect_status "a code that is not a reporter code is refused" 1 mc client ../etc
expect_eq "... and nothing is written outside clients/" "" "$(ls "$d" | grep "^etc")"
expect_status "a missing group is named, not guessed" 1 "$certs" -d "$d" -g no-such-group-here client 440300
expect_match "... with a hint" 'does not exist: run systemd-sysusers' "$(cat "$T_TMP/last.out")"

# A ministry's own CA: sign with it, or only ask it to sign.
expect_status "--ca-cert/--ca-key sign with an existing CA" 0 "$certs" -d "$T_TMP/own" -g "$group" \
	--ca-cert "$T_CERTS/ca.crt" --ca-key "$T_CERTS/ca.key" client 440300
expect_match "... whose certificate verifies against that CA" ': OK$' "$(openssl verify -CAfile "$T_CERTS/ca.crt" "$T_TMP/own/clients/440300.crt" 2>&1)"
expect_match "... and which says tls_client_ca must name it" "tls_client_ca names $T_CERTS/ca.crt" "$(cat "$T_TMP/last.out")"
expect_status "server-csr writes a key and a signing request" 0 "$certs" -d "$T_TMP/csr" -g "$group" server-csr mestat.example
expect_match "... a valid request for the names given" 'verify OK.*DNS:mestat.example' \
	"$(openssl req -in "$T_TMP/csr/server.csr" -noout -verify -text 2>&1 | tr '\n' ' ')"
expect_eq "... and no certificate" "no" "$([ -e "$T_TMP/csr/server.crt" ] && echo yes || echo no)"
