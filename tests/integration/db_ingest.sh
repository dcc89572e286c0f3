#!/bin/bash
# db_ingest.sh: the ingestion API (ingest_begin, INSERT submission, COPY,
# ingest_validate, ingest_apply) driven through psql as a mestat_daemon login,
# one transaction per submission, the way mestatd drives it.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
db_logins "$DB"
q() { db_q postgres "$DB" "$1"; }
versions() { q "select count(*) from mestat.observation where reporter = '$1' and indicator = '$2' and period = '$3'"; }
# problem NAME STATUS REASON-ERE OUTPUT: OUTPUT holds a problem line with STATUS matching REASON.
problem() {
	local line
	line=$(printf '%s\n' "$4" | grep -E "^problem\|[0-9]+\|$2\|" | grep -E -m1 -- "$3")
	if [ -n "$line" ]; then ok "$1"; else not_ok "$1" "expected a $2 problem matching /$3/, got [$4]"; fi
}

# ---- storing, counting, revising

out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,tech_contract_turnover,2018Q3,12.5,first estimate,
line 3,,incubators,2018Q3,40,,
line 4,110000,st_service_revenue,2018,1000.25,,
ROWS
)
expect_eq "a valid submission counts every value new" "counts|3|0|0|0" "$out"
expect_eq "each new value is stored once, with its submission" "3|1" \
	"$(q "select count(*), count(distinct submission) from mestat.observation")"
expect_eq "a row without reporter is the submitting reporter's" "110000" \
	"$(q "select reporter from mestat.observation where indicator = 'incubators'")"
expect_eq "the counts are recorded on the submission" '{"new": 3, "deleted": 0, "revised": 0, "unchanged": 0}' \
	"$(q "select counts from mestat.submission where outcome = 'accepted' order by id limit 1")"

out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,tech_contract_turnover,2018Q3,12.50,first estimate,
line 3,110000,incubators,2018Q3, 40 ,,
line 4,110000,st_service_revenue,2018,1000.250,,
ROWS
)
expect_eq "resubmitting the same values (12.50 = 12.5) counts them unchanged" "counts|0|0|3|0" "$out"
expect_eq "an unchanged value stores nothing new" "3" "$(q "select count(*) from mestat.observation")"

out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,tech_contract_turnover,2018Q3,13.1,revised after audit,
ROWS
)
expect_eq "a changed value counts as revised" "counts|0|1|0|0" "$out"
expect_eq "a revision keeps the old version beside the new" "12.5,13.1" \
	"$(q "select string_agg(value::text, ',' order by id) from mestat.observation where indicator = 'tech_contract_turnover'")"
expect_eq "the current value is the revision, with revision count 2" "13.1|revised after audit|2" \
	"$(q "select value, comment, revision_count from mestat.current_value
	      where reporter = '110000' and indicator = 'tech_contract_turnover' and period = '2018Q3'")"

out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2018Q3,,closed down,t
line 3,110000,incubators,2018Q2,,,true
ROWS
)
expect_eq "deleting a value counts deleted; deleting a missing one counts unchanged" "counts|0|0|1|1" "$out"
expect_eq "a deletion is a version without value" "2|40,-" \
	"$(q "select count(*), string_agg(coalesce(value::text, '-'), ',' order by id) from mestat.observation
	      where indicator = 'incubators' and period = '2018Q3'")"
expect_eq "a deleted cell has no current value" "0" \
	"$(q "select count(*) from mestat.current_value where indicator = 'incubators' and period = '2018Q3'")"
expect_eq "nothing is stored for deleting a cell that has no value" "0" "$(versions 110000 incubators 2018Q2)"
out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2018Q3,42,,
ROWS
)
expect_eq "a value for a deleted cell counts new" "counts|1|0|0|0" "$out"

# ---- the ministry and national-only indicators

out=$(db_submit "$DB" 000000 "" <<'ROWS'
line 2,000000,national_centres_labs,2018,7,,
ROWS
)
expect_eq "the ministry reports a national-only indicator" "counts|1|0|0|0" "$out"

# ---- refusals, each with its status and a reason a clerk can act on

