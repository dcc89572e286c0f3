-- mestat.progress_scope_reset: the current definition of this function.
-- First created here: nothing stored depends on it.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.progress_scope_reset() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	-- Dropped at commit; a second run in one transaction finds them and
	-- empties them.
	create temp table if not exists pr_need_ind (indicator text) on commit drop;
	create temp table if not exists pr_only_ind (indicator text) on commit drop;
	create temp table if not exists pr_only_pair (indicator text, reporter text) on commit drop;
	create temp table if not exists pr_only_rp (reporter text, period text) on commit drop;
	create temp table if not exists pr_only_np (indicator text, period text, reporter text) on commit drop;
	truncate pg_temp.pr_need_ind, pg_temp.pr_only_ind, pg_temp.pr_only_pair, pg_temp.pr_only_rp, pg_temp.pr_only_np;
end
$$;

comment on function mestat.progress_scope_reset() is
	'mestat.recompute_progress() and mestat.recompute_progress_incremental() before mestat.progress_assess: create '
	'(or empty) the temp tables naming what a run reassesses: pr_need_ind, pr_only_ind, pr_only_pair, pr_only_rp, '
	'pr_only_np. A full run fills pr_only_np with the cells it claimed and leaves the others empty; an incremental run '
	'fills them all from the cells it claimed.';
