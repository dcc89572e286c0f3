-- mestat.ingest_validate_catalog_rows: the current definition of this function.
-- First created in 025_departments.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_validate_catalog_rows(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
-- One plan for every submission, as in ingest_apply: on some connections
-- the plan cache kept choosing custom plans, and every call was planned anew
-- (up to 3 ms a plan).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;
	-- p_reporter NULL: each row's submitter (a batch's submissions judged
	-- together, mestat.ingest_batch_check()).
	if p_reporter is null then
		if exists (select 1 from pg_temp.ingest_row r where r.submitter is null) then
			raise exception 'ingest_validate: no submitting reporter for a staged row' using errcode = '22023';
		end if;
	elsif not exists (select 1 from mestat.reporter r where r.code = p_reporter) then
		raise exception 'ingest_validate: unknown submitting reporter "%"', p_reporter using errcode = '22023';
	end if;
	if p_scheme is not null and p_scheme not in ('dhis2', 'sdmx') then
		raise exception 'ingest_validate: scheme must be NULL, dhis2 or sdmx, got "%"', p_scheme using errcode = '22023';
	end if;

	-- Tidy what the decoders pass through as sent. Only the rows it changes
	-- are written (mestatd's are mostly tidy already): rewriting every row
	-- took 5 of the 13 ms of a 1,000-row push's row rules (docs/scale.md).
	-- A period already written as 2018Q3 or 2018 is one the tidying keeps.
	update pg_temp.ingest_row r
	   set reporter = nullif(btrim(r.reporter), ''),
	       indicator = nullif(btrim(r.indicator), ''),
	       period = nullif(regexp_replace(upper(btrim(r.period)), '^([0-9]{4})-?Q([1-4])$', '\1Q\2'), ''),
	       value = nullif(btrim(r.value), ''),
	       comment = nullif(r.comment, ''),
	       deleted = coalesce(r.deleted, false)
	 where r.reporter is distinct from nullif(btrim(r.reporter), '')
	    or r.indicator is distinct from nullif(btrim(r.indicator), '')
	    or r.period !~ '^[0-9]{4}(Q[1-4])?$'
	    or r.value is distinct from nullif(btrim(r.value), '')
	    or r.comment = ''
	    or r.deleted is null;

	-- The reporter's own codes, where it has mapped them; other codes are ours.
	if p_scheme = 'dhis2' then
		update pg_temp.ingest_row r set indicator = m.our_code
		  from mestat.code_mapping m
		 where m.reporter = p_reporter and m.scheme = 'dhis2_de' and m.their_code = r.indicator;
		update pg_temp.ingest_row r set reporter = m.our_code
		  from mestat.code_mapping m
		 where m.reporter = p_reporter and m.scheme = 'dhis2_ou' and m.their_code = r.reporter;
	elsif p_scheme = 'sdmx' then
		update pg_temp.ingest_row r set indicator = m.our_code
		  from mestat.code_mapping m
		  join mestat.indicator i on i.code = m.our_code
		 where m.reporter = p_reporter and m.scheme = 'sdmx' and m.their_code = r.indicator;
		update pg_temp.ingest_row r set reporter = m.our_code
		  from mestat.code_mapping m
		  join mestat.reporter rp on rp.code = m.our_code
		 where m.reporter = p_reporter and m.scheme = 'sdmx' and m.their_code = r.reporter;
	end if;

	update pg_temp.ingest_row r set reporter = coalesce(p_reporter, r.submitter) where r.reporter is null;

	return query
	with row_ as (
		select r.seq, r.loc, r.reporter, r.indicator, r.period, r.value, r.comment, r.deleted,
		       rp.code as rp_code, rp.name_en as rp_name,
		       sm.code as sm_code, sm.name_en as sm_name, sm.active as sm_active, sm.kind as sm_kind,
		       i.code as i_code, i.active as i_active, i.value_type, i.periodicity, i.scope, i.unit,
		       i.min_value, i.max_value,
		       p.code as p_code, p.kind as p_kind, p.year as p_year, p.start_date, p.closed, p.closed_at, p.closed_by,
		       case
		       when length(r.value) <= 64
		            and r.value ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$'
		       then r.value::numeric
		       end as num
		  from pg_temp.ingest_row r
		  -- The reporters named, and the senders, found by their keys: joined
		  -- whole, the reporter table was read and hashed at every call (the
		  -- staged rows have no statistics), 0.7 ms more a push with 2,850
		  -- county reporters.
		  left join (select x.code, x.name_en
		               from mestat.reporter x
		              where x.code = any (array(select distinct r2.reporter from pg_temp.ingest_row r2))) as rp
		    on rp.code = r.reporter
		  -- who sent the row
		  left join (select x.code, x.name_en, x.active, x.kind
		               from mestat.reporter x
		              where x.code = any (case when p_reporter is null
		                                       then array(select distinct r2.submitter from pg_temp.ingest_row r2)
		                                       else array[p_reporter] end)) as sm
		    on sm.code = coalesce(p_reporter, r.submitter)
		  left join mestat.indicator i on i.code = r.indicator
		  left join mestat.period p on p.code = r.period
	),
	dup as (
		select d.seq, d.loc, d.reporter, d.indicator, d.period,
		       first_value(d.loc) over cell as first_loc,
		       row_number() over cell as n
		  from pg_temp.ingest_row d
		 where d.indicator is not null and d.period is not null
		window cell as (partition by d.submission, d.reporter, d.indicator, d.period order by d.seq)
	),
	problem (seq, loc, field, status, reason, ord) as (
		-- reporter
		select x.seq, x.loc, 'reporter', 422,
		       format('unknown reporter "%s"; see GET /api/v1/catalog', x.reporter), 10
		  from row_ x where x.rp_code is null
		union all
		select x.seq, x.loc, 'reporter', 403,
		       format('this row is for reporter %s (%s) but you are authenticated as %s (%s); send only your own values',
		              x.rp_code, x.rp_name, x.sm_code, x.sm_name), 11
		  from row_ x where x.rp_code is not null and x.rp_code <> x.sm_code
		union all
		select x.seq, x.loc, 'reporter', 403,
		       format('reporter %s (%s) is no longer active; ask the plan office', x.sm_code, x.sm_name), 12
		  from row_ x where not x.sm_active
		-- indicator
		union all
		select x.seq, x.loc, 'indicator', 422,
		       'indicator is missing; name one of the indicator codes of GET /api/v1/catalog', 20
		  from row_ x where x.indicator is null
		union all
		select x.seq, x.loc, 'indicator', 422,
		       format('unknown indicator "%s"; see GET /api/v1/catalog', x.indicator), 21
		  from row_ x where x.indicator is not null and x.i_code is null
		union all
		select x.seq, x.loc, 'indicator', 422,
		       format('indicator "%s" is no longer collected; see GET /api/v1/catalog', x.i_code), 22
		  from row_ x where x.i_code is not null and not x.i_active
		union all
		select x.seq, x.loc, 'indicator', 403,
		       format('indicator "%s" is national-only: only the ministry reports it; leave it out of your submission',
		              x.i_code), 23
		  from row_ x where x.scope = 'national_only' and x.sm_kind <> 'ministry'
		union all
		select x.seq, x.loc, 'indicator', 403,
		       format('indicator "%s" is reported by the provinces themselves; the ministry reports only national-only indicators',
		              x.i_code), 24
		  from row_ x where x.scope = 'provincial' and x.sm_kind = 'ministry'
		-- period
		union all
		select x.seq, x.loc, 'period', 422,
		       'period is missing; use YYYYQn for a quarter (e.g. 2018Q3) or YYYY for a year', 30
		  from row_ x where x.period is null
		union all
		select x.seq, x.loc, 'period', 422,
		       format('unknown period "%s"; use YYYYQn for a quarter (e.g. 2018Q3) or YYYY for a year, from 2016 on',
		              x.period), 31
		  from row_ x where x.period is not null and x.p_code is null
		union all
		select x.seq, x.loc, 'period', 422,
		       format('period %s has not started yet (it starts on %s)', x.p_code, x.start_date), 32
		  from row_ x where x.p_code is not null and x.start_date > current_date
		union all
		select x.seq, x.loc, 'period', 422,
		       case x.periodicity
		       when 'quarterly' then
		            format('indicator "%s" is reported quarterly; use a quarter such as %sQ4, not "%s"',
		                   x.i_code, x.p_year, x.p_code)
		       else format('indicator "%s" is reported annually; use the year %s, not "%s"', x.i_code, x.p_year, x.p_code)
		       end, 33
		  from row_ x
		 where x.p_code is not null and x.i_code is not null
		   and (x.periodicity = 'quarterly') <> (x.p_kind = 'quarter')
		union all
		select x.seq, x.loc, 'period', 409,
		       format('period %s was closed on %s by %s; ask the plan office to reopen it before changing its values',
		              x.p_code, to_char(x.closed_at, 'YYYY-MM-DD'), x.closed_by), 34
		  from row_ x where x.closed
		-- value
		union all
		select x.seq, x.loc, 'value', 422,
		       'value is missing; send a number, or mark the row deleted to remove the value', 40
		  from row_ x where not x.deleted and x.value is null
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value "%s" is not a finite number; send digits such as 12 or 12.5', x.value), 41
		  from row_ x where not x.deleted and x.value ~* '^[+-]?(nan|inf|infinity)$'
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value "%s" is hexadecimal; write the number in decimal digits', x.value), 42
		  from row_ x where not x.deleted and x.value ~* '^[+-]?0x'
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value "%s" is not a number; write digits with an optional decimal point (e.g. 1234.5), '
		              'without units, spaces or thousands separators', x.value), 43
		  from row_ x
		 where not x.deleted and x.value is not null and x.num is null
		   and x.value !~* '^[+-]?(nan|inf|infinity)$' and x.value !~* '^[+-]?0x'
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is negative; indicator "%s" is a count and cannot be below 0', x.value, x.i_code), 44
		  from row_ x where not x.deleted and x.value_type = 'integer' and x.num < 0
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is not a whole number; indicator "%s" counts whole units (%s)', x.value, x.i_code, x.unit), 45
		  from row_ x where not x.deleted and x.value_type = 'integer' and x.num <> trunc(x.num)
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is below the minimum %s for indicator "%s" (%s)', x.value, x.min_value, x.i_code, x.unit), 46
		  from row_ x
		 where not x.deleted and x.num < x.min_value and not (x.value_type = 'integer' and x.num < 0)
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is above the maximum %s for indicator "%s" (%s)', x.value, x.max_value, x.i_code, x.unit), 47
		  from row_ x where not x.deleted and x.num > x.max_value
		-- comment
		union all
		select x.seq, x.loc, 'comment', 422,
		       format('comment has %s characters; keep it within 2000', length(x.comment)), 50
		  from row_ x where length(x.comment) > 2000
		-- the same cell twice
		union all
		select d.seq, d.loc, 'row', 422,
		       format('indicator "%s" for reporter %s and period %s already appears at %s; send one value per cell',
		              d.indicator, d.reporter, d.period, d.first_loc), 60
		  from dup d where d.n > 1
	)
	select pr.seq, pr.loc, pr.field, pr.status, pr.reason
	  from problem pr
	 order by pr.seq, pr.ord;
end
$$;

comment on function mestat.ingest_validate_catalog_rows(text, text) is
	'The row rules of 005_ingest.sql (tidying, code mapping, reporter, indicator, period, value and duplicate checks); '
	'called by mestat.ingest_validate_rows(), which adds the rules of national sources. p_reporter NULL: each row is '
	'judged against its own sender, pg_temp.ingest_row.submitter (mestat.ingest_batch_check(), with no p_scheme).';