before=$(q "select count(*) from mestat.observation")
rejected_before=$(q "select count(*) from mestat.submission where outcome = 'rejected'")
out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,foo,2018Q3,1,,
line 3,110000,incubators,2018Q5,1,,
line 4,110000,incubators,2018,1,,
line 5,110000,tech_contract_turnover,2018Q4,12 million,,
line 6,110000,incubators,2018Q4,-3,,
line 7,110000,incubators,2018Q1,2.5,,
line 8,110000,makerspaces,2018Q4,NaN,,
line 9,110000,makerspaces,2018Q3,Infinity,,
line 10,110000,makerspaces,2018Q2,0x1F,,
line 11,110000,online_retail_share,2018Q4,100.5,,
line 12,110000,express_parcels,2018Q4,,,
line 13,110000,express_parcels,2017Q4,"1,234",,
line 14,110000,tech_contracts,2018Q4,5,,
line 15,110000,tech_contracts,2018Q4,6,,
line 16,120000,tech_contracts,2018Q3,5,,
line 17,110000,national_centres_labs,2018,3,,
line 18,110000,incubators,2019Q1,,,
line 19,,,2019Q1,4,,
line 20,110000,incubators,,4,,
ROWS
)
problem "unknown indicator: 422 pointing to the catalog" 422 'unknown indicator "foo"; see GET /api/v1/catalog' "$out"
problem "unknown period: 422 saying how periods are written" 422 'unknown period "2018Q5"; use YYYYQn' "$out"
problem "a year for a quarterly indicator: 422" 422 'is reported quarterly; use a quarter such as 2018Q4, not "2018"' "$out"
problem "a value that is not a number: 422" 422 'value "12 million" is not a number' "$out"
problem "a negative count: 422" 422 'value -3 is negative; indicator "incubators" is a count' "$out"
problem "a fraction for a count: 422" 422 'value 2.5 is not a whole number' "$out"
problem "NaN: 422" 422 'value "NaN" is not a finite number' "$out"
problem "Infinity: 422" 422 'value "Infinity" is not a finite number' "$out"
problem "a hexadecimal value: 422" 422 'value "0x1F" is hexadecimal' "$out"
problem "a percentage above 100: 422" 422 'value 100.5 is above the maximum 100' "$out"
problem "a missing value: 422" 422 '^problem\|11\|422\|value\|value is missing' "$out"
problem "thousands separators: 422" 422 'value "1,234" is not a number' "$out"
problem "the same cell twice: 422 naming the first" 422 '^problem\|14\|422\|row\|.*already appears at line 14' "$out"
problem "a row for another reporter: 403" 403 'this row is for reporter 120000 \(Tianjin\) but you are authenticated as 110000' "$out"
problem "a national-only indicator from a province: 403" 403 'indicator "national_centres_labs" is national-only' "$out"
problem "a missing indicator: 422" 422 '^problem\|18\|422\|indicator\|indicator is missing' "$out"
problem "a missing period: 422" 422 '^problem\|19\|422\|period\|period is missing' "$out"
expect_eq "every faulty row is named, and only those" "1 2 3 4 5 6 7 8 9 10 11 12 14 15 16 17 18 19" \
	"$(printf '%s\n' "$out" | cut -d'|' -f2 | sort -n -u | tr '\n' ' ' | sed 's/ $//')"
expect_eq "a refused submission stores no value" "$before" "$(q "select count(*) from mestat.observation")"
expect_eq "a refused submission leaves its audit record, with the most severe status" \
	"$((rejected_before + 1))|403|t" \
	"$(q "select (select count(*) from mestat.submission where outcome = 'rejected'), http_status,
	      error_summary ~ '^line 2: unknown indicator \"foo\".* \\(and [0-9]+ more\\)$'
	      from report.submission_log where outcome = 'rejected' order by id desc limit 1")"

out=$(db_submit "$DB" 000000 "" <<'ROWS'
line 2,000000,incubators,2018Q3,4,,
ROWS
)
problem "a provincial indicator from the ministry: 403" 403 'reported by the provinces themselves' "$out"

out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2030Q4,4,,
ROWS
)
if [[ $(q "select current_date < '2030-10-01'") == t ]]; then
	problem "a period that has not started: 422" 422 'period 2030Q4 has not started yet' "$out"
else
	ok "a period that has not started: 422 (skipped: the clock is past 2030Q4)"
fi

