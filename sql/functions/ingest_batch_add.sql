-- mestat.ingest_batch_add: the current definition of this function.
-- First created in 064_ingest_batch.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_batch_add(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	s_id bigint := nullif(current_setting('mestat.ingest_opened', true), '')::bigint;
	refused integer;
begin
	-- Nothing opened since the last call: mestat.ingest_open() found the
	-- body accepted before, and its receipt is the answer.
	if s_id is null then
		return;
	end if;
	-- A batch's rows are staged side by side: one submission's run would
	-- judge them all (065).
	if coalesce(current_setting('mestat.ingest_batch', true), '') = 'on' then
		raise exception 'ingest_batch_add: in a batch, call mestat.ingest_batch_check()' using errcode = '55000';
	end if;
	perform set_config('mestat.ingest_opened', '', true);
	-- Judged on its own rows and on the values stored before.
	return query
	select v.seq, v.loc, v.field, v.status, v.reason
	  from mestat.ingest_validate(p_reporter, p_scheme) v
	 order by v.seq, v.field;
	get diagnostics refused = row_count;
	if refused = 0 then
		perform mestat.ingest_keep(s_id);
	end if;
end
$$;

comment on function mestat.ingest_batch_add(text, text) is
	'Through mestat.ingest_validate_apply() (a submission alone), after mestat.ingest_open() opened a submission of '
	'reporter p_reporter and its rows were staged: mestat.ingest_validate(p_reporter, p_scheme); its rows (seq, loc, '
	'field, status, reason), in the order of seq and field, when it refuses some (nothing of the submission is kept: '
	'the caller records it as rejected); else no row, and the rows are kept for mestat.ingest_batch_apply() '
	'(mestat.ingest_keep()). No row either when nothing was opened since the last call (a replay). Not in a batch '
	'(065: its rows are staged beside the others''; mestat.ingest_batch_check()).';
