-- mestat.ingest_validate: the current definition of this function.
-- First created in 010_ingest_value_magnitude.sql, last changed in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_validate(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
-- One plan for every submission, as in ingest_apply: on some connections
-- the plan cache kept choosing custom plans, and every call was planned anew
-- (up to 3 ms a plan).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
	n integer;
	refused integer;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;

	-- Status first: a missing-value status with no value is a reported-missing
	-- observation; the row rules read it as a deletion (nothing to check).
	-- One statement: the status as it will be, against the missing-value codes
	-- read once (m, one row). A deletion mark not sent is written false here,
	-- so that the row rules' tidying finds the row tidy and does not write it
	-- again (each version of a staged row takes room the table keeps until
	-- it is truncated, and each truncation plans the statements reading it
	-- again: docs/scale.md, "Fewer versions of a staged row").
	update pg_temp.ingest_row r
	   set status = coalesce(nullif(upper(btrim(r.status)), ''), 'A'),
	       unit_mult = nullif(btrim(r.unit_mult), ''),
	       followup = coalesce(r.followup, false),
	       missing = (not coalesce(r.deleted, false) and nullif(btrim(r.value), '') is null
	                  and coalesce(nullif(upper(btrim(r.status)), ''), 'A') = any (m.codes)),
	       deleted = case when not coalesce(r.deleted, false) and nullif(btrim(r.value), '') is null
	                           and coalesce(nullif(upper(btrim(r.status)), ''), 'A') = any (m.codes)
	                      then true else coalesce(r.deleted, false) end,
	       value = case when not coalesce(r.deleted, false) and nullif(btrim(r.value), '') is null
	                         and coalesce(nullif(upper(btrim(r.status)), ''), 'A') = any (m.codes)
	                    then null else r.value end
	  from (select coalesce(array_agg(s.code), '{}') as codes from mestat.obs_status s where s.missing) m;

	return query
	select x.seq, x.loc, x.field, x.status, x.reason from mestat.ingest_validate_rows(p_reporter, p_scheme) x
	 where not (x.field = 'value' and exists (select 1 from pg_temp.ingest_row m where m.seq = x.seq and m.missing));
	get diagnostics refused = row_count;
	update pg_temp.ingest_row r set deleted = false where r.missing;

	return query
	select r.seq, r.loc, 'status'::text, 422,
	       format('status "%s" is not an SDMX observation status; use A (normal), P (provisional), E (estimated), B (break '
	              'in series), F (forecast) or another code of CL_OBS_STATUS, or M/L for a value that is missing', r.status)
	  from pg_temp.ingest_row r
	 where not exists (select 1 from mestat.obs_status s where s.code = r.status)
	union all
	select r.seq, r.loc, 'status'::text, 422,
	       format('status %s means the value is missing, but the value %s was sent; send the value with another status, '
	              'or no value', r.status, r.value)
	  from pg_temp.ingest_row r
	  join mestat.obs_status s on s.code = r.status
	 where s.missing and not r.deleted and not r.missing and r.value is not null
	union all
	select r.seq, r.loc, 'unit_mult'::text, 422,
	       format('unit multiplier "%s" is not understood; send an integer power of ten from -15 to 15 (SDMX UNIT_MULT: '
	              '4 for 10 thousand, 8 for 100 million), or leave it out to send the value in the catalog unit', r.unit_mult)
	  from pg_temp.ingest_row r
	 where r.unit_mult is not null and r.unit_mult !~ '^[+-]?[0-9]{1,2}$'
	   or (r.unit_mult ~ '^[+-]?[0-9]{1,2}$' and abs(r.unit_mult::integer) > 15);
	get diagnostics n = row_count;
	-- What follows computes with the values: only on rows that passed so far.
	if n + refused > 0 then
		return;
	end if;

	-- Unit multipliers: the value in the catalog's unit, exactly. Most
	-- submissions send none: one look, and the two statements are skipped.
	if exists (select 1 from pg_temp.ingest_row r where r.unit_mult is not null) then
		return query
		select r.seq, r.loc, 'unit_mult'::text, 422,
		       case
		       when i.value_type = 'percent' then
		            format('indicator "%s" is a percentage; a unit multiplier (%s) cannot apply to it; send the percentage itself',
		                   i.code, r.unit_mult)
		       else format('value %s in units of 10^%s is %s %s, not a whole number; indicator "%s" counts whole units; send '
		                   'the value in the catalog unit (%s)', r.value, r.unit_mult,
		                   trim_scale(r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult)), i.unit, i.code,
		                   i.unit)
		       end
		  from pg_temp.ingest_row r
		  join mestat.indicator i on i.code = r.indicator
		 where r.unit_mult is not null and r.value is not null and not r.deleted
		   and r.unit_mult::integer <> i.unit_mult
		   and (i.value_type = 'percent'
		        or (i.value_type = 'integer'
		            and r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult)
		                <> trunc(r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult))));
		get diagnostics n = row_count;
		if n > 0 then
			return;
		end if;
		update pg_temp.ingest_row r
		   set value = trim_scale(r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult))::text
		  from mestat.indicator i
		 where i.code = r.indicator and r.unit_mult is not null and r.value is not null and not r.deleted
		   and r.unit_mult::integer <> i.unit_mult;
	end if;

	-- Magnitude (010) and bounds, on the value in the catalog unit.
	return query
	select r.seq, r.loc, 'value'::text, 422,
	       case
	       when abs(r.value::numeric) >= 1e15 then
	            format('value %s is out of range: write numbers smaller than 1e15 in absolute value, in the indicator''s unit',
	                   r.value)
	       when r.value::numeric < i.min_value then
	            format('value %s (in %s, after the unit multiplier %s) is below the minimum %s for indicator "%s"',
	                   r.value, i.unit, r.unit_mult, i.min_value, i.code)
	       else format('value %s (in %s, after the unit multiplier %s) is above the maximum %s for indicator "%s"',
	                   r.value, i.unit, r.unit_mult, i.max_value, i.code)
	       end
	  from pg_temp.ingest_row r
	  join mestat.indicator i on i.code = r.indicator
	 where not r.deleted and r.value is not null
	   and (abs(r.value::numeric) >= 1e15
	        or (r.unit_mult is not null and (r.value::numeric < i.min_value or r.value::numeric > i.max_value)));
	get diagnostics n = row_count;
	if n > 0 then
		return;
	end if;

	-- Validation rules, on the values as they will be: judged once here;
	-- refuse ones answer now, warn ones are read by ingest_warnings.
	-- Only a rule naming a staged indicator can be touched: none, nothing to judge.
	delete from pg_temp.ingest_rule_hit;
	if exists (select 1 from mestat.validation_rule_term t join pg_temp.ingest_row r on r.indicator = t.indicator) then
		insert into pg_temp.ingest_rule_hit select * from mestat.validation_check_staged();
		return query
		select r.seq, r.loc, 'value'::text, 422, v.message
		  from pg_temp.ingest_rule_hit v
		  join pg_temp.ingest_row r
		    on r.submission is not distinct from v.submission
		   and (r.reporter = v.reporter or r.reporter = v.other_reporter) and r.period = v.period
		   and r.indicator = any (v.indicators)
		 where v.severity = 'refuse';
		get diagnostics n = row_count;
		if n > 0 then
			return;
		end if;
	end if;

	-- Last, the codes resolved: values in a period accepted or locked for
	-- their reporter (409, who and when), in the same call.
	return query select * from mestat.ingest_lock_check();
end
$$;

comment on function mestat.ingest_validate(text, text) is
	'Step 4 of an ingest (see 005_ingest.sql): returns one row per refused value of pg_temp.ingest_row, '
	'(seq, loc, field, status 403/409/422, reason for the clerk); no rows means the submission is valid. Reads the '
	'status (SDMX OBS_STATUS, default A; a missing-value status without a value is a reported-missing observation), runs '
	'mestat.ingest_validate_rows(), checks status codes and unit multipliers, converts values sent with a unit multiplier '
	'exactly to the catalog unit (a count that would not be whole, or a multiplier on a percentage, is refused), the '
	'magnitude rule (|value| < 1e15), and last the validation rules of severity refuse (mestat.validation_rule) on the '
	'values as they will be after the submission; each staged row of a violated rule is named; and when nothing else is '
	'refused, mestat.ingest_lock_check() (values in a period accepted or locked for their reporter, 409).';
