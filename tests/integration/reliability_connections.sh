# reliability_connections.sh - 10,000 idle TLS connections held with bounded
# memory; beyond max_connections new ones are refused cleanly (503) and the
# ones held still work. (2,000 under the sanitizer build, which is slower.)
. "$TOP/tests/lib.sh"

HOLD=10000 LIMIT_KB=64
# AddressSanitizer's redzones and quarantine cost ~150 KiB per connection.
[[ ${T_BUILD:-} == *debug* ]] && HOLD=2000 LIMIT_KB=512
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
# Each side (mestatd, the client) needs one descriptor per connection.
if [ "$(ulimit -n)" -lt $((HOLD + 500)) ]; then
	HOLD=$(( $(ulimit -n) - 500 ))
	echo "# file descriptor limit: holding $HOLD"
fi
db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "max_connections = $HOLD" "request_timeout = 120s"
t_up "$conf"
echo "$T_PID" >"$T_TMP/pid"

out=$(timeout 300 python3 "$TOP/tests/helpers/idle_tls.py" "$T_PORT" "$T_CERTS/ca.crt" "$HOLD" 50 "$T_TMP/pid")
echo "# $out"
held=$(jq -r .held <<<"$out")
expect_eq "$HOLD idle TLS connections are held at once" "$HOLD" "$held"
per=$(jq -r .per_connection_kb <<<"$out")
if python3 -c "import sys; sys.exit(0 if $per < $LIMIT_KB else 1)"; then
	ok "memory stays bounded: ${per} KiB per idle connection (limit $LIMIT_KB)"
else
	not_ok "memory stays bounded" "${per} KiB per idle connection (limit $LIMIT_KB)"
fi
expect_eq "connections beyond max_connections get 503" 50 "$(jq -r .extra_503 <<<"$out")"
expect_eq "the connections held still get answers" 20 "$(jq -r .held_200 <<<"$out")"
sleep 1
expect_match "mestatd serves normally once they are gone" '"database":"up"' "$(t_curl "https://127.0.0.1:$T_PORT/healthz")"
t_stop
expect_eq "mestatd stops cleanly with them" 0 "$T_RC"