q "select mestat.close_period('2017Q4', 'plan office')" >/dev/null
out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2017Q4,30,,
ROWS
)
problem "a closed period: 409 saying who closed it" 409 'period 2017Q4 was closed on [0-9-]+ by plan office; ask the plan office to reopen it' "$out"
q "select mestat.reopen_period('2017Q4', 'plan office')" >/dev/null
out=$(db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,incubators,2017Q4,30,,
ROWS
)
expect_eq "a reopened period accepts values again" "counts|1|0|0|0" "$out"

# ---- defences behind validation

q "select mestat.close_period('2017Q3', 'plan office')" >/dev/null
expect_match "an observation in a closed period is refused even when inserted directly" "period 2017Q3 is closed" \
	"$(db_err t_daemon "$DB" "insert into mestat.observation (indicator, reporter, period, value, submission)
	   values ('incubators', '110000', '2017Q3', 1, (select min(id) from mestat.submission))")"
expect_match "ingest_apply refuses rows that were not validated" "run mestat.ingest_validate" \
	"$(db_err t_daemon "$DB" "begin; select mestat.ingest_begin();
	   insert into pg_temp.ingest_row (seq, loc, reporter, indicator, period, value) values (1, 'line 2', '120000', 'incubators', '2018Q3', '5');
	   select * from mestat.ingest_apply((select min(id) from mestat.submission where reporter = '110000'))")"
expect_match "ingest_validate without ingest_begin says what to call first" "call mestat.ingest_begin" \
	"$(db_err t_daemon "$DB" "select * from mestat.ingest_validate('110000', null)")"

# ---- idempotency

body="same body $RANDOM"
DB_BODY=$body db_submit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,makerspaces,2018Q3,12,,
ROWS
expect_match "the same body accepted twice from one reporter is refused by the unique index" "submission_accepted_body" \
	"$(DB_BODY=$body db_submit "$DB" 110000 "" <<'ROWS'
line 2,110000,makerspaces,2018Q3,12,,
ROWS
)"
expect_eq "prior_submission finds the first acceptance of a body, with its receipt" "t|t|t" \
	"$(db_q t_daemon "$DB" "select id is not null, receipt like '{\"submission_id\":%', same_body
	   from mestat.prior_submission('110000', encode(sha256(convert_to('$body', 'UTF8')), 'hex'), null)")"
expect_eq "prior_submission knows nothing of another reporter's body" "0" \
	"$(db_q t_daemon "$DB" "select count(*) from mestat.prior_submission('120000', encode(sha256(convert_to('$body', 'UTF8')), 'hex'))")"

# ---- reporters' own codes

q "select mestat.add_code_mapping('110000', 'dhis2_de', 'fbfJHSPpUQD', 'tech_contract_turnover'),
          mestat.add_code_mapping('110000', 'dhis2_ou', 'ImspTQPwCqd', '110000')" >/dev/null
out=$(db_submit "$DB" 110000 dhis2 <<'ROWS'
/dataValues/0,ImspTQPwCqd,fbfJHSPpUQD,2018Q2,7.25,,
/dataValues/1,ImspTQPwCqd,incubators,2018Q2,39,,
ROWS
)
expect_eq "a DHIS2 submission with mapped dataElement and orgUnit UIDs is accepted" "counts|2|0|0|0" "$out"
expect_eq "the mapped UIDs are stored as mestat codes" "7.25" \
	"$(q "select value from mestat.current_value where reporter = '110000' and indicator = 'tech_contract_turnover' and period = '2018Q2'")"
out=$(db_submit "$DB" 120000 dhis2 <<'ROWS'
/dataValues/0,ImspTQPwCqd,fbfJHSPpUQD,2018Q2,7.25,,
ROWS
)
problem "another reporter's mapping does not apply" 422 'unknown indicator "fbfJHSPpUQD"' "$out"
q "select mestat.add_code_mapping('370200', 'sdmx', 'TECH_TURNOVER', 'tech_contract_turnover'),
          mestat.add_code_mapping('370200', 'sdmx', 'CN_QD', '370200')" >/dev/null
out=$(db_submit "$DB" 370200 sdmx <<'ROWS'
line 2,CN_QD,TECH_TURNOVER,2018-Q2,3.5,,
ROWS
)
expect_eq "an SDMX submission with mapped dimension values and a YYYY-Qn period is accepted" "counts|1|0|0|0|370200 2018Q2" \
	"$out|$(q "select reporter || ' ' || period from mestat.current_value where indicator = 'tech_contract_turnover' and reporter = '370200'")"

