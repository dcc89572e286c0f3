# pull_backoff.sh - a failing source is retried with exponential backoff
# (consecutive_failures counts up, next_run moves further out, capped at
# retry_max) and is back on its interval after one success; a refused body is
# not submitted again while it stays the same; a body the database could not
# store (class database) is fetched and stored on a later try.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/pull_lib.sh"

root=$T_TMP/root
mkdir -p "$root"
printf '{"reporter":"150000","period":"2018Q3","values":[{"indicator":"incubators","value":' >"$root/broken.json"
printf 'reporter,indicator,period,value\n120000,incubators,2018Q3,64\n' >"$root/tj.csv"
sim_start main "$root" || { not_ok "the simulator starts" "$(cat "$T_TMP/sim-main.err")"; exit 1; }
main=https://127.0.0.1:$SIM_PORT

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
t_conf "$conf" "$db"
{
	# Missing at first (404), published later.
	source_section late 110000 "$main/late.csv" csv "interval = 30s" "retry_min = 500ms" "retry_max = 4s"
	source_section broken 150000 "$main/broken.json" json "interval = 30s" "retry_min = 300ms" "retry_max = 1s"
	source_section tj 120000 "$main/tj.csv" csv "interval = 30s" "retry_min = 500ms" "retry_max = 1s"
} >>"$conf"
# The database cannot finish accepted submissions for a while: ingest fails
# inside PostgreSQL at its last step (refused bodies are still audited).
t_migrate "$conf" 2>>"$T_TMP/mestatd.log"
q "REVOKE UPDATE (counts, receipt) ON mestat.submission FROM mestat_daemon" >/dev/null
t_up "$conf"

# Watch the late source's row: the wait it was given after each failure.
declare -A wait_after
for _ in $(seq 150); do
	row=$(state late "consecutive_failures, round(extract(epoch from next_run - updated_at)::numeric, 2)")
	k=${row%%|*}
	[ -n "$k" ] && [ "$k" -gt 0 ] && [ -z "${wait_after[$k]:-}" ] && wait_after[$k]=${row#*|}
	[ -n "${wait_after[5]:-}" ] && break
	sleep 0.1
done
w1=${wait_after[1]:-none} w2=${wait_after[2]:-none} w3=${wait_after[3]:-none} w4=${wait_after[4]:-none} w5=${wait_after[5]:-none}
expect_eq "consecutive_failures counts 1, 2, 3, 4, 5 with a wait after each" "" \
	"$([[ "$w1 $w2 $w3 $w4 $w5" == *none* ]] && echo "waits: $w1 $w2 $w3 $w4 $w5")"
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
if between "$w1" 0.44 0.56 && between "$w2" 0.89 1.11 && between "$w3" 1.79 2.21; then
	ok "the first waits are retry_min, then doubling, ±10 % ($w1 s, $w2 s, $w3 s)"
else not_ok "the first waits are retry_min, then doubling, ±10 %" "got $w1 $w2 $w3"; fi
if gt "$w2" "$w1" && gt "$w3" "$w2" && gt "$w4" "$w3"; then ok "next_run moves further out after each failure"; else
	not_ok "next_run moves further out after each failure" "got $w1 $w2 $w3 $w4"
fi
if between "$w4" 3.59 4.41 && between "$w5" 3.59 4.41; then ok "the wait is capped at retry_max ($w4 s, $w5 s)"; else
	not_ok "the wait is capped at retry_max" "got $w4 $w5"
fi
expect_eq "the class and message say why" "http_status|HTTP 404 from the server" "$(state late "last_error_class, last_error")"

# The database could not store the body: class database, nothing acknowledged.
expect_eq "a body PostgreSQL could not store: class database" database "$(state tj last_error_class)"
expect_eq "... with no validators kept, so the body is fetched again" "||" "$(state tj "etag, last_modified, last_body_sha256")"
expect_eq "... and nothing stored" 0 "$(q "select count(*) from mestat.observation where reporter = '120000'")"
q "GRANT UPDATE (counts, receipt) ON mestat.submission TO mestat_daemon" >/dev/null
if t_until 10 sql_true "select count(*) = 1 from mestat.submission where source = 'tj' and outcome = 'accepted'"; then
	ok "once PostgreSQL can store it again, a retry stores the body"
else
	not_ok "once PostgreSQL can store it again, a retry stores the body" "$(state tj "last_error_class, last_error")"
fi
expect_eq "... and the values are there" 64 "$(q "select value from mestat.current_value where reporter = '120000'")"

# A refused body: recorded once, not offered again while it is the same.
expect_match "a refused body keeps failing (class decode, several tries)" '^decode\|([3-9]|[1-9][0-9])$' \
	"$(state broken "last_error_class, consecutive_failures")"
expect_eq "... but is submitted (and audited as refused) only once" 1 \
	"$(q "select count(*) from mestat.submission where source = 'broken'")"
n=$(sim_count "$SIM_LOG" '^GET /broken.json 200')
expect_match "... while it is still fetched on every try ($n)" '^([3-9]|[1-9][0-9])$' "$n"
printf '{"reporter":"150000","period":"2018Q3","values":[{"indicator":"incubators","value":9}]}' >"$root/broken.json"
if t_until 6 sql_true "select last_error_class is null and consecutive_failures = 0 from mestat.source_state where name = 'broken'"; then
	ok "a fixed body is accepted on the next retry"
else
	not_ok "a fixed body is accepted on the next retry" "$(state broken "last_error_class, last_error")"
fi

# The province publishes the missing file: one success resets everything.
printf 'reporter,indicator,period,value\n110000,incubators,2018Q3,57\n' >"$root/late.csv"
if t_until 8 sql_true "select last_error_class is null from mestat.source_state where name = 'late'"; then
	ok "the next retry after the file appears succeeds"
else
	not_ok "the next retry after the file appears succeeds" "$(state late "last_error_class, last_error")"
fi
expect_eq "... and resets consecutive_failures" 0 "$(state late consecutive_failures)"
expect_eq "... and puts the source back on its 30 s interval (±10 %)" t \
	"$(state late "extract(epoch from next_run - updated_at) between 26.9 and 33.1")"
expect_eq "... and sets last_success" t "$(state late "last_success is not null")"
