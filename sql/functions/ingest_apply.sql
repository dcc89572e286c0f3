-- mestat.ingest_apply: the current definition of this function.
-- First created in 005_ingest.sql, last changed in 022_data_quality_ingest.sql; its storing
-- statement is mestat.ingest_store_kept()'s since 064_ingest_batch.sql.
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
-- One plan for every submission (as in mestat.ingest_store_kept()).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;
	if not exists (select 1 from mestat.submission s where s.id = p_submission) then
		raise exception 'ingest_apply: submission % does not exist', p_submission using errcode = '22023';
	end if;
	-- The staged rows kept for storing, as a batch of one: the storing
	-- and the scoring are the batch's (064).
	perform mestat.ingest_kept_empty();
	perform mestat.ingest_keep(p_submission);
	-- No rows left (a DHIS2 strategy set them all aside): all counts 0.
	return query
	select coalesce(k.new, 0), coalesce(k.revised, 0), coalesce(k.unchanged, 0), coalesce(k.deleted, 0)
	  from (select) as one
	  left join mestat.ingest_store_kept() k on true;
end
$$;

comment on function mestat.ingest_apply(bigint) is
	'mestatd, step 5, after ingest_validate() returned no problem: store the rows of pg_temp.ingest_row as observation '
	'versions of submission p_submission and return one row (new, revised, unchanged, deleted): a cell without a current '
	'value gets a version (new); a different value or status gets a version (revised); an equal value with the same '
	'status (numeric equality, 12.50 = 12.5) is counted unchanged and not stored; a reported-missing row (missing-value '
	'status) is stored without a value; deleted = true on a cell with a value stores a deletion (deleted), on a cell '
	'without one it is counted unchanged. The rows and the warn rules they break are kept aside for the submission '
	'(pg_temp.ingest_kept, read by ingest_warnings) and stored by mestat.ingest_store_kept(). The caller writes the '
	'counts to submission.counts with the receipt (step 6). '
	'Serialises ingests of one reporter (advisory lock). Raises SQLSTATE MS409 if a period was closed since validation '
	'(answer 409), 22023 if the rows were not validated.';
