# db_lib.sh: helpers shared by the database tests tests/integration/db_*.sh.
# It is sourced after tests/lib.sh; run on its own it is not a test and does nothing.
[[ ${BASH_SOURCE[0]} == "$0" ]] && exit 0

# db_apply_migrations DB: apply sql/[0-9]*.sql to DB in name order, then the
# current definitions (sql/functions/*.sql, then sql/views/*.sql), the way
# `mestatd --migrate` does: over one connection, each file sent whole as one
# simple-protocol query wrapped in BEGIN/COMMIT (psql's \gexec sends a value
# as one query). Without the current definitions a test would judge the
# bodies the numbered files left, which later edits to sql/functions/ and
# sql/views/ replace. (A psql started per file took 26 s a database, this 3-6 s.)
# Prints the failing file and the error on stderr and returns 1 on failure.
db_apply_migrations() {
	local db=$1 f script=$T_TMP/migrate-$1.psql out=$T_TMP/migrate-$1.out
	for f in "$TOP"/sql/[0-9]*.sql "$TOP"/sql/functions/*.sql "$TOP"/sql/views/*.sql; do
		printf '\\echo migration %s\n' "$(basename "$f")"
		printf "\\\\set body \`cat '%s'\`\n" "$f"
		printf "select 'BEGIN;' || chr(10) || :'body' || chr(10) || ';COMMIT;' \\\\gexec\n"
	done >"$script"
	pg_psql -d "$db" -At -f "$script" >"$out" 2>&1 && return 0
	# What psql said after the last file it announced: that file's error.
	awk '/^migration / {name = $2; said = ""; next} {said = said $0 " "}
	     END {printf "migration %s failed: %s\n", name, substr(said, 1, 800)}' "$out" >&2
	return 1
}

# db_fresh: create a database for this script and apply the migrations; sets DB.
# Exits the script (after a "not ok") when that fails: nothing else can be tested.
db_fresh() {
	DB=$(t_newdb) || { not_ok "create test database" "CREATE DATABASE failed"; exit 1; }
	if ! db_apply_migrations "$DB" 2>"$T_TMP/fresh.err"; then
		not_ok "migrations apply to an empty database" "$(head -c 800 "$T_TMP/fresh.err")"
		exit 1
	fi
}

# db_drop: drop the database of db_fresh (the cluster is throwaway, but many scripts share it).
db_drop() {
	[ -n "${DB:-}" ] && pg_psql -d postgres -c "DROP DATABASE IF EXISTS \"$DB\"" >/dev/null 2>&1
	return 0
}

# db_logins DB: make sure the login roles t_daemon (in mestat_daemon) and t_eval
# (in mestat_evaluator) exist (roles are cluster-wide; other scripts may be
# creating them at the same moment), and grant TEMP on DB to t_daemon.
db_logins() {
	pg_psql -d "$1" >/dev/null <<SQL
do \$\$
begin
	if not exists (select 1 from pg_roles where rolname = 't_daemon') then
		begin
			create role t_daemon login in role mestat_daemon;
		exception when duplicate_object or unique_violation then null;
		end;
	end if;
	if not exists (select 1 from pg_roles where rolname = 't_eval') then
		begin
			create role t_eval login in role mestat_evaluator;
		exception when duplicate_object or unique_violation then null;
		end;
	end if;
end
\$\$;
grant temporary on database "$1" to t_daemon;
SQL
}

# db_q ROLE DB SQL: run SQL as login ROLE, unaligned tuples, fields split by |.
# Prints the result (and errors on stderr); returns psql's status.
db_q() {
	psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U "$1" -d "$2" -c "$3"
}

# db_err ROLE DB SQL: run SQL as ROLE expecting it to fail; prints the error
# message (first ERROR line), or "SUCCEEDED" if it did not fail.
db_err() {
	local out
	if out=$(psql -X -q -At -v ON_ERROR_STOP=1 -U "$1" -d "$2" -c "$3" 2>&1); then
		echo "SUCCEEDED"
	else
		printf '%s\n' "$out" | grep -m1 'ERROR' || printf '%s\n' "$out" | head -n 1
	fi
}

# db_owner DB SQL: run SQL as mestat_owner (a superuser's session after SET
# ROLE), unaligned tuples, fields split by |.
db_owner() {
	psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U postgres -d "$1" -c "set role mestat_owner; $2"
}

# db_message DB SQL: the message line of the error SQL fails with as
# mestat_owner (nothing when it succeeds).
db_message() {
	psql -X -q -At -v ON_ERROR_STOP=1 -U postgres -d "$1" -c "set role mestat_owner; $2" 2>&1 | sed -n 's/^ERROR: *//p'
}

