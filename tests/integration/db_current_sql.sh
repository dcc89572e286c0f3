# db_current_sql.sh - functions and views live in sql/functions and sql/views
# as their current definition: the runner applies a file again when it
# changes, an upgraded database ends with the same schema as a fresh one, and
# every function and view has its file.
. "$TOP/tests/lib.sh"

q() { pg_psql -d "$1" -tA -c "$2"; }
# (\restrict and \unrestrict carry a random key of each dump: not the schema)
dump() { pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres --schema-only --no-owner -d "$1" | grep -v '^\\\(un\)\?restrict '; }
migrate() { "$MESTATD" --migrate -c "$1" 2>&1; }

nver=$(ls "$TOP"/sql/[0-9][0-9][0-9]_*.sql | wc -l)
nrep=$(ls "$TOP"/sql/functions/*.sql "$TOP"/sql/views/*.sql | wc -l)

# A fresh database: numbered migrations, then every current definition.
fresh=$(t_newdb)
t_conf "$T_TMP/fresh.conf" "$fresh"
out=$(migrate "$T_TMP/fresh.conf")
expect_eq "a fresh database applies the numbered migrations" "$nver" "$(grep -c 'migration applied' <<<"$out")"
expect_eq "... then every function and view file" "$nrep" "$(grep -c 'current definition applied' <<<"$out")"
expect_eq "... each recorded with its checksum" "$((nver + nrep))" \
	"$(q "$fresh" "select count(*) from public.mestat_migration")"
out=$(migrate "$T_TMP/fresh.conf")
expect_eq "a second run applies nothing" "0" "$(grep -c 'migration applied\|definition applied' <<<"$out")"

# An upgrade: a database built by the numbered migrations alone (the schema as
# released before the definitions had their own files), then today's runner.
old=$T_TMP/sql-numbered
mkdir -p "$old"
cp "$TOP"/sql/[0-9][0-9][0-9]_*.sql "$old/"
upg=$(t_newdb)
t_conf "$T_TMP/upg.conf" "$upg" "sql_dir = $old"
migrate "$T_TMP/upg.conf" >/dev/null
t_conf "$T_TMP/upg2.conf" "$upg"
out=$(migrate "$T_TMP/upg2.conf")
expect_eq "an upgrade applies every function and view file once" "$nrep" "$(grep -c 'current definition applied' <<<"$out")"
dump "$fresh" >"$T_TMP/fresh.sql"
dump "$upg" >"$T_TMP/upg.sql"
if diff -u "$T_TMP/fresh.sql" "$T_TMP/upg.sql" >"$T_TMP/upg.diff"; then
	ok "the upgraded schema is the fresh one (pg_dump --schema-only, functions and views included)"
else
	not_ok "the upgraded schema is the fresh one" "$(head -c 600 "$T_TMP/upg.diff")"
fi

# Editing a file: only that file is applied again, and the change lands.
cur=$T_TMP/sql-edited
mkdir -p "$cur"
cp -r "$TOP"/sql/. "$cur/"
echo "comment on function mestat.period_k(text) is 'edited: quarter index';" >>"$cur/functions/period_k.sql"
t_conf "$T_TMP/edit.conf" "$fresh" "sql_dir = $cur"
out=$(migrate "$T_TMP/edit.conf")
expect_eq "an edited function file is applied again, alone" "1 1" \
	"$(grep -c 'definition applied' <<<"$out") $(grep -c 'definition applied" migration=functions/period_k.sql' <<<"$out")"
expect_match "... and its new text is in the database" '^edited: ' \
	"$(q "$fresh" "select obj_description('mestat.period_k(text)'::regprocedure)")"
expect_eq "... and its new checksum is recorded" \
	"$(sha256sum <"$cur/functions/period_k.sql" | cut -d' ' -f1)" \
	"$(q "$fresh" "select sha256 from public.mestat_migration where name = 'functions/period_k.sql'")"

# A numbered migration that drops a view to change it: the view comes back
# from its file in the same run, with the privileges readers need.
cat >"$cur/999_drop_overdue.sql" <<'SQL'
set local role mestat_owner;
drop view report.overdue;
SQL
out=$(migrate "$T_TMP/edit.conf")
expect_eq "after a numbered migration every definition is applied again" "$nrep" \
	"$(grep -c 'current definition applied' <<<"$out")"
expect_eq "... so a view it dropped is back" "report.overdue" "$(q "$fresh" "select to_regclass('report.overdue')")"
expect_eq "... and evaluators may read it" "t" \
	"$(q "$fresh" "select has_table_privilege('mestat_evaluator', 'report.overdue', 'select')")"

# A broken file: the run fails naming it, and the old definition stays.
echo "create or replace function mestat.period_k(text) returns int language sql as 'select no_such_column';" \
	>"$cur/functions/period_k.sql"
out=$(migrate "$T_TMP/edit.conf")
expect_match "a broken function file fails the run, naming it" 'functions/period_k.sql failed: ERROR' "$out"
expect_eq "... and the function is as it was" "integer" \
	"$(q "$fresh" "select pg_get_function_result('mestat.period_k(text)'::regprocedure)")"

# Every function and view of the schemas mestat and report has its file, so a
# reader finds each current definition by its name.
missing=$(q "$fresh" "
	select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
	 where n.nspname in ('mestat', 'report')
	union
	select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
	 where n.nspname in ('mestat', 'report') and c.relkind = 'v'
	order by 1" | while read -r obj; do
	name=${obj#*.}
	[ -f "$TOP/sql/functions/$name.sql" ] || [ -f "$TOP/sql/views/$name.sql" ] ||
		[ -f "$TOP/sql/functions/$obj.sql" ] || [ -f "$TOP/sql/views/$obj.sql" ] || echo "$obj"
done)
expect_eq "every function and view in mestat and report has its file in sql/functions or sql/views" "" "$missing"
