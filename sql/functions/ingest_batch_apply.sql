-- mestat.ingest_batch_apply: the current definition of this function.
-- First created in 064_ingest_batch.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_batch_apply()
returns table (submission bigint, new integer, revised integer, unchanged integer, deleted integer, warnings jsonb)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	ids bigint[];
	n_new integer[];
	n_revised integer[];
	n_unchanged integer[];
	n_deleted integer[];
begin
	-- Stored first, all of them, then scored: the warnings are those of
	-- values stored.
	select array_agg(k.submission order by k.submission), array_agg(k.new order by k.submission),
	       array_agg(k.revised order by k.submission), array_agg(k.unchanged order by k.submission),
	       array_agg(k.deleted order by k.submission)
	  into ids, n_new, n_revised, n_unchanged, n_deleted
	  from mestat.ingest_store_kept() k;
	if ids is null then
		return;
	end if;
	return query
	select u.id, u.new, u.revised, u.unchanged, u.deleted, w.warnings
	  from unnest(ids, n_new, n_revised, n_unchanged, n_deleted) as u(id, new, revised, unchanged, deleted)
	  join mestat.ingest_warnings_of(ids) w on w.submission = u.id
	 order by u.id;
end
$$;

comment on function mestat.ingest_batch_apply() is
	'mestatd, last step of a batch before the receipts: store the rows kept by mestat.ingest_batch_check() '
	'(or, for a submission alone, mestat.ingest_batch_add()) '
	'(mestat.ingest_store_kept(): submissions of different reporters, each reporter locked) and score them '
	'(mestat.ingest_warnings_of(): a value is compared with the other provinces'' values as they were before the '
	'batch); one row a submission stored (submission, new, revised, unchanged, deleted, warnings), in the order of the '
	'ids. Raises as mestat.ingest_store_kept() does; then nothing of the batch is stored.';