# db_accepted DB REPORTER: a new accepted push of REPORTER's, with no value
# (inserted as mestat_owner); prints its id.
db_accepted() {
	db_owner "$1" "insert into mestat.submission (reporter, via, format, sha256, outcome, http_status)
	               values ('$2', 'push', 'csv', md5('$2' || random()) || md5(random()::text), 'accepted', 201)
	               returning id"
}

# db_state DB SQL: the SQLSTATE SQL fails with as mestat_owner, or "ok".
db_state() {
	local out
	if out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -U postgres -d "$1" \
		-c "set role mestat_owner; $2" 2>&1); then
		echo ok
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR: *\([0-9A-Z]\{5\}\):.*/\1/p' | head -n 1
	fi
}

# db_sleeping DB: another session on DB is in pg_sleep (a test's holder or
# deleter, its writes done).
db_sleeping() {
	[ "$(psql -X -q -At -U postgres -d "$1" -c "select count(*) from pg_stat_activity
	                                             where wait_event = 'PgSleep' and datname = current_database()")" -ge 1 ]
}

# db_hold DB SECONDS WHAT SQL: a session of mestat_owner on DB runs SQL in a
# transaction, then sleeps SECONDS before it commits, in the background;
# returns once it sleeps (its writes done, its locks held), or after 10 s
# with "not ok - the WHAT transaction starts". DB_HELD is its PID, for
# `wait`. Run it in the test's own shell, not in $(...).
db_hold() {
	psql -X -q -U postgres -d "$1" -c "set role mestat_owner; begin; $4; select pg_sleep($2); commit;" \
		>/dev/null 2>&1 &
	DB_HELD=$!
	t_until 10 db_sleeping "$1" ||
		not_ok "the $3 transaction starts" "not seen in 10 s"
}