# Tidying rewrites only the rows it changes (ingest_validate_catalog_rows):
# a row sent with blanks around its codes and value, a lower-case period and
# an empty comment is stored as tidy as the row beside it, sent tidy.
out=$(db_submit "$DB" 110000 '' <<'ROWS'
line 1, 110000 , tech_contract_turnover ,2019q3 , 14.5 ,"",f
line 2,110000,tech_contract_turnover,2019Q4,15.5,,f
ROWS
)
expect_eq "an untidy row is tidied and a tidy one kept as sent" "counts|2|0|0|0|2019Q3 14.5 true false|2019Q4 15.5 true false" \
	"$out|$(q "select string_agg(period || ' ' || value || ' ' || (comment is null) || ' ' || deleted, '|' order by period)
	           from mestat.cell where reporter = '110000' and indicator = 'tech_contract_turnover'
	            and period in ('2019Q3', '2019Q4')")"

# ---- validation and storing in one call (mestat.ingest_validate_apply, 063)

# va OPEN ROWS: a native submission of 110000 as mestatd sends it in one round
# trip (BEGIN, ingest_open, the rows staged, ingest_validate_apply), rolled
# back. OPEN false leaves ingest_open out, as after a replay. Prints the
# call's rows (seq or "stored", status, the counts, the warnings' rules),
# then "held" and the versions the transaction added.
va() {
	local rows
	rows=$(awk -F, 'BEGIN { OFS = "," } NF { n++; print n, $0 }' <<<"$2")
	psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U t_daemon -d "$DB" -v open="$1" -v body="va $RANDOM $(date +%s%N)" \
		2>&1 <<SQL
begin;
select count(*) as before from mestat.observation \\gset
select mestat.ingest_begin() \\g /dev/null
\\if :open
select id from mestat.ingest_open('110000', 'push', null, 'csv', 'text/csv',
                                  encode(sha256(convert_to(:'body', 'UTF8')), 'hex'), convert_to(:'body', 'UTF8'),
                                  'token:0', null, 'accepted', true) \\g /dev/null
\\endif
copy pg_temp.ingest_row (seq, loc, reporter, indicator, period, value, comment, deleted) from stdin with (format csv);
$rows
\\.
select coalesce(seq::text, 'stored'), status, new, revised, unchanged, deleted,
       (select string_agg(w->>'rule', ',') from jsonb_array_elements(warnings) w)
  from mestat.ingest_validate_apply('110000', null);
select 'held', count(*) - :before from mestat.observation;
rollback;
SQL
}
expect_eq "validated and stored in one call: one row, the counts and the warnings" \
	"stored||1|1|0|0|tech_contracts_with_turnover
