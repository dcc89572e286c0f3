# ops_reload.sh - reloads (SIGHUP) in the middle of a stream of submissions
# lose nothing: every one of N distinct pushes gets 201 and the database
# holds exactly their N rows, while the configuration is reloaded several
# times (log level toggled, a new TLS certificate swapped in, a change that
# needs a restart refused). After each reload systemd hears RELOADING=1,
# then READY=1 with a STATUS= summary; new connections get the new
# certificate.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
base_conf=$(cat "$conf")
log=$T_TMP/mestatd.log

# A second server certificate from the same test CA, for the swap.
tls2=$T_TMP/tls2
mkdir -p "$tls2"
cp "$T_CERTS/ca.crt" "$T_CERTS/ca.key" "$tls2/"
certs_server "$tls2" || { not_ok "issue a second server certificate" "certs_server failed"; exit 1; }

# The systemd side: a datagram socket that logs what mestatd sends.
notify_log=$T_TMP/notify.log
: >"$notify_log"
t_notify_listen "$T_TMP/notify.sock" "$notify_log" 300
listener=$T_NOTIFY_PID

export NOTIFY_SOCKET=$T_TMP/notify.sock
if ! t_start "$conf" "$log"; then
	not_ok "mestatd starts" "$(tail -n 5 "$log")"
	kill "$listener" 2>/dev/null
	exit 1
fi
unset NOTIFY_SOCKET
url=https://127.0.0.1:$T_PORT

# serial: the serial number of the certificate a new TLS connection gets.
serial() {
	openssl s_client -connect "127.0.0.1:$T_PORT" -servername localhost </dev/null 2>/dev/null |
		openssl x509 -noout -serial 2>/dev/null
}
serial_before=$(serial)
expect_eq "before the swap, new connections get the first certificate" \
	"$(openssl x509 -in "$T_CERTS/server.crt" -noout -serial)" "$serial_before"

# N distinct one-row submissions: 10 quarterly indicators x 20 quarters,
# pushed by W workers in parallel, each request bounded in time and each
# worker by a deadline; every answer's status goes to a file.
indicators=(incubators makerspaces tech_contracts inspection_bodies fintech_enterprises
	incubated_enterprises ip_service_institutions shared_instruments st_consulting_institutions
	tech_transfer_institutions)
