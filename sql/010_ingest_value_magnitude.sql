-- 010_ingest_value_magnitude.sql: refuse absurd magnitudes such as "1e400".
--
-- numeric stores 1e400 exactly, so ingest_validate() accepted it when sent
-- as a string. No indicator of the plan comes near 1e15 in its unit (the
-- largest are CNY 100 million sums), so a larger value is a mistake a clerk
-- should hear about. The rules of 005 stay as they were: they now run as
-- mestat.ingest_validate_rows(), and ingest_validate() adds this one.

set local role mestat_owner;

alter function mestat.ingest_validate(text, text) rename to ingest_validate_rows;
comment on function mestat.ingest_validate_rows(text, text) is
	'The row rules of ingest_validate() as defined in 005_ingest.sql (tidying, code mapping, reporter, indicator, '
	'period, value and duplicate checks); called by mestat.ingest_validate(), which adds later rules.';

create function mestat.ingest_validate(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
as $$
#variable_conflict use_column
begin
	return query select * from mestat.ingest_validate_rows(p_reporter, p_scheme);
	-- The rows are tidied by now (values trimmed, deletions marked).
	return query
	select r.seq, r.loc, 'value'::text, 422,
	       format('value %s is out of range: write numbers smaller than 1e15 in absolute value, in the indicator''s unit',
	              r.value)
	  from pg_temp.ingest_row r
	 where not r.deleted
	   and length(r.value) <= 64
	   and r.value ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$'
	   and abs(r.value::numeric) >= 1e15;
end
$$;
comment on function mestat.ingest_validate(text, text) is
	'Step 4 of an ingest (see 005_ingest.sql): returns one row per refused value of pg_temp.ingest_row, '
	'(seq, loc, field, status 403/409/422, reason for the clerk); no rows means the submission is valid. '
	'Runs mestat.ingest_validate_rows() and then the magnitude rule (|value| < 1e15).';
revoke all on function mestat.ingest_validate(text, text) from public;
grant execute on function mestat.ingest_validate(text, text) to mestat_daemon;
