-- mestat.ingest_validate_apply: the current definition of this function.
-- First created in 063_ingest_validate_apply.sql; a batch of one since
-- 064_ingest_batch.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_validate_apply(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text,
               new integer, revised integer, unchanged integer, deleted integer, warnings jsonb)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	refused integer;
begin
	-- A batch of one (064): the same validation, storing and scoring.
	-- Nothing opened in this transaction (mestat.ingest_open() found the
	-- body accepted before, and its receipt is the answer): no row.
	if nullif(current_setting('mestat.ingest_opened', true), '') is null then
		return;
	end if;
	perform mestat.ingest_kept_empty();
	return query
	select v.seq, v.loc, v.field, v.status, v.reason,
	       null::integer, null::integer, null::integer, null::integer, null::jsonb
	  from mestat.ingest_batch_add(p_reporter, p_scheme) v;
	get diagnostics refused = row_count;
	if refused > 0 then
		return;
	end if;
	return query
	select null::integer, null::text, null::text, null::integer, null::text,
	       a.new, a.revised, a.unchanged, a.deleted, a.warnings
	  from mestat.ingest_batch_apply() a;
end
$$;

comment on function mestat.ingest_validate_apply(text, text) is
	'mestatd, steps 4 and 5 in one call, in the transaction in which mestat.ingest_open() opened a submission '
	'(setting mestat.ingest_opened): mestat.ingest_validate(p_reporter, p_scheme) on the staged rows; when it refuses '
	'some, its rows (seq, loc, field, status, reason; the rest NULL), in the order of seq and field, and nothing is '
	'stored; else its rows stored and scored, one row (seq NULL; new, revised, unchanged, deleted, warnings): a batch '
	'of one (mestat.ingest_batch_add(), mestat.ingest_batch_apply()). No row when nothing was opened in this '
	'transaction (a replay).';
