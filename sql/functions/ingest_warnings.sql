-- mestat.ingest_warnings: the current definition of this function.
-- First created in 022_data_quality_ingest.sql; since 064_ingest_batch.sql,
-- mestat.ingest_warnings_of() for one submission.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_warnings(p_submission bigint)
returns jsonb
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
begin
	return coalesce((select w.warnings from mestat.ingest_warnings_of(array[p_submission]) w), '[]');
end
$$;

comment on function mestat.ingest_warnings(bigint) is
	'mestatd, with step 5 (after ingest_apply): hold the unusual values of submission p_submission for follow-up '
	'(mestat.follow_up, with the sender''s own DHIS2 followup marks) and return the warnings for the receipt: a JSON array '
	'of {indicator, period, rule, score, message} (score as text, so that the signed receipt has no binary fractions), outliers first, then the warn rules (mestat.validation_rule) the '
	'values now break (mestat.ingest_warnings_of()).';
