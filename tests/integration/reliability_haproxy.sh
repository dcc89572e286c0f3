# reliability_haproxy.sh - two mestatd on one database behind HAProxy, run
# from the sample etc/haproxy.cfg (TCP mode, TLS passed through, health
# checks on /healthz). Pushes with client certificates go through HAProxy and
# spread over both; one mestatd is killed with SIGKILL mid-stream: the
# pushes it had in flight get no 2xx, every acknowledged push is stored
# once, and the survivor carries on. Every wait is bounded.
. "$TOP/tests/lib.sh"

command -v haproxy >/dev/null || { not_ok "haproxy is installed" "apt-get install haproxy"; exit 1; }

db=$(t_newdb)
t_conf "$T_TMP/a.conf" "$db"
port_a=$T_PORT
t_conf "$T_TMP/b.conf" "$db"
port_b=$T_PORT
hp_port=$(t_free_port)

# The sample, with this test's addresses, CA file and a log on stderr.
sed -e "s|^\tlog /dev/log local0|\tlog stderr format short local0|" \
	-e "s|^\tbind :443|\tbind 127.0.0.1:$hp_port|" \
	-e "s|ca-file /etc/mestat/ca.crt|ca-file $T_CERTS/ca.crt|" \
	-e "s|^\tserver mestatd1 .*|\tserver mestatd1 127.0.0.1:$port_a|" \
	-e "s|^\tserver mestatd2 .*|\tserver mestatd2 127.0.0.1:$port_b|" \
	"$TOP/etc/haproxy.cfg" >"$T_TMP/haproxy.cfg"
expect_status "the sample HAProxy configuration is valid (haproxy -c)" 0 haproxy -c -q -f "$T_TMP/haproxy.cfg"

t_migrate "$T_TMP/a.conf" 2>>"$T_TMP/a.log"
"$MESTATD" -c "$T_TMP/a.conf" 2>>"$T_TMP/a.log" &
pid_a=$!
hp_pid=
trap 'kill -KILL $pid_a 2>/dev/null; wait $pid_a 2>/dev/null; [ -n "$hp_pid" ] && kill -TERM $hp_pid 2>/dev/null; wait $hp_pid 2>/dev/null; t_stop' EXIT
t_up "$T_TMP/b.conf" "$T_TMP/b.log" "two mestatd start"
for _ in $(seq 400); do
	t_curl "https://127.0.0.1:$port_a/healthz" | grep -q '"database":"up"' && break
	sleep 0.1
done
timeout 120 haproxy -db -f "$T_TMP/haproxy.cfg" 2>"$T_TMP/haproxy.log" &
hp_pid=$!
url=https://127.0.0.1:$hp_port
# Both servers up in HAProxy: a check passed for each (fall/rise 2, inter 2s).
for _ in $(seq 200); do
	[ "$(t_curl "$url/healthz" | tail -n 1)" = 200 ] && break
	sleep 0.1
