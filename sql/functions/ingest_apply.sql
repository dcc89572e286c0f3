-- mestat.ingest_apply: the current definition of this function.
-- First created in 005_ingest.sql, last changed in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_apply(p_submission bigint)
returns table (new integer, revised integer, unchanged integer, deleted integer)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
-- One plan for every submission. The plan cache compares the generic plan's
-- cost with the custom plans' so far, each costed by the staging table's
-- size when it was made; on half the connections of bench/ingest it kept
-- choosing custom plans, and the storing statement was planned at every
-- call. Its shape does not depend on the rows: each probes its cell's
-- current version through the index.
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
	s_reporter text;
	s_outcome text;
	bad text;
	bad_cell text;
	bad_period text;
	n_new integer;
	n_revised integer;
	n_unchanged integer;
	n_deleted integer;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;
	select s.reporter, s.outcome into s_reporter, s_outcome from mestat.submission s where s.id = p_submission;
	if not found then
		raise exception 'ingest_apply: submission % does not exist', p_submission using errcode = '22023';
	end if;
	if s_reporter is null or s_outcome not in ('accepted', 'dry_run') then
		raise exception 'ingest_apply: submission % is %, from reporter %; only an accepted or dry_run submission of a '
			'known reporter can be applied', p_submission, s_outcome, coalesce(s_reporter, 'NULL') using errcode = '22023';
	end if;

	-- The reporter's ingests one at a time; a period's closing waits for them.
	perform pg_advisory_xact_lock(1835365237, hashtext(s_reporter)), pg_advisory_xact_lock_shared(1835365236, 0);

	-- Defence in depth: these rows must have passed ingest_validate(). The
	-- three checks in one statement, each answered in the order they had.
	select (select format('row %s (%s)', r.seq, r.loc)
	          from pg_temp.ingest_row r
	         where r.reporter is distinct from s_reporter
	            or (not coalesce(r.deleted, false) and not coalesce(r.missing, false)
	                and not coalesce(r.value ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$', false))
	            or not exists (select 1 from mestat.obs_status st where st.code = coalesce(r.status, 'A'))
	         limit 1),
	       (select format('%s/%s/%s', r.reporter, r.indicator, r.period)
	          from pg_temp.ingest_row r
	         group by r.reporter, r.indicator, r.period
	        having count(*) > 1
	         limit 1),
	       (select r.period
	          from pg_temp.ingest_row r
	          join mestat.period p on p.code = r.period
	         where p.closed
	         limit 1)
	  into bad, bad_cell, bad_period;
	if bad is not null then
		raise exception 'ingest_apply: % is not a valid row of reporter %; run mestat.ingest_validate() first', bad, s_reporter
			using errcode = '22023';
	end if;
	if bad_cell is not null then
		raise exception 'ingest_apply: cell % appears twice; run mestat.ingest_validate() first', bad_cell
			using errcode = '22023';
	end if;
	if bad_period is not null then
		raise exception 'period % was closed while the submission was being stored', bad_period using errcode = 'MS409';
	end if;

	with row_ as (
		select r.seq, r.reporter, r.indicator, r.period, coalesce(r.deleted, false) as del,
		       coalesce(r.missing, false) as miss, coalesce(r.status, 'A') as st,
		       case when not coalesce(r.deleted, false) and not coalesce(r.missing, false)
		            then btrim(r.value)::numeric end as v,
		       nullif(r.comment, '') as comment
		  from pg_temp.ingest_row r
	),
	judged as (
		select x.*,
		       case
		       when x.del then
		            case when c.id is not null and not c.deleted then 'deleted' else 'unchanged' end
		       when c.id is null or c.deleted then 'new'
		       when c.value is not distinct from x.v and c.status = x.st then 'unchanged'
		       else 'revised'
		       end as action
		  from row_ x
		  left join lateral (
			select o.observation as id, o.value, o.deleted, o.status
			  from mestat.cell o
			 where o.reporter = x.reporter and o.indicator = x.indicator and o.period = x.period
			 -- OFFSET 0 keeps this one probe of the key a row. Pulled up
			 -- into the join, it became a hash join reading every cell
			 -- for each submission: the staged rows are estimated at 230,
			 -- whatever was sent (a 5-row pull against 1,500 cells).
			offset 0
		  ) as c on true
	),
	stored as (
		insert into mestat.observation (indicator, reporter, period, value, deleted, comment, submission, status)
		select j.indicator, j.reporter, j.period, j.v, j.del, j.comment, p_submission,
		       case when j.del then 'A' else j.st end
		  from judged j
		 where j.action <> 'unchanged'
		 order by j.seq
		returning 1
	)
	select count(*) filter (where j.action = 'new'),
	       count(*) filter (where j.action = 'revised'),
	       count(*) filter (where j.action = 'unchanged'),
	       count(*) filter (where j.action = 'deleted')
	  into n_new, n_revised, n_unchanged, n_deleted
	  from judged j;

	-- The counts reach mestat.submission with the receipt, in the caller's
	-- one UPDATE of the row (step 6): written here too, the row was updated
	-- twice a submission, each time with its checks and its foreign key.
	return query select n_new, n_revised, n_unchanged, n_deleted;
end
$$;

comment on function mestat.ingest_apply(bigint) is
	'mestatd, step 5, after ingest_validate() returned no problem: store the rows of pg_temp.ingest_row as observation '
	'versions of submission p_submission and return one row (new, revised, unchanged, deleted): a cell without a current '
	'value gets a version (new); a different value or status gets a version (revised); an equal value with the same '
	'status (numeric equality, 12.50 = 12.5) is counted unchanged and not stored; a reported-missing row (missing-value '
	'status) is stored without a value; deleted = true on a cell with a value stores a deletion (deleted), on a cell '
	'without one it is counted unchanged. The caller writes the counts to submission.counts with the receipt (step 6). '
	'Serialises ingests of one reporter (advisory lock). Raises SQLSTATE MS409 if a period was closed since validation '
	'(answer 409), 22023 if the rows were not validated.';