# db_batch DB END SUBMISSION...: several native submissions in one
# transaction, as mestatd sends a batch (064, 065, 067): ingest_batch_open
# for them all; every row staged by one statement, each taking the id opened
# in its submission's place; then ingest_batch_check and ingest_batch_apply;
# the receipts and the refusals' outcomes by ingest_batch_close (066); then
# END (commit or rollback). Each
# SUBMISSION is "REPORTER|BODY|ROWS" (BODY empty: a random one; ROWS as
# db_submit's, one a line). Prints, in the order given, for each: "REPORTER|replay",
# one "REPORTER|problem|SEQ|STATUS|FIELD" a refused value, or
# "REPORTER|stored|NEW|REVISED|UNCHANGED|DELETED|WARNINGS" (the warnings' rules,
# comma-separated). With DB_BATCH_RUN set, first "run|N": the submissions
# whose rows the validation's last run judged (all of them when judged
# together, those not refused by an earlier run when it is run again, 1
# when judged alone).
db_batch() {
	local db=$1 end=$2 spec rep body i=0 reps="" bodies="" rows=""
	shift 2
	for spec in "$@"; do
		i=$((i + 1))
		rep=${spec%%|*}
		body=${spec#*|}
		body=${body%%|*}
		[ -n "$body" ] || body="batch $i $RANDOM $RANDOM $(date +%s%N)"
		reps+="${reps:+, }'$rep'"
		bodies+="${bodies:+, }convert_to('$body', 'UTF8')"
		rows+=$(awk -F, -v p="$i" 'BEGIN { OFS = "," } NF { n++; print p, n, $0 }' <<<"${spec#*|*|}")$'\n'
	done
	psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U t_daemon -d "$db" 2>&1 <<SQL
begin;
create temporary table t_rows (place integer, seq integer, loc text, reporter text, indicator text, period text,
                               value text, comment text, deleted boolean) on commit drop;
copy t_rows from stdin with (format csv);
$rows\\.
create temporary table t_batch on commit drop as
select o.n, b.rep, o.id, o.receipt is not null as replay, '{}'::text[] as problems
  from unnest(array[$reps]) with ordinality as b(rep, n)
  join mestat.ingest_batch_open(array[$reps], array_fill('push'::text, array[$i]), array_fill(null::text, array[$i]),
                                array_fill('csv'::text, array[$i]), array_fill('text/csv'::text, array[$i]),
                                array(select encode(sha256(x), 'hex') from unnest(array[$bodies]) with ordinality as u(x, k) order by k),
                                array[$bodies], array_fill('token:0'::text, array[$i]), array_fill(null::text, array[$i]))
       with ordinality as o(id, received_at, receipt, n) on o.n = b.n;
insert into pg_temp.ingest_row (submission, seq, loc, reporter, indicator, period, value, comment, deleted)
select (current_setting('mestat.ingest_batch_ids')::bigint[])[r.place], r.seq, r.loc, r.reporter, r.indicator,
       r.period, r.value, r.comment, r.deleted
  from t_rows r;
create temporary table t_checked on commit drop as select * from mestat.ingest_batch_check();
${DB_BATCH_RUN:+select 'run|' || count(distinct submission) from pg_temp.ingest_row;}
update t_batch b set problems = array(select c.seq || '|' || c.status || '|' || c.field from t_checked c
                                      where c.submission = b.id and not b.replay order by c.seq, c.field);
create temporary table t_stored on commit drop as select * from mestat.ingest_batch_apply();
select mestat.ingest_batch_close(coalesce(jsonb_agg(e), '[]'))
  from (select jsonb_build_object('id', a.submission,
                                  'counts', jsonb_build_object('new', a.new, 'revised', a.revised,
                                                               'unchanged', a.unchanged, 'deleted', a.deleted),
                                  'receipt', '{"submission_id":' || a.submission || '}') as e
          from t_stored a
        union all
        select jsonb_build_object('id', b.id, 'outcome', 'rejected', 'http_status', 422)
          from t_batch b where not b.replay and cardinality(b.problems) > 0) as x \\g /dev/null
select b.rep || '|' || case when b.replay then 'replay'
                            when cardinality(b.problems) > 0 then array_to_string(array(select 'problem|' || p from unnest(b.problems) p), chr(10) || b.rep || '|')
                            else concat_ws('|', 'stored', a.new, a.revised, a.unchanged, a.deleted,
                                           coalesce((select string_agg(w->>'rule', ',') from jsonb_array_elements(a.warnings) w), '')) end
  from t_batch b left join t_stored a on a.submission = b.id
 order by b.n;
$end;
SQL
}

# db_submit DB REPORTER SCHEME [OPTIONS] <<ROWS: run the ingestion API as t_daemon
# the way mestatd does, one transaction: ingest_begin, INSERT submission, COPY the
# rows, ingest_validate, then ingest_apply + UPDATE counts/receipt + COMMIT, or
# ROLLBACK and record the rejected submission in a new transaction.
# SCHEME is "" for native formats, dhis2 or sdmx. ROWS are CSV lines
#   loc,reporter,indicator,period,value,comment,deleted
# (empty field = NULL; seq is the line number). Prints either
#   "counts|NEW|REVISED|UNCHANGED|DELETED"
# or one line per problem "problem|SEQ|STATUS|FIELD|REASON".
# Options (environment): DB_BODY (body text; default random, so the SHA-256 differs).
db_submit() {
	local db=$1 rep=$2 scheme=$3 rows body
	rows=$(awk -F, 'BEGIN { OFS = "," } NF { n++; print n, $0 }')
	body=${DB_BODY:-"body $RANDOM $RANDOM $(date +%s%N)"}
	psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U t_daemon -d "$db" \
		-v rep="$rep" -v scheme="$scheme" -v body="$body" 2>&1 <<SQL
begin;
select mestat.ingest_begin() \\g /dev/null
insert into mestat.submission (reporter, via, format, content_type, sha256, body, body_size, client_identity, outcome)
values (:'rep', 'push', 'csv', 'text/csv', encode(sha256(convert_to(:'body', 'UTF8')), 'hex'),
        convert_to(:'body', 'UTF8'), length(:'body'), 'token:0', 'accepted')
returning id as sub \\gset
copy pg_temp.ingest_row (seq, loc, reporter, indicator, period, value, comment, deleted) from stdin with (format csv);
$rows
\\.
create temporary table t_problem on commit drop as
	select * from mestat.ingest_validate(:'rep', nullif(:'scheme', ''));
select count(*) = 0 as valid from t_problem \\gset
\\if :valid
select * from mestat.ingest_apply(:sub) \\gset c_
select 'counts', :c_new, :c_revised, :c_unchanged, :c_deleted;
update mestat.submission
   set counts = jsonb_build_object('new', :c_new, 'revised', :c_revised, 'unchanged', :c_unchanged, 'deleted', :c_deleted),
       receipt = '{"submission_id":' || id || '}'
 where id = :sub;
commit;
\\else
select 'problem', seq, status, field, reason from t_problem order by seq, status;
select jsonb_build_object('message', 'rows failed validation',
                          'errors', jsonb_agg(to_jsonb(p) order by p.seq))::text as detail,
       case when bool_or(p.status = 403) then 403 when bool_or(p.status = 409) then 409 else 422 end as status
  from t_problem p \\gset
rollback;
insert into mestat.submission (reporter, via, format, content_type, sha256, body, body_size, client_identity,
                               outcome, http_status, error_detail)
values (:'rep', 'push', 'csv', 'text/csv', encode(sha256(convert_to(:'body', 'UTF8')), 'hex'),
        convert_to(:'body', 'UTF8'), length(:'body'), 'token:0', 'rejected', :status, :'detail'::jsonb);
\\endif
SQL
}
