# pull_two_daemons.sh - two mestatd on one database with the same sources:
# each round of a source is claimed in mestat.source_state by one of them,
# so every source is fetched once per round and never ingested twice.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
reporters=(110000 120000 130000 140000 150000 210000)
for r in "${reporters[@]}"; do
	printf 'reporter,indicator,period,value\n%s,incubators,2018Q3,%s\n' "$r" "${r:0:2}" >"$root/$r.csv"
done
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT

db=$(t_newdb)
sources() { # half with ETags (304 rounds), half without (full 200 rounds, compared by hash)
	local r i=0
	for r in "${reporters[@]}"; do
		if ((i++ % 2)); then source_section "s$r" "$r" "$main/$r.csv" csv; else
			source_section "s$r" "$r" "$main/noetag/$r.csv" csv; fi
	done
}
t_conf "$T_TMP/a.conf" "$db" "log_level = debug"
sources >>"$T_TMP/a.conf"
t_conf "$T_TMP/b.conf" "$db" "log_level = debug"
sources >>"$T_TMP/b.conf"
t_migrate "$T_TMP/a.conf" 2>>"$T_TMP/a.log"
"$MESTATD" -c "$T_TMP/a.conf" 2>>"$T_TMP/a.log" &
pid_a=$!
trap 'kill -TERM $pid_a 2>/dev/null; wait $pid_a 2>/dev/null; t_stop; sim_stop_all' EXIT
t_up "$T_TMP/b.conf" "$T_TMP/b.log" "two mestatd start"
started=$(date +%s.%N)

sleep 9
# Stop both, so the fetches counted below and the pulls they logged are the
# same set (a round finishing between the two counts would differ by one).
kill -TERM "$pid_a" 2>/dev/null
wait "$pid_a" 2>/dev/null
t_stop
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
# Rounds every 2 s (±10 %) from ~1 s after start: at most this many per source.
max=$(awk -v t="$elapsed" 'BEGIN { print int((t - 0.9) / 1.8) + 2 }')
counts=$(for r in "${reporters[@]}"; do sim_count "$SIM_LOG" "^GET (/noetag)?/$r.csv "; done | tr '\n' ' ')
over=$(for c in $counts; do [ "$c" -gt "$max" ] && echo "$c"; done)
expect_eq "each source is fetched at most once per round by the two (at most $max in ${elapsed%.*} s: $counts)" "" "$over"
under=$(for c in $counts; do [ "$c" -lt 3 ] && echo "$c"; done)
expect_eq "... and every round is fetched by one of them" "" "$under"
expect_eq "each source is ingested once: 6 accepted submissions" 6 \
	"$(q "select count(*) from mestat.submission where via = 'pull'")"
expect_eq "no instance offered a body the other had already stored" 0 \
	"$(cat "$T_TMP/a.log" "$T_TMP/b.log" | grep -c 'accepted before as submission')"
na=$(grep -c 'msg="pulled"' "$T_TMP/a.log") nb=$(grep -c 'msg="pulled"' "$T_TMP/b.log")
# A round cut off by the TERM is logged as abandoned, not pulled. One cut
# off in its ingest had its body, so its GET was counted; one cut off in its
# fetch was counted if its request got out before the TERM.
logs=$(cat "$T_TMP/a.log" "$T_TMP/b.log")
# (The line: msg="pull abandoned" source=S stage=fetch seconds=N reason=stopping.)
cut_ingest=$(grep -cE 'msg="pull abandoned" .*stage=ingest seconds=[0-9.]+ reason=stopping' <<<"$logs")
cut_fetch=$(grep -cE 'msg="pull abandoned" .*stage=fetch seconds=[0-9.]+ reason=stopping' <<<"$logs")
total=0
for c in $counts; do total=$((total + c)); done
low=$((na + nb + cut_ingest))
expect_eq "the pulls logged by both instances account for the fetches ($total fetched; $na + $nb pulled, $cut_ingest + $cut_fetch abandoned in ingest + fetch)" \
	1 "$((total >= low && total <= low + cut_fetch))"
expect_match "lost claims are logged at debug level" 'another mestatd has this round' "$(cat "$T_TMP/a.log" "$T_TMP/b.log")"
