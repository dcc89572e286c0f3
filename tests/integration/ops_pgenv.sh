# ops_pgenv.sh - the tools and benchmarks ignore the caller's libpq
# environment: a PostgreSQL user's exported PGHOST, PGPORT, PGUSER,
# PGDATABASE, PGSERVICE, PGSSLMODE, PGOPTIONS, PGDATA or PGCLUSTER never
# redirect the psql of a script that starts its own cluster.
. "$TOP/tests/lib.sh"

# Every script that starts a PostgreSQL of its own clears the environment
# (pgenv_clear) before its first pg_start or psql.
for f in "$TOP"/tools/check "$TOP"/tools/demo "$TOP"/bench/*; do
	[ -f "$f" ] && head -n 1 "$f" | grep -q bash || continue
	grep -qE '\bpg_start\b|\bpsql\b' "$f" || continue
	name=${f#"$TOP"/}
	clear_at=$(grep -n 'pgenv_clear' "$f" | head -n 1 | cut -d: -f1)
	first_use=$(grep -nE '^[^#]*(\bpg_start\b|\bpsql\b|\bpg_psql\b)' "$f" | head -n 1 | cut -d: -f1)
	if [ -n "$clear_at" ] && [ "$clear_at" -lt "${first_use:-999999}" ]; then
		ok "$name clears the caller's libpq environment (line $clear_at) before its first pg_start/psql (line $first_use)"
	else
		not_ok "$name clears the caller's libpq environment before its first pg_start/psql" \
			"pgenv_clear at line ${clear_at:-none}, first use at line ${first_use:-none}"
	fi
done

# What those scripts do at their top, with a hostile environment exported.
bogus=(PGHOST=/nonexistent PGPORT=1 PGUSER=nobody PGDATABASE=nonexistent PGSERVICE=bogus
	PGPASSWORD=x PGSSLMODE=require "PGOPTIONS=-c no_such.setting=1" PGDATA=/nonexistent
	PGCLUSTER=99/none PGAPPNAME=bogus)
dir=$T_TMP/pg
run() { # run CLEAR: start a cluster in DIR as tools/demo does and ask it one question
	env "${bogus[@]}" TOP="$TOP" DIR="$dir" CLEAR="$1" bash -c '
		. "$TOP/tools/lib/pg.sh"
		. "$TOP/tools/lib/pgenv.sh"
		[ "$CLEAR" = 1 ] && pgenv_clear
		pg_start "$DIR" || exit 1
		pg_psql -d postgres -tA -c "select current_user || chr(32) || current_database()"
		rc=$?
		pg_stop "$DIR"
		exit $rc' 2>&1
}
out=$(run 1)
expect_eq "with PGHOST, PGPORT, PGUSER, PGSSLMODE, PGOPTIONS... exported, pgenv_clear then pg_start reach the throwaway cluster" \
	"postgres postgres" "$out"
out=$(run 0)
if [ "$out" != "postgres postgres" ]; then
	ok "... and without pgenv_clear the same environment does break psql (this test can fail)"
else
	not_ok "... and without pgenv_clear the same environment does break psql (this test can fail)" "psql answered: $out"
fi

# pgenv_clear keeps our own PG_... settings.
out=$(env PG_BIN=/x PG_CONF_EXTRA=y PGPORT=1 TOP="$TOP" bash -c '. "$TOP/tools/lib/pgenv.sh"; pgenv_clear; echo "${PG_BIN:-} ${PG_CONF_EXTRA:-} ${PGPORT:-unset}"')
expect_eq "pgenv_clear keeps PG_BIN and PG_CONF_EXTRA" "/x y unset" "$out"