periods=()
for y in 2016 2017 2018 2019 2020; do for q in 1 2 3 4; do periods+=("${y}Q$q"); done; done
N=$((${#indicators[@]} * ${#periods[@]}))
W=4
pusher() { # pusher WORKER: push cells WORKER, WORKER+W, ...
	local w=$1 i deadline=$((SECONDS + 240)) body status
	for ((i = w; i < N; i += W)); do
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "$i deadline"
			continue
		fi
		body="{\"reporter\":\"110000\",\"period\":\"${periods[i % 20]}\",\"values\":[{\"indicator\":\"${indicators[i / 20]}\",\"value\":$((1000 + i))}]}"
		status=$(curl -s -m 20 -o /dev/null -w '%{http_code}' --cacert "$T_CERTS/ca.crt" \
			--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" \
			-H 'Content-Type: application/json' -d "$body" "$url/api/v1/submissions")
		echo "$i $status"
	done >"$T_TMP/push-$w.log"
}
done_count() { cat "$T_TMP"/push-*.log 2>/dev/null | wc -l; }
pushing() { # is any worker still running?
	local p
	for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done
	return 1
}
pids=()
for ((w = 0; w < W; w++)); do
	: >"$T_TMP/push-$w.log"
	pusher "$w" &
	pids+=($!)
done

# reload STEP LINES...: write the configuration (base + LINES) atomically,
# send SIGHUP once the stream has reached STEP/8 of N, and wait until
# mestatd logs the outcome. Records whether pushes were still running.
hups=0 during=0
reload() {
	local step=$1 i outcomes
	shift
	while [ "$(done_count)" -lt $((step * N / 8)) ]; do
		pushing || break
		sleep 0.02
	done
	local keys=(-e '^$') l # a key set below replaces the base's line
	for l in "$@"; do keys+=(-e "^${l%% *} ="); done
	{
		grep -v "${keys[@]}" <<<"$base_conf"
		for l in "$@"; do echo "$l"; done
	} >"$conf.new"
	mv "$conf.new" "$conf"
	outcomes=$(grep -c 'configuration reloaded\|reload refused' "$log")
	pushing && during=$((during + 1))
	kill -HUP "$T_PID"
	hups=$((hups + 1))
	for i in $(seq 100); do
		[ "$(grep -c 'configuration reloaded\|reload refused' "$log")" -gt "$outcomes" ] && return 0
		sleep 0.05
	done
	echo "# reload $hups: no outcome logged within 5 s" >&2
}
tls2_lines=("tls_cert = $tls2/server.crt" "tls_key = $tls2/server.key")
reload 1 "log_level = debug"
reload 2 "log_level = info"
reload 3 "log_level = debug" "${tls2_lines[@]}"
serial_after=$(serial)
reload 4 "log_level = debug" "${tls2_lines[@]}" "db_connections = 2"
reload 5 "log_level = info" "${tls2_lines[@]}"
reload 6 "log_level = info" "${tls2_lines[@]}" "max_body_size = 128KB"
for p in "${pids[@]}"; do wait "$p"; done

expect_eq "all $hups SIGHUPs were sent while submissions were being pushed" "$hups" "$during"
expect_eq "5 reloads were applied" 5 "$(grep -c 'configuration reloaded' "$log")"
expect_match "the reload changing db_connections was refused, naming the key" \
	'reload refused.*db_connections cannot change on reload' "$(grep 'reload refused' "$log")"

statuses=$(cat "$T_TMP"/push-*.log)
expect_eq "$N pushes were made" "$N" "$(wc -l <<<"$statuses")"
got201=$(grep -c ' 201$' <<<"$statuses")
expect_eq "every push got 201 across the reloads" "$N" "$got201"
[ "$got201" = "$N" ] || echo "# not 201: $(grep -v ' 201$' <<<"$statuses" | head -n 10 | tr '\n' ' ')"
expect_eq "the database holds exactly $N accepted submissions" "$N" \
	"$(q "select count(*) from mestat.submission where outcome = 'accepted'")"
expect_eq "... and exactly their $N rows, one per cell" "$N|$N" \
	"$(q "select count(*), count(distinct (indicator, period)) from mestat.observation")"
expect_eq "... with the values that were sent" 0 \
	"$(q "select count(*) from mestat.observation where value < 1000 or value >= 1000 + $N")"

# TLS: new connections get the certificate swapped in by reload 3, and
# keep it through the refused reload and the later ones.
expect_eq "after the swap, new connections get the new certificate" \
	"$(openssl x509 -in "$tls2/server.crt" -noout -serial)" "$serial_after"
if [ -n "$serial_after" ] && [ "$serial_after" != "$serial_before" ]; then
	ok "... whose serial differs from the old one"
else
	not_ok "... whose serial differs from the old one" "before [$serial_before], after [$serial_after]"
fi
expect_eq "the new certificate is still served after the later reloads" \
	"$(openssl x509 -in "$tls2/server.crt" -noout -serial)" "$(serial)"

# systemd notify: every reload starts with RELOADING=1 and ends with READY=1
# and a STATUS= summary, refused or not; the summary is refreshed on a timer.
sleep 0.3
notes=$(cat "$notify_log")
expect_eq "RELOADING=1 with MONOTONIC_USEC was sent for each of the $hups reloads" "$hups" \
	"$(grep -c '^RELOADING=1 MONOTONIC_USEC=[0-9]\+ *$' <<<"$notes")"
summary='[0-9]+ connections, [0-9]+ requests in flight, database (up|down) \([0-9]+ of [0-9]+ connections up\)'
expect_eq "READY=1 with a STATUS= summary followed each applied reload" 5 \
	"$(grep -cE "^READY=1 STATUS=configuration reloaded; $summary *\$" <<<"$notes")"
expect_eq "READY=1 with STATUS=reload failed followed the refused reload" 1 \
	"$(grep -cE "^READY=1 STATUS=reload failed; previous configuration in force; $summary *\$" <<<"$notes")"
expect_match "the first READY=1 carried a STATUS= summary" "^READY=1 STATUS=serving; $summary" "$(head -n 1 <<<"$notes")"
expect_match "the reload summary says the database is up" 'STATUS=configuration reloaded; .*database up \([1-9]' \
	"$(grep 'STATUS=configuration reloaded' <<<"$notes" | tail -n 1)"
periodic=
for _ in $(seq 130); do
	periodic=$(grep -E "^STATUS=serving; $summary" "$notify_log" | tail -n 1)
	[ -n "$periodic" ] && break
	sleep 0.1
done
expect_match "STATUS= is refreshed every 10 s without READY=1" "^STATUS=serving; $summary" "$periodic"

expect_eq "no error was logged but the refused reload" "" \
	"$(grep '^level=error' "$log" | grep -v 'reload refused')"
t_stop
expect_eq "mestatd stops with exit 0 after the reloads" 0 "$T_RC"
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null || true

# A SIGHUP while mestatd is still starting (here, in the middle of migrating
# a fresh database) is held until the loop runs, then acted on; before, its
# default action ended the daemon.
db2=$(t_newdb)
conf2=$T_TMP/starting.conf
t_conf "$conf2" "$db2" "auto_migrate = yes"
t_grant_temp "$db2"
log2=$T_TMP/starting.log
"$MESTATD" -c "$conf2" 2>"$log2" &
T_PID=$!
t_until 60 grep -q 'migration applied' "$log2"
kill -HUP "$T_PID"
t_until 60 grep -q 'configuration reloaded' "$log2"
expect_eq "a SIGHUP in the middle of the migrations does not end mestatd" alive \
	"$(kill -0 "$T_PID" 2>/dev/null && echo alive || echo gone)"
expect_eq "... it is acted on once mestatd has started" \
	"mestatd started|reloading the configuration|configuration reloaded" \
	"$(grep -o 'mestatd started\|reloading the configuration\|configuration reloaded' "$log2" | paste -sd '|')"
t_stop
expect_eq "... and mestatd stops with exit 0" 0 "$T_RC"
