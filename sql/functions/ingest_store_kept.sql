-- mestat.ingest_store_kept: the current definition of this function.
-- First created in 064_ingest_batch.sql (the storing statement of
-- mestat.ingest_apply(), 005, made to store the rows of several submissions).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_store_kept()
returns table (submission bigint, new integer, revised integer, unchanged integer, deleted integer)
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
	ids bigint[];
	reporters text[];
	bad text;
	bad_cell text;
	bad_period text;
begin
	-- The submissions and their reporters, read once (a probe of the key
	-- each: joined, the generic plan read every submission).
	select array_agg(k.submission order by k.submission), array_agg(s.reporter order by k.submission),
	       (array_agg(format('submission %s %s', k.submission,
	                         case when s.id is null then 'does not exist'
	                              else format('is %s, from reporter %s; only an accepted or dry_run submission of a known '
	                                          'reporter can be applied', s.outcome, coalesce(s.reporter, 'NULL')) end)
	                  order by k.submission)
	          filter (where s.id is null or s.reporter is null or s.outcome not in ('accepted', 'dry_run')))[1]
	  into ids, reporters, bad
	  from (select distinct r.submission from pg_temp.ingest_kept r) as k
	  left join lateral (
		select s.id, s.reporter, s.outcome from mestat.submission s where s.id = k.submission offset 0
	  ) as s on true;
	if bad is not null then
		raise exception 'ingest: %', bad using errcode = '22023';
	end if;
	-- Two submissions of one reporter would be judged against the same
	-- current values.
	if (select count(distinct x) from unnest(reporters) as x) < cardinality(reporters) then
		raise exception 'ingest: two submissions of one reporter cannot be stored together (%)', ids
			using errcode = '22023';
	end if;

	-- A reporter's ingests one at a time, each reporter locked in the order
	-- of their codes (as mestat.cell_keep() does); a period's closing waits
	-- for them.
	perform pg_advisory_xact_lock(1835365237, hashtext(r.code))
	   from (select distinct x as code from unnest(reporters) as x order by 1) as r;
	perform pg_advisory_xact_lock_shared(1835365236, 0);

	-- Defence in depth: these rows must have passed ingest_validate(). The
	-- three checks in one statement, each answered in the order they had.
	select (select format('row %s (%s/%s/%s) is not a valid row of submission %s', r.seq, r.reporter, r.indicator,
	                      r.period, r.submission)
	          from pg_temp.ingest_kept r
	         where r.reporter is distinct from reporters[array_position(ids, r.submission)]
	            or (not coalesce(r.deleted, false) and not coalesce(r.missing, false)
	                and not coalesce(r.value ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$', false))
	            or not exists (select 1 from mestat.obs_status st where st.code = coalesce(r.status, 'A'))
	         limit 1),
	       (select format('%s/%s/%s', r.reporter, r.indicator, r.period)
	          from pg_temp.ingest_kept r
	         group by r.submission, r.reporter, r.indicator, r.period
	        having count(*) > 1
	         limit 1),
	       (select r.period
	          from pg_temp.ingest_kept r
	          join mestat.period p on p.code = r.period
	         where p.closed
	         limit 1)
	  into bad, bad_cell, bad_period;
	if bad is not null then
		raise exception 'ingest: %; run mestat.ingest_validate() first', bad using errcode = '22023';
	end if;
	if bad_cell is not null then
		raise exception 'ingest: cell % appears twice; run mestat.ingest_validate() first', bad_cell
			using errcode = '22023';
	end if;
	if bad_period is not null then
		raise exception 'period % was closed while the submission was being stored', bad_period using errcode = 'MS409';
	end if;

	return query
	with row_ as (
		select r.submission, r.seq, r.reporter, r.indicator, r.period, coalesce(r.deleted, false) as del,
		       coalesce(r.missing, false) as miss, coalesce(r.status, 'A') as st,
		       case when not coalesce(r.deleted, false) and not coalesce(r.missing, false)
		            then btrim(r.value)::numeric end as v,
		       nullif(r.comment, '') as comment
		  from pg_temp.ingest_kept r
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
		select j.indicator, j.reporter, j.period, j.v, j.del, j.comment, j.submission,
		       case when j.del then 'A' else j.st end
		  from judged j
		 where j.action <> 'unchanged'
		 order by j.submission, j.seq
		returning 1
	)
	select j.submission,
	       (count(*) filter (where j.action = 'new'))::integer,
	       (count(*) filter (where j.action = 'revised'))::integer,
	       (count(*) filter (where j.action = 'unchanged'))::integer,
	       (count(*) filter (where j.action = 'deleted'))::integer
	  from judged j
	 group by j.submission
	 order by j.submission;
end
$$;

comment on function mestat.ingest_store_kept() is
	'mestatd, through mestat.ingest_apply() (one submission) and mestat.ingest_batch_apply() (several, of different '
	'reporters): store the rows of pg_temp.ingest_kept as observation versions of their submissions and return one row '
	'a submission (submission, new, revised, unchanged, deleted), in the order of the ids: a cell without a current '
	'value gets a version (new); a different value or status gets a version (revised); an equal value with the same '
	'status (numeric equality, 12.50 = 12.5) is counted unchanged and not stored; a reported-missing row (missing-value '
	'status) is stored without a value; deleted = true on a cell with a value stores a deletion (deleted), on a cell '
	'without one it is counted unchanged. Locks each reporter (advisory lock, in the order of their codes) and waits '
	'for no period to be closing. Raises SQLSTATE MS409 if a period was closed since validation (answer 409), 22023 if '
	'the rows were not validated, a submission is not accepted or two are of one reporter.';