held|2" "$(va true 'line 2,110000,tech_contract_turnover,2018Q3,14.2,,
line 3,110000,incubators,2020Q2,41,,')"
expect_eq "a refused row: the validation's rows, in seq order, and nothing stored" "2|422|||||
held|0" "$(va true 'line 2,110000,tech_contract_turnover,2018Q3,14.2,,
line 3,110000,no_such_indicator,2018Q3,41,,')"
expect_eq "nothing opened in the transaction (a replay): no row, nothing stored" "held|0" \
	"$(va false 'line 2,110000,tech_contract_turnover,2018Q3,14.2,,')"

# The same submission through the separate steps (ingest_validate, then
# ingest_apply with ingest_warnings) and through the one call: the same
# counts and warnings (a turnover without its number of contracts: a warn
# rule), both rolled back.
steps=$(psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U t_daemon -d "$DB" 2>&1 <<'SQL'
begin;
select id as sub from mestat.ingest_open('110000', 'push', null, 'csv', 'text/csv', repeat('a', 64), 'x', 'token:0',
                                         null, 'accepted', true) \gset
insert into pg_temp.ingest_row (seq, loc, reporter, indicator, period, value)
values (1, 'line 2', '110000', 'tech_contract_turnover', '2018Q4', '131');
select count(*) from mestat.ingest_validate('110000', null);
select a.new, a.revised, a.unchanged, a.deleted, mestat.ingest_warnings(:sub) from mestat.ingest_apply(:sub) a;
rollback;
begin;
select id as sub from mestat.ingest_open('110000', 'push', null, 'csv', 'text/csv', repeat('a', 64), 'x', 'token:0',
                                         null, 'accepted', true) \gset
insert into pg_temp.ingest_row (seq, loc, reporter, indicator, period, value)
values (1, 'line 2', '110000', 'tech_contract_turnover', '2018Q4', '131');
select new, revised, unchanged, deleted, warnings from mestat.ingest_validate_apply('110000', null);
rollback;
SQL
)
expect_eq "the one call gives the separate steps' counts and warnings" "0|$(sed -n 2p <<<"$steps")" \
	"$(sed -n 1p <<<"$steps")|$(sed -n 3p <<<"$steps")"
expect_match "so both have a warning to compare" '"rule": "tech_contracts_with_turnover"' "$(sed -n 3p <<<"$steps")"

# ---- several submissions stored together (mestat.ingest_batch_*, 064)

# A batch as mestatd sends one: a valid submission, one refused, another
# valid one, and the replay of a body accepted before.
DB_BODY="batch replay body" db_submit "$DB" 140000 "" >/dev/null <<'ROWS'
line 2,140000,incubators,2020Q2,7,,
ROWS
r110='line 2,110000,tech_contract_turnover,2019Q1,14.2,,
line 3,110000,incubators,2020Q2,41,,'
t110="110000||$r110"
t120='120000||line 2,120000,tech_contract_turnover,2018Q3,5,,
line 3,120000,no_such_indicator,2018Q3,41,,'
t130='130000||line 2,130000,incubators,2020Q2,12,,'
t140='140000|batch replay body|line 2,140000,incubators,2020Q2,7,,'
alone=$(va true "$r110" | head -n 1)
expect_eq "a batch: each submission's own outcome, a refusal touching no other" \
	"110000|stored|2|0|0|0|tech_contracts_with_turnover
120000|problem|2|422|indicator
130000|stored|1|0|0|0|
140000|replay" "$(db_batch "$DB" rollback "$t110" "$t120" "$t130" "$t140")"
expect_eq "... the counts and warnings of the same submission alone" "stored||2|0|0|0|tech_contracts_with_turnover" \
	"$alone"
first=$(q "select max(id) + 1 from mestat.submission")
before=$(q "select count(*) from mestat.observation")
db_batch "$DB" commit "$t110" "$t120" "$t130" "$t140" >/dev/null
expect_eq "committed: the values of the two valid ones, each with its submission, nothing of the refused one" \
	"110000|2|1|accepted
120000|0|1|rejected
130000|1|1|accepted" \
	"$(q "select s.reporter, count(o.id), count(distinct s.id), s.outcome from mestat.submission s
	      left join mestat.observation o on o.submission = s.id
	      where s.id >= $first group by s.reporter, s.outcome order by 1")"
expect_eq "... $((before + 3)) versions in all" "$((before + 3))" "$(q "select count(*) from mestat.observation")"
expect_eq "... the cells at the batch's values" "110000|14.2|41
130000||12" \
	"$(q "select reporter, max(value) filter (where indicator = 'tech_contract_turnover' and period = '2019Q1'),
	             max(value) filter (where indicator = 'incubators' and period = '2020Q2')
	        from mestat.cell where reporter in ('110000', '130000') group by reporter order by 1")"
expect_match "two submissions of one reporter are not opened together" \
	'two submissions of one reporter, or one of none, cannot be opened together' \
	"$(db_batch "$DB" rollback '150000||line 2,150000,incubators,2020Q2,3,,' '150000||line 2,150000,incubators,2020Q1,3,,')"

# 067: a batch's submissions are opened by one call. A place whose
# Idempotency-Key was accepted before answers with that submission's receipt,
# the others are opened, one row a place in their order; the ids are kept in
# their places for the staging (none for the replay).
q "insert into mestat.submission (reporter, via, format, content_type, sha256, body, client_identity, idempotency_key,
                                  outcome, receipt)
   values ('410000', 'push', 'csv', 'text/csv', repeat('a', 64), 'x', 'token:0', 'idem-067', 'accepted', 'receipt 067')" \
	>/dev/null
earlier=$(q "select id from mestat.submission where idempotency_key = 'idem-067'")
got=$(psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U t_daemon -d "$DB" 2>&1 <<'SQL'
begin;
create temporary table t_open on commit drop as
select o.*, o.id > (select s.id from mestat.submission s where s.idempotency_key = 'idem-067') as newer
  from mestat.ingest_batch_open(array['420000', '410000'], array['push', 'push'], array[null, null]::text[],
                                array['csv', 'csv'], array['text/csv', 'text/csv'], array[repeat('b', 64), repeat('c', 64)],
                                array['y', 'z']::bytea[], array['token:0', 'token:0'], array[null, 'idem-067'])
       with ordinality as o(id, received_at, receipt, n);
select n, newer, received_at is not null, receipt from t_open order by n;
select current_setting('mestat.ingest_batch_ids') = '{' || (select id from t_open where n = 1) || ',NULL}';
select s.reporter, s.outcome, s.http_status from mestat.submission s join t_open o on o.id = s.id where o.n = 1;
select count(*) from t_open where n = 2 and id = (select id from mestat.submission where idempotency_key = 'idem-067');
rollback;
SQL
)
expect_eq "a batch opened by one call: a new place opened, an Idempotency-Key accepted before its receipt again" \
	"1|t|t|
2|f|f|receipt 067
t
420000|accepted|201
1" "$got"
expect_eq "... the earlier submission untouched" "$earlier|receipt 067" \
	"$(q "select id, receipt from mestat.submission where idempotency_key = 'idem-067'")"
expect_match "in a batch, a submission is not opened alone" 'ingest_open: in a batch, call mestat.ingest_batch_open' \
	"$(psql -X -q -At -v ON_ERROR_STOP=1 -U t_daemon -d "$DB" 2>&1 <<'SQL'
begin;
select count(*) from mestat.ingest_batch_open(array['420000'], array['push'], array[null]::text[], array['csv'],
                                              array['text/csv'], array[repeat('d', 64)], array['w']::bytea[],
                                              array['token:0'], array[null]::text[]);
select * from mestat.ingest_open('430000', 'push', null, 'csv', 'text/csv', repeat('e', 64), 'v', 'token:0', null,
                                 'accepted', true);
rollback;
SQL
)"
q "delete from mestat.submission where idempotency_key = 'idem-067'" >/dev/null

# ---- a batch's submissions validated together (mestat.ingest_batch_check, 065)

# A session that made its staging tables before 065 has them without the
# new columns: mestat.ingest_begin makes them again.
expect_eq "staging tables made before 065 are made again, with the new columns" "submitter|submission" \
	"$(psql -X -q -At -v ON_ERROR_STOP=1 -U t_daemon -d "$DB" 2>&1 <<'SQL'
create temporary table ingest_row (seq integer, loc text, reporter text, indicator text, period text, value text,
	comment text, deleted boolean, coc text, aoc text, status text, unit_mult text, followup boolean, missing boolean)
	on commit preserve rows;
create temporary table ingest_rule_hit (rule text, severity text, reporter text, period text, left_value numeric,
	right_value numeric, indicators text[], message text, other_reporter text) on commit preserve rows;
select mestat.ingest_begin() \g /dev/null
select (select a.attname from pg_attribute a where a.attrelid = 'pg_temp.ingest_row'::regclass and a.attname = 'submitter')
       || '|' || (select a.attname from pg_attribute a
                   where a.attrelid = 'pg_temp.ingest_rule_hit'::regclass and a.attname = 'submission');
SQL
)"

# Valid submissions of three provinces: one run of the rules judges them all,
# each as it would be alone (110000's warning is its own; the batch above
# stored its values and 130000's: unchanged now).
t150='150000||line 2,150000,incubators,2020Q2,3,,'
alone110=$(db_batch "$DB" rollback "$t110")
alone130=$(db_batch "$DB" rollback "$t130")
alone150=$(db_batch "$DB" rollback "$t150")
expect_eq "valid submissions of three provinces are judged together, each as alone" \
	"run|3
$alone110
$alone130
$alone150" "$(DB_BATCH_RUN=1 db_batch "$DB" rollback "$t110" "$t130" "$t150")"
# One refused among them: the run's answer for it is the one it gets alone,
# and the other two are judged again together.
expect_eq "with one refused, the others are judged again together: the refusal is its own" \
	"run|2
$alone110
120000|problem|2|422|indicator
$alone130" "$(DB_BATCH_RUN=1 db_batch "$DB" rollback "$t110" "$t120" "$t130")"
# A run stops at the first step of the rules that refused anything: a
# batch-mate that passed it is judged again for the later steps. 150000's
# quarter is locked, which only the last step (ingest_lock_check) sees;
# 120000's unknown indicator stops the first run before it.
q "insert into mestat.reporting_state (reporter, period, state, locked_at, locked_by)
   values ('150000', '2020Q2', 'locked', now(), 'db_ingest')" >/dev/null
locked150=$(db_batch "$DB" rollback "$t150")
expect_eq "... alone, a value in a locked quarter is refused at the last step: 409" "150000|problem|1|409|period" \
	"$locked150"
expect_eq "... in a batch stopped earlier by another's refusal, still 409: judged again for the steps not run" \
	"run|1
120000|problem|2|422|indicator
$locked150
$alone130" "$(DB_BATCH_RUN=1 db_batch "$DB" rollback "$t120" "$t150" "$t130")"
q "delete from mestat.reporting_state where reporter = '150000' and period = '2020Q2'" >/dev/null
# A row of another reporter: 403 for its sender only.
expect_eq "a row of another province refuses its sender only" \
	"run|1
130000|problem|2|403|reporter
150000|stored|1|0|0|0|" "$(DB_BATCH_RUN=1 db_batch "$DB" rollback \
	'130000||line 2,130000,incubators,2020Q2,12,,
line 3,150000,incubators,2020Q2,4,,' "$t150")"
# A department may send only the indicators it is the national source of: a
# rule of its sender that a run judging several senders would not apply.
expect_eq "a department in a batch is judged alone: 403 for an indicator it is not the source of" \
	"run|1
930001|problem|1|403|indicator
150000|stored|1|0|0|0|" "$(DB_BATCH_RUN=1 db_batch "$DB" rollback '930001||line 2,930001,incubators,2020Q2,3,,' "$t150")"
# A province and its separate-plan city, judged together: the rule comparing
# them reads, for each, the other's stored value (none here), never the
# other's staged one, as alone. Read across submissions, the province's 5
# would meet the city's 9 and both be warned.
t210='210000||line 2,210000,incubators,2020Q2,5,,'
t212='210200||line 2,210200,incubators,2020Q2,9,,'
expect_eq "a province and its city judged together: no warning from the other's staged value" \
	"run|2
210000|stored|1|0|0|0|
210200|stored|1|0|0|0|" "$(DB_BATCH_RUN=1 db_batch "$DB" rollback "$t210" "$t212")"
expect_eq "... the same rows in one submission of each, one after the other, warn the second" \
	"province_ge_city_incubators" \
	"$(db_batch "$DB" commit "$t212" >/dev/null; db_batch "$DB" rollback "$t210" | cut -d'|' -f7)"
expect_eq "... then a batch of the province's 5 and the city's 3: the province warned against the city's stored 9" \
	"run|2
210000|stored|1|0|0|0|province_ge_city_incubators
210200|stored|0|1|0|0|" \
	"$(DB_BATCH_RUN=1 db_batch "$DB" rollback "$t210" '210200||line 2,210200,incubators,2020Q2,3,,')"

# ---- what evaluators see

expect_eq "report.latest_values shows labels in both languages and the revision count" \
	"技术合同成交额|Technology contract turnover|北京市|Beijing|13.1|2" \
	"$(db_q t_eval "$DB" "select indicator_name_zh, indicator_name_en, reporter_name_zh, reporter_name_en, value, revision_count
	   from report.latest_values where reporter = '110000' and indicator = 'tech_contract_turnover' and period = '2018Q3'")"
expect_eq "report.submission_log shows accepted and rejected submissions, no body" "t|t|f" \
	"$(db_q t_eval "$DB" "select bool_or(outcome = 'accepted'), bool_or(outcome = 'rejected'),
	   exists (select 1 from information_schema.columns where table_schema = 'report' and table_name = 'submission_log'
	           and column_name in ('body', 'receipt')) from report.submission_log")"

db_drop
