#!/bin/bash
# db_schema.sh: the migrations in sql/ apply as mestatd --migrate applies them,
# and leave a schema that documents itself and belongs to mestat_owner.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

# Files are sent whole by the runner inside its own transaction.
bad=$(grep -l -i -E '^[[:space:]]*(begin|commit|rollback|start transaction)[[:space:]]*;' "$TOP"/sql/[0-9]*.sql)
expect_eq "migrations contain no BEGIN/COMMIT of their own" "" "$bad"
bad=$(grep -l -E '^[[:space:]]*\\[a-z]' "$TOP"/sql/[0-9]*.sql)
expect_eq "migrations contain no psql meta-commands" "" "$bad"
bad=$(ls "$TOP"/sql/*.sql | xargs -n1 basename | grep -v -E '^[0-9]{3}_[a-z0-9_]+\.sql$')
expect_eq "migration files are named NNN_name.sql" "" "$bad"

DB=$(t_newdb) || { not_ok "create test database" "CREATE DATABASE failed"; exit 1; }
if db_apply_migrations "$DB" 2>"$T_TMP/apply.err"; then
	ok "all migrations apply to an empty database"
else
	not_ok "all migrations apply to an empty database" "$(head -c 800 "$T_TMP/apply.err")"
	exit 1
fi

# Roles are cluster-wide: a second database in the same cluster migrates too.
DB2=$(t_newdb)
if db_apply_migrations "$DB2" 2>"$T_TMP/apply2.err"; then
	ok "migrations apply to a second database of the cluster (roles exist already)"
else
	not_ok "migrations apply to a second database of the cluster (roles exist already)" \
		"$(head -c 800 "$T_TMP/apply2.err")"
fi
pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$DB2\"" >/dev/null 2>&1

# Applied twice in parallel to fresh databases: no race on the roles.
DB3=$(t_newdb)
DB4=$(t_newdb)
db_apply_migrations "$DB3" 2>"$T_TMP/p3.err" &
p3=$!
db_apply_migrations "$DB4" 2>"$T_TMP/p4.err" &
p4=$!
wait $p3 && wait $p4
expect_eq "migrations apply to two databases at the same time" "0" "$?"
pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$DB3\"" -c "DROP DATABASE IF EXISTS \"$DB4\"" >/dev/null 2>&1

# The daemon's own runner, when there is a daemon to run.
if [ -x "${MESTATD:-}" ]; then
	DB5=$(t_newdb)
	t_conf "$T_TMP/migrate.conf" "$DB5"
	nfiles=$(ls "$TOP"/sql/[0-9]*.sql "$TOP"/sql/functions/*.sql "$TOP"/sql/views/*.sql | wc -l)
	t_migrate "$T_TMP/migrate.conf" >"$T_TMP/migrate1.log" 2>&1
	expect_eq "mestatd --migrate applies every migration" "0|$nfiles" \
		"$?|$(db_q postgres "$DB5" "select count(*) from public.mestat_migration")"
	t_migrate "$T_TMP/migrate.conf" >"$T_TMP/migrate2.log" 2>&1
	expect_eq "mestatd --migrate a second time applies nothing" "0|$nfiles" \
		"$?|$(db_q postgres "$DB5" "select count(*) from public.mestat_migration")"
	pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$DB5\"" >/dev/null 2>&1
else
	ok "mestatd --migrate applies every migration # SKIP no mestatd binary"
fi

got=$(db_q postgres "$DB" "select string_agg(rolname, ',' order by rolname) from pg_roles
	where rolname in ('mestat_owner', 'mestat_daemon', 'mestat_evaluator') and not rolcanlogin")
expect_eq "roles mestat_owner, mestat_daemon, mestat_evaluator exist without login" \
	"mestat_daemon,mestat_evaluator,mestat_owner" "$got"

got=$(db_q postgres "$DB" "select string_agg(c.relname, ',' order by c.relname) from pg_class c
	where c.relnamespace = 'mestat'::regnamespace and c.relkind = 'r'
	  and c.relname in ('reporter', 'indicator', 'target', 'period', 'code_mapping', 'submission', 'observation',
	                    'source_state', 'progress_snapshot', 'class_threshold')")
expect_eq "the tables of DESIGN.md exist in schema mestat" \
	"class_threshold,code_mapping,indicator,observation,period,progress_snapshot,reporter,source_state,submission,target" "$got"

got=$(db_q postgres "$DB" "select string_agg(c.relname, ',' order by c.relname) from pg_class c
	where c.relnamespace = 'report'::regnamespace and c.relkind = 'v'")
expect_match "views report.latest_values and report.submission_log exist" "latest_values.*submission_log" "$got"

got=$(db_q postgres "$DB" "select string_agg(format('%s (%s)', c.oid::regclass, pg_get_userbyid(c.relowner)), ', ')
	from pg_class c where c.relnamespace in ('mestat'::regnamespace, 'report'::regnamespace)
	  and c.relowner <> 'mestat_owner'::regrole")
expect_eq "mestat_owner owns every table, view, index and sequence" "" "$got"

got=$(db_q postgres "$DB" "select string_agg(p.oid::regprocedure::text, ', ') from pg_proc p
	where p.pronamespace in ('mestat'::regnamespace, 'report'::regnamespace) and p.proowner <> 'mestat_owner'::regrole")
expect_eq "mestat_owner owns every function" "" "$got"

got=$(db_q postgres "$DB" "select string_agg(nspname || ':' || pg_get_userbyid(nspowner), ',' order by nspname)
	from pg_namespace where nspname in ('mestat', 'report')")
expect_eq "mestat_owner owns schemas mestat and report" "mestat:mestat_owner,report:mestat_owner" "$got"

got=$(db_q postgres "$DB" "select string_agg(c.oid::regclass::text, ', ') from pg_class c
	where c.relnamespace in ('mestat'::regnamespace, 'report'::regnamespace) and c.relkind in ('r', 'v', 'm', 'p')
	  and obj_description(c.oid, 'pg_class') is null")
expect_eq "every table and view has a comment" "" "$got"

got=$(db_q postgres "$DB" "select string_agg(c.oid::regclass::text || '.' || a.attname, ', ') from pg_class c
	join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
	where c.relnamespace in ('mestat'::regnamespace, 'report'::regnamespace) and c.relkind in ('r', 'v', 'm', 'p')
	  and col_description(c.oid, a.attnum) is null")
expect_eq "every column has a comment" "" "$got"

got=$(db_q postgres "$DB" "select string_agg(p.oid::regprocedure::text, ', ') from pg_proc p
	where p.pronamespace in ('mestat'::regnamespace, 'report'::regnamespace) and obj_description(p.oid, 'pg_proc') is null")
expect_eq "every function has a comment" "" "$got"

got=$(db_q postgres "$DB" "select count(*) from pg_namespace
	where nspname in ('mestat', 'report') and obj_description(oid, 'pg_namespace') is not null")
expect_eq "both schemas have a comment" "2" "$got"

got=$(db_q postgres "$DB" "select string_agg(p.oid::regprocedure::text, ', ') from pg_proc p
	where p.pronamespace = 'mestat'::regnamespace and p.prosecdef
	  and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%')")
expect_eq "every SECURITY DEFINER function sets its search_path" "" "$got"

# The functions a submission runs, and the trigger that keeps the cells
# whoever writes them, keep one generic plan a session: on a session that
# stores small sets the plan cache otherwise judged the generic plan dearer
# and planned their statements again at every call (docs/scale.md).
got=$(db_q postgres "$DB" "select string_agg(f, ', ' order by f) from unnest(array['mestat.cell_keep()',
	  'mestat.ingest_apply(bigint)', 'mestat.ingest_store_kept()', 'mestat.outliers_of_submissions(bigint[])',
	  'mestat.ingest_validate(text,text)',
	  'mestat.ingest_validate_rows(text,text)', 'mestat.ingest_validate_catalog_rows(text,text)']) as f
	where not exists (select 1 from pg_proc p, unnest(p.proconfig) c
	                   where p.oid = f::regprocedure and c = 'plan_cache_mode=force_generic_plan')")
expect_eq "the storing and scoring functions keep one plan a session" "" "$got"

got=$(db_q postgres "$DB" "select string_agg(p.oid::regprocedure::text, ', ') from pg_proc p
	where p.pronamespace in ('mestat'::regnamespace, 'report'::regnamespace)
	  and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a
	                                    where a.grantee = 0 and a.privilege_type = 'EXECUTE'))")
expect_eq "no mestat function is executable by PUBLIC" "" "$got"

got=$(db_q postgres "$DB" "select coalesce(string_agg(n.nspname, ','), '') from pg_namespace n
	where n.nspname in ('mestat', 'report') and has_schema_privilege('public', n.oid, 'USAGE')")
expect_eq "PUBLIC has no USAGE on schemas mestat and report" "" "$got"

rolled_back() { # rolled_back FIRST BODY: FIRST, then BODY, in one transaction rolled back; psql's output and messages
	pg_psql -At -d "$DB" 2>&1 <<SQL
begin;
$1
$2
rollback;
SQL
}

# 052: the assessments are read without parallel workers. With parallel
# plans made free and index scans off, the planner would read the table with
# workers unless the table forbids it; the same plan with the setting taken
# away (rolled back) shows that it would.
parallel_plan() { # parallel_plan [SQL run first]: report.progress_by_reporter's parallel scans of the assessments
	rolled_back "${1:-}" "set local parallel_setup_cost = 0;
set local parallel_tuple_cost = 0;
set local min_parallel_table_scan_size = 0;
set local enable_indexscan = off;
set local enable_indexonlyscan = off;
set local enable_bitmapscan = off;
explain select * from report.progress_by_reporter;" | grep -c 'Parallel .* on progress_snapshot_detail'
}
expect_eq "report.progress_by_reporter reads the assessments without parallel workers" "0" "$(parallel_plan)"
expect_eq "... which it would use without 052's setting" "1" \
	"$(parallel_plan "alter table mestat.progress_snapshot_detail reset (parallel_workers);")"

# plans_with ERE FIRST BODY: "PLANS LINES", the plans auto_explain logs
# (nested statements included) while BODY runs after FIRST, in one
# transaction rolled back, and how many of their lines match ERE.
plans_with() {
	rolled_back "$2
load 'auto_explain';
set local auto_explain.log_min_duration = 0;
set local auto_explain.log_nested_statements = on;
set local auto_explain.log_level = warning;" "$3" |
		awk -v re="$1" '/Query Text:/ { n++ } $0 ~ re { m++ } END { print n + 0, m + 0 }'
}

# A progress run plans no merge join and no Memoize (mestat.progress_assess's
# settings): every plan of a full run, nested statements included, as
# auto_explain logs them. Without the settings (rolled back) and with hash
# joins off, the same count finds merge joins: it would see them.
assess_plans() { # assess_plans [SQL run first]: "PLANS NODES", a full run's plans logged and its merge joins and Memoize nodes
	plans_with 'Merge (Left |Right |Full |Anti |Semi )?Join|Memoize' "${1:-}" "select mestat.recompute_progress();"
}
expect_match "a full progress run plans no merge join and no Memoize" '^[1-9][0-9]* 0$' "$(assess_plans)"
got=$(assess_plans "alter function mestat.progress_assess(bigint, boolean) reset enable_mergejoin;
set local enable_hashjoin = off;")
expect_match "... which it would, without the settings and hash joins" '^[1-9][0-9]* [1-9][0-9]*$' "$got"

# The outlier scoring reads a submission's values through the index of
# mestat.observation whatever the table's size when the plan was made. In a
# new database, before the table's first analysis, a few pages of values
# make a generic plan of the read by "submission = any (...)", as the scoring
# had it, scan the whole table, and a connection keeps such a plan
# (docs/scale.md, "Plans made on a new database"). Here 100 values of one
# submission, stored and rolled back, are those few pages.
few_values="insert into mestat.submission (reporter, via, format, content_type, sha256, body, body_size, client_identity,
                               outcome)
values ('110000', 'push', 'csv', 'text/csv', repeat('0', 64), 'x', 1, 'token:0', 'accepted') returning id as sub \\gset
insert into mestat.observation (indicator, reporter, period, value, submission, status)
select i.code, '110000', p.code, 1, :sub, 'A'
  from mestat.indicator i cross join mestat.period p
 where i.scope = 'provincial' and p.kind = 'quarter'
 limit 100;"
got=$(plans_with 'Seq Scan on observation' "$few_values" \
	"select count(*) from mestat.outliers_of_submissions(array[:sub]::bigint[]);")
expect_match "the outlier scoring plans no scan of every stored value" '^[1-9][0-9]* 0$' "$got"
got=$(rolled_back "$few_values
set local plan_cache_mode = force_generic_plan;
prepare by_any(bigint[]) as select o.id from mestat.observation o where o.submission = any (\$1);" \
	"explain execute by_any(array[:sub]::bigint[]);" | grep -c 'Seq Scan on observation')
expect_eq "... which the read it had would make there" "1" "$got"

# 066: a batch's receipts are written by the key of each submission, on the
# same kind of table: 100 submissions, unanalyzed, a few pages. The join by
# id that mestatd sent before, planned there, hashes every submission.
few_submissions="insert into mestat.submission (reporter, via, format, content_type, sha256, body, body_size,
                               client_identity, outcome)
select '110000', 'push', 'csv', 'text/csv', lpad(to_hex(g), 64, '0'), 'x', 1, 'token:0', 'accepted'
  from generate_series(1, 100) as g;
select max(id) as last from mestat.submission \\gset"
close_entries="'[{\"id\": ' || :last || ', \"receipt\": \"r\"}, {\"id\": ' || (:last - 1) || ', \"outcome\": \"rejected\", \"http_status\": 422}]'"
got=$(plans_with 'Seq Scan on submission' "$few_submissions" "select mestat.ingest_batch_close(($close_entries)::jsonb);")
expect_match "a batch's receipts are written without a scan of every submission" '^[1-9][0-9]* 0$' "$got"
got=$(rolled_back "$few_submissions" "select mestat.ingest_batch_close(($close_entries)::jsonb);
select count(*) filter (where receipt = 'r'), count(*) filter (where outcome = 'rejected' and http_status = 422)
  from mestat.submission where id >= :last - 1;")
expect_eq "... each entry written as it names" "1|1" "$(tail -n 1 <<<"$got")"
got=$(rolled_back "$few_submissions
set local plan_cache_mode = force_generic_plan;
prepare by_join(jsonb) as update mestat.submission s set receipt = coalesce(x.receipt, s.receipt)
  from jsonb_to_recordset(\$1) as x(id bigint, receipt text) where s.id = x.id;" \
	"explain execute by_join(($close_entries)::jsonb);" | grep -c 'Seq Scan on submission')
expect_eq "... which the join by id, as mestatd sent it, would scan there" "1" "$got"

# 067: a batch's openings look up the earlier receipts by the keys of
# mestat.submission on the same kind of table, with the plan a connection
# keeps (generic): a probe of the reporter's accepted bodies each.
open_args="array['110000', '120000'], array['push', 'push'], array[null, null]::text[], array['csv', 'csv'],
  array['text/csv', 'text/csv'], array[lpad(to_hex(7), 64, '0'), repeat('f', 64)], array['x', 'y']::bytea[],
  array['token:0', 'token:0'], array[null, 'k']"
one_receipt="$few_submissions
update mestat.submission set receipt = 'earlier' where sha256 = lpad(to_hex(7), 64, '0');"
got=$(plans_with 'Seq Scan on submission' "$one_receipt
set local plan_cache_mode = force_generic_plan;" "select count(*) from mestat.ingest_batch_open($open_args);")
expect_match "a batch's openings find earlier receipts without a scan of every submission" '^[1-9][0-9]* 0$' "$got"
got=$(rolled_back "$one_receipt" "select receipt is null, id > :last from mestat.ingest_batch_open($open_args);")
expect_eq "... the body accepted before found, the other opened" "f|f
t|t" "$(tail -n 2 <<<"$got")"

# An earlier acceptance is looked up by each of its two keys, a probe of its
# unique index each. Asked as one condition with OR (sha256 = ... or
# idempotency_key = ...), the kept plan made on a table like this one probes
# by the reporter alone and filters every body the reporter ever had
# accepted: one more at each submission. The same 100 submissions of one
# reporter.
by_key() { # by_key STATEMENT: the plans of STATEMENT, kept (generic), and those filtering by a body's hash
	plans_with 'Filter: .*sha256 =' "$one_receipt
set local plan_cache_mode = force_generic_plan;" "$1"
}
expect_match "a batch's openings probe the keys of an earlier acceptance, not all the reporter's bodies" \
	'^[1-9][0-9]* 0$' "$(by_key "select count(*) from mestat.ingest_batch_open($open_args);")"
expect_match "... and so does a submission opened alone" '^[1-9][0-9]* 0$' \
	"$(by_key "select count(*) from mestat.ingest_open('110000', 'push', null, 'csv', 'text/csv', lpad(to_hex(7), 64, '0'),
  'x', 'token:0', 'k', 'accepted', true);")"
expect_match "... and mestat.prior_submission()" '^[1-9][0-9]* 0$' \
	"$(by_key "select count(*) from mestat.prior_submission('110000', lpad(to_hex(7), 64, '0'), 'k');")"
got=$(rolled_back "$one_receipt
set local plan_cache_mode = force_generic_plan;
prepare by_or(text, text, text) as select s.id from mestat.submission s
 where s.reporter = \$1 and s.outcome = 'accepted' and (s.sha256 = \$2 or (\$3 is not null and s.idempotency_key = \$3))
 order by s.id limit 1;" "explain execute by_or('110000', lpad(to_hex(7), 64, '0'), null);" | grep -c 'Filter: .*sha256 =')
expect_eq "... where one condition with OR filters every body of the reporter" "1" "$got"

# A full run writes its assessments in the order report.progress_by_reporter
# reads them, (reporter, sort_key, indicator), so that a reporter's rows lie
# on a few pages: read in the order of their ctids, the rows and how many
# follow one that sorts later. The table is truncated first, in the same
# transaction, so that its new, empty file holds this run's rows only. Page after page
# they keep the order they were inserted in, except that a row may go back
# to an earlier page where it still fits (a county-scale run: 6 of 285,100;
# the same rows in reverse order: nearly all): under 1 in 20 is out of order.
got=$(rolled_back "truncate mestat.progress_snapshot_detail; select mestat.recompute_progress();" \
	"select c.n > 0 and c.late * 20 < c.n, c.n, c.late
  from (select count(*) as n, count(*) filter (where (x.pr, x.psk, x.pi) > (x.r, x.sk, x.i)) as late
          from (select coalesce(d.reporter, '') collate \"C\" as r, d.sort_key as sk, d.indicator collate \"C\" as i,
                       lag(coalesce(d.reporter, '')) over w collate \"C\" as pr, lag(d.sort_key) over w as psk,
                       lag(d.indicator) over w collate \"C\" as pi
                  from mestat.progress_snapshot_detail d
                 where d.snapshot = (select max(s.id) from mestat.progress_snapshot s)
                window w as (order by d.ctid)) as x) as c;" | tail -n 1 | tr '|' ' ')
expect_match "a full run writes its assessments in (reporter, sort_key, indicator) order" '^t [1-9][0-9]* [0-9]+$' "$got"


# 069: a submission's receipt, written once its values are stored, fits on
# the page its row was inserted on (a HOT update, which writes no index);
# and so does a source's next state. 40 submissions opened (about 400 bytes
# each), then each given a receipt of 1,100 bytes; 60 sources' state rows,
# then each claimed. Filled to the brim, most moved to other pages.
got=$(rolled_back "insert into mestat.submission (reporter, via, format, sha256, body, outcome)
                   select '110000', 'push', 'json', md5(g::text) || md5(g::text || 'b'),
                          convert_to(repeat(md5(g::text), 9), 'UTF8'), 'accepted'
                     from generate_series(1, 40) as g;
                   insert into mestat.source_state (name, reporter, url, format)
                   select 'room' || g, '110000', 'https://127.0.0.1/' || repeat(md5(g::text), 5), 'csv'
                     from generate_series(1, 60) as g;
                   create temp table t_at as
                   select 's' as t, id::text as k, (ctid::text::point)[0] as page from mestat.submission
                   union all
                   select 'p', name, (ctid::text::point)[0] from mestat.source_state where name like 'room%';
                   update mestat.submission set receipt = repeat('r', 1100), counts = '{\"new\": 5}';
                   update mestat.source_state set last_attempt = now(), next_run = now() + interval '1 hour'
                    where name like 'room%';" \
	"select count(*) filter (where t.t = 's'), count(*) filter (where t.t = 's' and t.page <> (s.ctid::text::point)[0]),
	        count(*) filter (where t.t = 'p'), count(*) filter (where t.t = 'p' and t.page <> (p.ctid::text::point)[0])
	   from t_at t
	   left join mestat.submission s on t.t = 's' and s.id::text = t.k
	   left join mestat.source_state p on t.t = 'p' and p.name = t.k;" | tail -n 1 | tr '|' ' ')
expect_eq "a submission's receipt and a source's next state stay on their row's page" "40 0 60 0" "$got"
db_drop
