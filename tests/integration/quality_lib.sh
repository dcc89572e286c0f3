# quality_lib.sh: helpers shared by the data quality tests tests/integration/quality_*.sh.
# Sourced after tests/lib.sh and db_lib.sh; run on its own it is not a test and does nothing.
[[ ${BASH_SOURCE[0]} == "$0" ]] && exit 0

# quality_db: a fresh database of the migrations (DB) with the test logins;
# from then on q SQL runs SQL there as postgres, unaligned tuples, fields
# split by | (in place of tests/lib.sh's q, which reads mestatd's T_DB).
quality_db() {
	db_fresh
	db_logins "$DB"
	q() { db_q postgres "$DB" "$1"; }
}

# qsubmit DB REPORTER SCHEME <<ROWS: the ingestion API as t_daemon, the way
# mestatd drives it (step 5 with mestat.ingest_warnings). ROWS are CSV lines
#   loc,reporter,indicator,period,value,comment,deleted,status,unit_mult,followup
# (empty field = NULL). Prints either "counts|NEW|REVISED|UNCHANGED|DELETED"
# and then "warnings|JSON", or one line per problem "problem|SEQ|STATUS|FIELD|REASON".
qsubmit() {
	local db=$1 rep=$2 scheme=$3 rows body
	rows=$(awk -F, 'BEGIN { OFS = "," } NF { n++; print n, $0 }')
	body="body $RANDOM $RANDOM $(date +%s%N)"
	psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U t_daemon -d "$db" \
		-v rep="$rep" -v scheme="$scheme" -v body="$body" 2>&1 <<SQL
begin;
select mestat.ingest_begin() \\g /dev/null
insert into mestat.submission (reporter, via, format, content_type, sha256, body, body_size, client_identity, outcome)
values (:'rep', 'push', 'csv', 'text/csv', encode(sha256(convert_to(:'body', 'UTF8')), 'hex'),
        convert_to(:'body', 'UTF8'), length(:'body'), 'token:0', 'accepted')
returning id as sub \\gset
copy pg_temp.ingest_row (seq, loc, reporter, indicator, period, value, comment, deleted, status, unit_mult, followup)
from stdin with (format csv);
$rows
\\.
create temporary table t_problem on commit drop as
	select * from mestat.ingest_validate(:'rep', nullif(:'scheme', ''));
select count(*) = 0 as valid from t_problem \\gset
\\if :valid
select a.*, mestat.ingest_warnings(:sub) as w from mestat.ingest_apply(:sub) a \\gset
select 'counts|' || :'new' || '|' || :'revised' || '|' || :'unchanged' || '|' || :'deleted';
select 'warnings|' || :'w';
update mestat.submission
   set counts = jsonb_build_object('new', :new, 'revised', :revised, 'unchanged', :unchanged, 'deleted', :deleted),
       receipt = '{"submission_id":' || id || '}'
 where id = :sub;
commit;
\\else
select 'problem', seq, status, field, reason from t_problem order by seq, status;
rollback;
\\endif
SQL
}

# expect_problem NAME STATUS REASON-ERE OUTPUT: OUTPUT holds a problem line with STATUS matching REASON.
expect_problem() {
	local line
	line=$(printf '%s\n' "$4" | grep -E "^problem\|[0-9]+\|$2\|" | grep -E -m1 -- "$3")
	if [ -n "$line" ]; then ok "$1"; else not_ok "$1" "expected a $2 problem matching /$3/, got [$4]"; fi
}