done
sleep 5
cert=(--cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key")
out=$(t_curl "${cert[@]}" "$url/api/v1/catalog")
expect_eq "through HAProxy, TLS and the client certificate reach mestatd: the catalog, 200" 200 "$(tail -n 1 <<<"$out")"

mapfile -t cells < <(q "select i.code || ' ' || p.code from mestat.indicator i, mestat.period p
	where i.scope = 'provincial' and i.periodicity = 'quarterly' and p.kind = 'quarter' and i.max_value is null
	  and p.start_date <= current_date order by p.code, i.code limit 1600")
N=${#cells[@]}
body() {
	local a=(${cells[$1]})
	printf '{"reporter":"110000","values":[{"indicator":"%s","period":"%s","value":%d}]}' "${a[0]}" "${a[1]}" $((100000 + $1))
}
writer() { # writer W: one ledger line "I START STATUS" per push until the stop file
	local i s
	for ((i = $1; i < N; i += 4)); do
		[ -e "$T_TMP/stop" ] && break
		s=$(date +%s.%N)
		echo "$i $s $(curl -s -m 10 -o /dev/null -w '%{http_code}' --cacert "$T_CERTS/ca.crt" "${cert[@]}" \
			-H 'Content-Type: application/json' -d "$(body "$i")" "$url/api/v1/submissions")"
	done
}
ledger=$T_TMP/ledger
writers=()
for w in 0 1 2 3; do
	writer "$w" >"$ledger.$w" &
	writers+=($!)
done
sleep 3
t_kill=$(date +%s.%N)
kill -KILL "$pid_a"
wait "$pid_a" 2>/dev/null
# Pushes go on until HAProxy has marked the killed one down (at most 30 s).
for _ in $(seq 300); do
	grep -q 'mestatd1 is DOWN' "$T_TMP/haproxy.log" && break
	sleep 0.1
done
t_down=$(date +%s.%N)
sleep 2
touch "$T_TMP/stop"
wait "${writers[@]}"
cat "$ledger".? | sort -n >"$ledger"

acked=$(awk '$3 ~ /^20[01]$/' "$ledger" | wc -l)
na=$(grep -c 'msg="submission accepted"' "$T_TMP/a.log")
nb=$(grep -c 'msg="submission accepted"' "$T_TMP/b.log")
after=$(awk -v k="$t_down" '$2 > k && $3 ~ /^20[01]$/' "$ledger" | wc -l)
failed_after=$(awk -v k="$t_down" '$2 > k && $3 !~ /^20[01]$/' "$ledger" | wc -l)
echo "# $(wc -l <"$ledger") pushes through HAProxy, $acked acknowledged ($na by the first mestatd, $nb by the second);" \
	"$(awk '$3 !~ /^20[01]$/' "$ledger" | wc -l) without a 2xx around the kill:" \
	"$(awk -v k="$t_kill" '$3 !~ /^20[01]$/ { printf "%s at %+.2f s; ", $3, $2 - k }' "$ledger")" \
	"marked down $(awk -v a="$t_kill" -v b="$t_down" 'BEGIN { printf "%.1f", b - a }') s after the kill"
expect_eq "pushes spread over both mestatd" yes "$([ "$na" -gt 0 ] && [ "$nb" -gt 0 ] && echo yes)"
expect_eq "the survivor carries on: pushes begun once HAProxy marked the dead one down are acknowledged" yes \
	"$([ "$after" -gt 0 ] && echo yes)"
expect_eq "... every one of them" 0 "$failed_after"
expect_match "HAProxy's health check took the killed mestatd out of rotation" 'mestatd1 is DOWN' "$(cat "$T_TMP/haproxy.log")"

missing=0 twice=0
while read -r i _ code; do
	[[ $code =~ ^20[01]$ ]] || continue
	n=$(q "select count(*) from mestat.observation where reporter = '110000' and value = $((100000 + i))")
	[ "$n" = 0 ] && missing=$((missing + 1))
	[ "$n" -gt 1 ] && twice=$((twice + 1))
done <"$ledger"
expect_eq "every acknowledged push is stored ($acked)" 0 "$missing"
expect_eq "... none twice" 0 "$twice"
bad=0
while read -r i _ code; do
	[[ $code =~ ^20[01]$ ]] && continue
	again=$(curl -s -m 10 -o /dev/null -w '%{http_code}' --cacert "$T_CERTS/ca.crt" "${cert[@]}" \
		-H 'Content-Type: application/json' -d "$(body "$i")" "$url/api/v1/submissions")
	[[ $again =~ ^20[01]$ ]] || bad=$((bad + 1))
done <"$ledger"
expect_eq "every push not acknowledged, sent again, gets a receipt" 0 "$bad"
sent=$(wc -l <"$ledger")
expect_eq "all $sent pushes are now stored, each once" "$sent" \
	"$(q "select count(*) from mestat.observation where reporter = '110000' and value >= 100000")"
exit 0
