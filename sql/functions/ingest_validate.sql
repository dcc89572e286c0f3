-- mestat.ingest_validate: the current definition of this function.
-- First created in 010_ingest_value_magnitude.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_validate(p_reporter text, p_scheme text default null)
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
