# daemon_lifecycle.sh - mestatd's command line, TLS listener, /healthz with
# the database going away and coming back, reload, systemd notify, shutdown.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
log=$T_TMP/mestatd.log

expect_match "--version prints the version" '^mestatd [0-9]+\.[0-9]+' "$("$MESTATD" --version)"
expect_status "-t accepts a valid configuration" 0 "$MESTATD" -t -c "$conf"

bad=$T_TMP/bad.conf
cp "$conf" "$bad"
printf 'max_connections = many\nlisten_port = 1\n' >>"$bad"
out=$("$MESTATD" -t -c "$bad" 2>&1)
rc=$?
expect_eq "-t rejects a bad configuration with exit 1" 1 "$rc"
expect_match "-t names the bad value with file and line" "bad.conf:[0-9]+: bad value \"many\" for key \"max_connections\"" "$out"
expect_match "-t names the unknown key with file and line" "bad.conf:[0-9]+: unknown key \"listen_port\"" "$out"
out=$("$MESTATD" -t -c "$T_TMP/missing.conf" 2>&1)
expect_match "-t on a missing file says it cannot open it" "missing.conf: cannot open" "$out"

notify_log=$T_TMP/notify.log
t_notify_listen "$T_TMP/notify.sock" "$notify_log" 60
listener=$T_NOTIFY_PID

export NOTIFY_SOCKET=$T_TMP/notify.sock WATCHDOG_USEC=400000
if t_start "$conf" "$log"; then ok "mestatd starts and answers on its TLS port"; else
	not_ok "mestatd starts and answers on its TLS port" "$(tail -n 5 "$log")"
fi
unset NOTIFY_SOCKET WATCHDOG_USEC
sleep 0.5
expect_match "READY=1 is sent to NOTIFY_SOCKET" 'READY=1' "$(cat "$notify_log")"
expect_match "WATCHDOG=1 is sent at half of WATCHDOG_USEC" 'WATCHDOG=1' "$(cat "$notify_log")"

health() { t_curl "https://127.0.0.1:$T_PORT/healthz"; }
wait_for() { # wait_for REGEX: poll /healthz up to 15 s until it matches
	local out
	for _ in $(seq 150); do
		out=$(health)
		[[ $out =~ $1 ]] && break
		sleep 0.1
	done
	echo "$out"
}
out=$(wait_for '"database":"up"')
expect_match "/healthz over TLS answers 200 with the database up" '"database":"up".*200$' "$(tr -d '\n' <<<"$out")"
expect_match "/healthz is also served on metrics_listen" '"status":"ok"' "$(curl -s "http://127.0.0.1:$T_MPORT/healthz")"
expect_match "under systemd, log lines carry level= and msg= and no time" '^level=info msg="mestatd started"' "$(grep 'mestatd started' "$log")"

plain=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$T_PORT/healthz")
expect_eq "plain HTTP on the TLS port gets no HTTP answer" "000" "$plain"
old=$(curl -s -m 5 -o /dev/null -w '%{http_code}' --tlsv1.0 --tls-max 1.1 --cacert "$T_CERTS/ca.crt" "https://127.0.0.1:$T_PORT/healthz")
expect_eq "TLS 1.1 is refused (1.2 is the minimum)" "000" "$old"
expect_match "the server still answers after refused handshakes" '200$' "$(health | tail -n 1)"

pg_stop "$PGHOST" fast
out=$(wait_for '"database":"down"')
expect_match "/healthz reports the database down while PostgreSQL is stopped" '"database":"down"' "$out"
expect_match "... and answers 503, so a load balancer reading only the status takes it out" '503$' "$(tail -n 1 <<<"$out")"
expect_match "... on metrics_listen too" '"database":"down".*503$' "$(curl -s -w '%{http_code}' "http://127.0.0.1:$T_MPORT/healthz")"
pg_restart "$PGHOST"
out=$(wait_for '"database":"up"')
expect_match "/healthz reports the database up again after PostgreSQL restarts" '"database":"up"' "$out"

cp "$conf" "$conf.good"
echo "max_body_size = huge" >>"$conf"
kill -HUP "$T_PID"
sleep 0.5
expect_match "a reload with a broken file is refused and says why" 'reload refused.*max_body_size' "$(grep 'reload refused' "$log")"
expect_match "mestatd keeps serving after a refused reload" '200$' "$(health | tail -n 1)"
cp "$conf.good" "$conf"
echo "log_level = debug" >>"$conf"
kill -HUP "$T_PID"
sleep 0.5
expect_match "a reload with a good file is applied" 'configuration reloaded' "$(cat "$log")"
expect_match "RELOADING=1 with MONOTONIC_USEC is sent on reload" 'RELOADING=1 MONOTONIC_USEC=[0-9]+' "$(cat "$notify_log")"

pid=$T_PID
t_stop
expect_eq "SIGTERM stops mestatd with exit 0" 0 "$T_RC"
sleep 0.3
expect_match "STOPPING=1 is sent on shutdown" 'STOPPING=1' "$(cat "$notify_log")"
expect_match "the shutdown is logged" 'mestatd stopped' "$(tail -n 3 "$log")"
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
: "$pid"
