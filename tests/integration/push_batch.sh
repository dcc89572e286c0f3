# push_batch.sh - submissions that wait for a database connection share it
# (ingest_batch.c; 064_ingest_batch.sql): pushes of different provinces
# queued behind a busy connection go in one transaction, and each is
# answered as it would be alone: 201 with its own signed receipt, 422 with
# its own reasons, 200 with the receipt of a body accepted before; a batch
# that fails (the same body committed meanwhile by another request) is
# rolled back and each push goes again alone.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db" "db_connections = 1" "log_level = info"
# Calls of the validation, counted (pg_stat_user_functions).
pg_psql -d "$db" -qc "alter role mestatd in database $db set track_functions = 'pl'" >/dev/null
t_up "$conf"

url=https://127.0.0.1:$T_PORT
status() { tail -n 1 <<<"$1"; }
body() { sed '$d' <<<"$1"; }
reporters="120000 130000 140000 150000 210000 220000 230000 320000"
for r in 110000 $reporters; do q "select mestat.create_token('$r')" >"$T_TMP/token-$r"; done
# push R BODY OUT: a native JSON push of reporter R, its answer in OUT.
push() {
	t_curl -m 60 -H "Authorization: Bearer $(cat "$T_TMP/token-$1")" -H 'Content-Type: application/json' \
		--data-binary "$2" "$url/api/v1/submissions" >"$3"
}
# value R V [PERIOD]: a body of reporter R, incubators = V in PERIOD (2019Q1).
value() { printf '{"reporter":"%s","period":"%s","values":[{"indicator":"incubators","value":%s}]}' "$1" "${3:-2019Q1}" "$2"; }
in_flight() { curl -s "http://127.0.0.1:$T_MPORT/metrics" | awk '/^mestat_http_requests_in_flight / {print $2}'; }

# wait_sql SQL: until SQL answers t (at most 20 s); a wait that runs out is a failure.
wait_sql() { [ "$(t_wait_sql 20 "$1")" != timeout ] || not_ok "the wait ends" "$1"; }
# hold NAME KEY...: another session takes the advisory lock KEY and keeps it
# until released (release NAME cancels its wait, at most 60 s).
hold() {
	local name=$1
	shift
	pg_psql -d "$db" >/dev/null 2>&1 <<SQL &
begin;
select pg_advisory_xact_lock($*);
select pg_sleep(60) /* $name */;
commit;
SQL
	wait_sql "select count(*) = 1 from pg_stat_activity where query like '%pg_sleep(60) /* $name */%'
	               and state = 'active' and pid <> pg_backend_pid()"
}
release() {
	q "select pg_cancel_backend(pid) from pg_stat_activity where query like '%pg_sleep(60) /* $1 */%'
	   and pid <> pg_backend_pid()" >/dev/null
}
# busy V [PERIOD]: the only connection held: 110000's push (V in PERIOD)
# waits for its reporter's lock, held by another session.
busy() {
	hold busy 1835365237, "hashtext('110000')"
	push 110000 "$(value 110000 "$1" "${2:-}")" "$T_TMP/110000.out" &
	busy_pid=$!
	wait_sql "select count(*) = 1 from pg_stat_activity where usename = 'mestatd' and wait_event = 'advisory'"
}
# push_all BASE PERIOD OUT R...: a push of each reporter R in the background,
# the value BASE + its place in PERIOD (2019Q1 when empty), its answer in
# $T_TMP/OUT$R.out, its pid added to pids.
push_all() {
	local base=$1 period=$2 out=$3 r n=0
	shift 3
	for r in "$@"; do
		n=$((n + 1))
		push "$r" "$(value "$r" $((base + n)) "$period")" "$T_TMP/$out$r.out" &
		pids+=($!)
	done
}
# queued N: until N pushes are in flight (answered, they leave).
queued() { t_until 20 in_flight_is "$1"; }
in_flight_is() { [ "$(in_flight)" = "$1" ]; }

# Valid pushes only: one run of the rules judges them all (one call of
# mestat.ingest_validate for the batch, 065), each answered as alone. First
# on this database: the calls are counted from none. A backend hands its
# counts to pg_stat_user_functions when idle, at most once a second, and
# all of them when it ends: mestatd is stopped, and started again after.
busy 101 2018Q4
pids=()
push_all 40 2018Q4 "" 120000 130000 140000
queued 4 && ok "three valid pushes wait behind the busy connection" ||
	not_ok "three valid pushes wait behind the busy connection" "$(in_flight) in flight"
release busy
wait "${pids[@]}" "$busy_pid"
expect_eq "... each answered 201" "201 201 201" \
	"$(for r in 120000 130000 140000; do printf '%s ' "$(status "$(cat "$T_TMP/$r.out")")"; done | sed 's/ $//')"
