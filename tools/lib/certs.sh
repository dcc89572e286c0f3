# Test certificates: a CA, a server certificate for localhost/127.0.0.1 and
# client certificates whose subject CN is a reporter code.
# Source this file; it defines certs_ca, certs_server, certs_client.

# certs_ca DIR [NAME]: a self-signed CA in DIR/ca.crt, DIR/ca.key.
certs_ca() {
	local dir=$1 name=${2:-mestat test CA}
	mkdir -p "$dir"
	[ -f "$dir/ca.crt" ] && return 0
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/ca.key" -out "$dir/ca.crt" -days 3650 -subj "/CN=$name" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# certs__sign DIR NAME CN EXT DAYS: key DIR/NAME.key, certificate DIR/NAME.crt signed by DIR/ca.
certs__sign() {
	local dir=$1 name=$2 cn=$3 ext=$4 days=${5:-825}
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" 2>/dev/null &&
	printf '%s\n' "$ext" >"$dir/$name.ext" &&
	openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
		-CAcreateserial -out "$dir/$name.crt" -days "$days" -extfile "$dir/$name.ext" 2>/dev/null &&
	rm -f "$dir/$name.csr" "$dir/$name.ext"
}

# certs_server DIR [NAME]: DIR/NAME.crt for localhost and 127.0.0.1 (NAME: server).
certs_server() {
	local name=${2:-server}
	[ -f "$1/$name.crt" ] && return 0
	certs__sign "$1" "$name" localhost \
		"subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
extendedKeyUsage=serverAuth"
}

# certs_client DIR CODE: DIR/client-CODE.crt with subject CN=CODE.
certs_client() {
	[ -f "$1/client-$2.crt" ] && return 0
	certs__sign "$1" "client-$2" "$2" "extendedKeyUsage=clientAuth"
}
