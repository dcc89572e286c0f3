# db_migrate.sh - the migration runner: two daemons migrating at once, a
# broken migration that changes nothing and names itself, auto_migrate at start.
. "$TOP/tests/lib.sh"

nver=$(ls "$TOP"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
nfiles=$((nver + $(ls "$TOP"/sql/functions/*.sql "$TOP"/sql/views/*.sql | wc -l)))
q() { pg_psql -d "$1" -tA -c "$2"; }

db=$(t_newdb)
conf=$T_TMP/two.conf
t_conf "$conf" "$db"
"$MESTATD" --migrate -c "$conf" 2>"$T_TMP/m1.log" &
a=$!
"$MESTATD" --migrate -c "$conf" 2>"$T_TMP/m2.log" &
b=$!
wait "$a"; ra=$?
wait "$b"; rb=$?
expect_eq "two mestatd --migrate at once both end well" "0 0" "$ra $rb"
expect_eq "... and every migration is applied exactly once" "$nfiles $nfiles" \
	"$(q "$db" "select count(*) || ' ' || count(distinct name) from public.mestat_migration")"
expect_eq "... between them" "$nver" \
	"$(cat "$T_TMP/m1.log" "$T_TMP/m2.log" | grep -c 'migration applied')"

# A broken migration after the real ones.
sqldir=$T_TMP/sql
mkdir -p "$sqldir"
cp -r "$TOP"/sql/. "$sqldir/"
cat >"$sqldir/999_broken.sql" <<'SQL'
create table public.half_done (x int);
select no_such_function(1);
SQL
db2=$(t_newdb)
conf2=$T_TMP/broken.conf
t_conf "$conf2" "$db2" "sql_dir = $sqldir"
out=$("$MESTATD" --migrate -c "$conf2" 2>&1)
rc=$?
expect_eq "a failing migration makes --migrate exit 1" 1 "$rc"
expect_match "... naming the file and PostgreSQL's message" '999_broken.sql failed: ERROR: +function no_such_function' "$out"
expect_eq "... leaving nothing of it behind" "" "$(q "$db2" "select to_regclass('public.half_done')")"
expect_eq "... and the migrations before it applied" "$nver" "$(q "$db2" "select count(*) from public.mestat_migration")"
"$MESTATD" -c "$conf2" 2>"$T_TMP/start-broken.log" &
pid=$!
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	kill "$pid"
	not_ok "the daemon stops at start when a migration fails" "it kept running"
else
	wait "$pid"
	expect_eq "the daemon stops at start when a migration fails (exit 1)" 1 "$?"
fi
expect_match "... and logs the file name" '999_broken.sql' "$(cat "$T_TMP/start-broken.log")"

# auto_migrate = yes: a daemon started on an empty database builds it.
db3=$(t_newdb)
conf3=$T_TMP/auto.conf
t_conf "$conf3" "$db3"
t_grant_temp "$db3"
"$MESTATD" -c "$conf3" 2>"$T_TMP/auto.log" &
T_PID=$!
for _ in $(seq 200); do
	[ "$(q "$db3" "select count(*) from public.mestat_migration" 2>/dev/null)" = "$nfiles" ] && break
	sleep 0.1
done
expect_eq "auto_migrate applies the migrations at start" "$nfiles" "$(q "$db3" "select count(*) from public.mestat_migration")"
t_stop
expect_eq "... and the daemon stops cleanly" 0 "$T_RC"