expect_eq "... their values stored, each with its submission" "41|1 42|1 43|1" \
	"$(q "select string_agg(o.value || '|' || (select count(*) from mestat.observation x where x.submission = o.submission),
	                        ' ' order by o.reporter)
	        from mestat.observation o where o.reporter in ('120000', '130000', '140000')")"
# The last of them to be authenticated may miss the batch (see below).
together=$(grep -c 'msg="submission accepted".*batch=[23]' "$T_TMP/mestatd.log")
t_stop
# A call for the push that held the connection, one for the batch, one for
# a push left out of it (if any). Judged each alone, the batch's would make
# a jump of 2 or 3 in one transaction: never this number.
calls="(select coalesce(sum(calls), 0) from pg_stat_user_functions
         where schemaname = 'mestat' and funcname = 'ingest_validate')"
want=$((1 + 1 + 3 - together))
[ "$together" -ge 2 ] && [ "$(t_wait_sql 15 "select $calls = $want")" != timeout ] &&
	ok "... stored together: one call of the validation for the batch of $together" ||
	not_ok "... stored together: one call of the validation for the batch of $together" \
		"calls $(q "select $calls"), $want expected"
mv "$T_TMP/mestatd.log" "$T_TMP/mestatd-first.log" # the log lines counted below are the next run's
t_up "$conf"

push 150000 "$(value 150000 5)" "$T_TMP/first.out"
expect_eq "a push alone: 201" 201 "$(status "$(cat "$T_TMP/first.out")")"
first=$(body "$(cat "$T_TMP/first.out")" | jq -r .submission_id)

# The refused push and the replay first, each once it is in flight, so that
# they are among the first to be authenticated (on the same connection, in
# the order they came): the batch's first submission waits behind every
# authentication queued before its own turn, so only the last push to be
# authenticated may miss it.
busy 1
pids=()
push 210000 '{"reporter":"210000","period":"2019Q1","values":[{"indicator":"no_such_indicator","value":3}]}' \
	"$T_TMP/210000.out" &
pids+=($!)
queued 2
push 150000 "$(value 150000 5)" "$T_TMP/150000.out" &
pids+=($!)
queued 3
push_all 10 "" "" 120000 130000 140000 220000 230000 320000
queued 9 && ok "eight pushes wait behind the busy connection" || not_ok "eight pushes wait behind the busy connection" "$(in_flight) in flight"
release busy
wait "${pids[@]}" "$busy_pid"
declare -A out
for r in 110000 $reporters; do out[${r}]=$(cat "$T_TMP/$r.out"); done
expect_eq "each is answered as alone: 201 for the valid ones, 200 for the replay, 422 for the refused one" \
	"110000 201 120000 201 130000 201 140000 201 150000 200 210000 422 220000 201 230000 201 320000 201" \
	"$(for r in 110000 $reporters; do printf '%s %s ' "$r" "$(status "${out[$r]}")"; done | sed 's/ $//')"
expect_eq "... the replay with the first receipt" "$first" "$(body "${out[150000]}" | jq -r .submission_id)"
expect_match "... the refusal with its own reason" 'no_such_indicator' "$(body "${out[210000]}")"
batched=$(grep -c 'msg="submission accepted".*batch=[2-9]' "$T_TMP/mestatd.log")
[ "$batched" -ge 5 ] && ok "five or six of the valid ones were stored together (the log's batch sizes)" ||
	not_ok "five or six of the valid ones were stored together (the log's batch sizes)" "$batched"
expect_eq "... the refusal with them" 1 \
	"$(grep -c 'msg="submission refused".*reporter=210000.*batch=[2-9]' "$T_TMP/mestatd.log")"

# Each receipt is the one stored, and verifies.
t_curl "$url/api/v1/receipt-key" | sed '$d' >"$T_TMP/receipt-key.pem"
bad=""
for r in 110000 120000 130000 140000 220000 230000 320000; do
	receipt=$(body "${out[$r]}")
	id=$(jq -r .submission_id <<<"$receipt")
	[ "$(q "select receipt from mestat.submission where id = $id" | jq -cS 'del(.message)')" = \
		"$(jq -cS 'del(.message)' <<<"$receipt")" ] || bad+="$r stored "
	jq -cjS 'del(.signature)' <<<"$receipt" >"$T_TMP/signed.txt"
	jq -r .signature <<<"$receipt" | base64 -d >"$T_TMP/signature.bin"
	openssl pkeyutl -verify -pubin -inkey "$T_TMP/receipt-key.pem" -rawin -in "$T_TMP/signed.txt" \
		-sigfile "$T_TMP/signature.bin" >/dev/null 2>&1 || bad+="$r signature "
	[ "$(jq -r '.reporter + " " + (.counts.new | tostring)' <<<"$receipt")" = "$r 1" ] || bad+="$r counts "
done
expect_eq "each accepted push's receipt is its own, stored and signed" "" "$bad"
expect_eq "each value is stored once, with its submission" "7|7" \
	"$(q "select count(*), count(distinct o.submission) from mestat.observation o join mestat.submission s on s.id = o.submission
	      where s.id > $first and s.outcome = 'accepted'")"
expect_eq "the refused push's audit record, nothing of it stored" "rejected|422|0" \
	"$(q "select s.outcome, s.http_status, (select count(*) from mestat.observation o where o.submission = s.id)
	      from mestat.submission s where s.reporter = '210000'")"

# A batch that fails: 130000's body is held, uncommitted, by another session
# as an accepted submission when the batch opens it; that session commits,
# the opening meets the unique index (23505), and the batch is rolled back.
# Each push goes again alone: 130000's is answered with that session's
# receipt, the others are stored.
raced=$(value 130000 77)
hold gate 7, 1
t_sql_accepted_held 130000 "$raced" "select pg_advisory_xact_lock(7, 1)" | pg_psql -d "$db" >/dev/null 2>&1 &
wait_sql "select count(*) = 1 from pg_stat_activity where query like '%pg_advisory_xact_lock(7, 1)%'
               and wait_event = 'advisory' and pid <> pg_backend_pid()"
busy 2
pids=()
push 130000 "$raced" "$T_TMP/130000.out" &
pids+=($!)
queued 2
push 140000 "$(value 140000 78)" "$T_TMP/140000.out" &
pids+=($!)
push 220000 "$(value 220000 79)" "$T_TMP/220000.out" &
pids+=($!)
queued 4 && ok "three pushes wait behind the busy connection" || not_ok "three pushes wait behind the busy connection" "$(in_flight) in flight"
release busy
# The batch waits at 130000's opening; the racer commits.
wait_sql "select count(*) = 1 from pg_stat_activity where usename = 'mestatd' and wait_event = 'transactionid'"
release gate
wait "${pids[@]}" "$busy_pid"
expect_eq "a batch rolled back: each push again alone, answered as alone" "200 424242 201 201 201" \
	"$(status "$(cat "$T_TMP/130000.out")") $(body "$(cat "$T_TMP/130000.out")" | jq -r .submission_id) \
$(status "$(cat "$T_TMP/140000.out")") $(status "$(cat "$T_TMP/220000.out")") $(status "$(cat "$T_TMP/110000.out")")"
expect_eq "... logged" 1 "$(grep -c 'a batch of submissions was rolled back' "$T_TMP/mestatd.log")"
expect_eq "... the racer's value stored by neither" 0 \
	"$(q "select count(*) from mestat.observation where reporter = '130000' and value = 77")"

# A batch holds INGEST_BATCH_MAX (32) at most: 36 pushes of as many
# provinces wait behind the busy connection; one batch takes 32 of them,
# and the rest go after it (so do any not yet authenticated when the
# connection comes free: up to 4 may be). Each is answered 201 and its
# value stored.
mapfile -t many < <(q "select code from mestat.reporter
	where kind not in ('ministry', 'department') and active and code <> '110000' order by code limit 36")
[ "${#many[@]}" -eq 36 ] || not_ok "36 provincial reporters besides 110000" "${#many[@]}"
for r in "${many[@]}"; do [ -s "$T_TMP/token-$r" ] || q "select mestat.create_token('$r')" >"$T_TMP/token-$r"; done
logged=$(wc -l <"$T_TMP/mestatd.log")
busy 3
pids=()
push_all 500 "" many- "${many[@]}"
queued 37 && ok "36 pushes wait behind the busy connection" || not_ok "36 pushes wait behind the busy connection" "$(in_flight) in flight"
release busy
wait "${pids[@]}" "$busy_pid"
expect_eq "... each answered 201" "${#many[@]} × 201" \
	"$(for r in "${many[@]}"; do status "$(cat "$T_TMP/many-$r.out")"; done | sort | uniq -c | awk '{print $1 " × " $2}')"
expect_eq "... each value stored" "${#many[@]}" \
	"$(q "select count(*) from mestat.observation where period = '2019Q1' and value between 501 and 536")"
expect_eq "... the largest batch 32 (the log's batch sizes)" 32 \
	"$(tail -n +$((logged + 1)) "$T_TMP/mestatd.log" | grep 'msg="submission accepted"' | grep -o 'batch=[0-9]*' |
		cut -d= -f2 | sort -n | tail -n 1)"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
