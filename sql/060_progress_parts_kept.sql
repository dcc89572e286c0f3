-- 060: a full progress run keeps the national sums' parts it can trust.
--
-- The national sums are kept in parts over ranges of reporters (048) and an
-- incremental run adds up again only the parts holding a changed cell. A
-- full run still added up every part from every cell: at county scale
-- (5,700,000 cells) that pass took 3.6 s of a 13.7 s run, although the
-- parts depend only on the cells, which every write queues, and on the
-- reporters and the rates' definitions. A full run now brings the parts up
-- to date from the cells queued since the last run, as an incremental run
-- does, and adds up every part only when what they rest on besides the
-- cells changed (mestat.progress_assess, docs/method.md "Full runs: where
-- the time goes").
--
-- For that every change of a cell must be queued. Only inserts were: an
-- owner's correction or removal of a stored version (UPDATE, DELETE as
-- mestat_owner) and a follow-up's removal changed what a run reads without
-- a trace in mestat.progress_pending, which the next full run covered by
-- reading everything. They are now queued as the cells of the old rows (and
-- of the new ones), as mestat.quality_queue does, and a truncation of the
-- values or the follow-ups empties the parts' basis, so that the next run,
-- a full one, adds up every part.

set local role mestat_owner;

create table mestat.progress_part_basis (
	one boolean primary key default true check (one),
	basis text not null,
	built_at timestamptz not null default now()
);
comment on table mestat.progress_part_basis is
	'At most one row: what the stored parts of the national sums (mestat.progress_national_part, '
	'mestat.progress_reporter_range) were added up on besides the cells, as a digest of the reporters (code, whether '
	'added up nationally) and the rates (indicator, numerator, denominator). A full progress run adds up every part '
	'again when the digest differs or the row is missing, else only the parts of the cells queued since the last run. '
	'Written only by mestat.progress_assess(); deleting the row (as mestat_owner) has the next full run add up every '
	'part again.';
comment on column mestat.progress_part_basis.one is 'Always true: the table has at most one row.';
comment on column mestat.progress_part_basis.basis is 'md5 of the lines the digest is made of (mestat.progress_assess).';
comment on column mestat.progress_part_basis.built_at is 'When the run that added up every part stored it.';

-- A truncation: the cells are gone without a row to queue.
create function mestat.progress_queue_rebuild() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	delete from mestat.progress_part_basis;
	insert into mestat.progress_pending (indicator) values (null);
	return null;
end
$$;
revoke all on function mestat.progress_queue_rebuild() from public;

-- The old rows as well as the new (mestat.progress_queue_cells reads
-- old_rows for an update or a delete).
drop trigger progress_queue_update on mestat.follow_up;
create trigger progress_queue_update after update on mestat.follow_up
	referencing old table as old_rows new table as new_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue_update on mestat.follow_up is
	'A follow-up decided changes the note of its rows: queued for the next progress run.';
create trigger progress_queue_delete after delete on mestat.follow_up
	referencing old table as old_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue_delete on mestat.follow_up is
	'A follow-up removed (by an owner) changes the note of its rows: queued for the next progress run.';
create trigger progress_queue_update after update on mestat.observation
	referencing old table as old_rows new table as new_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue_update on mestat.observation is
	'An owner''s correction of stored versions: the cells of the old and the new rows, queued for the next progress run.';
create trigger progress_queue_delete after delete on mestat.observation
	referencing old table as old_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue_delete on mestat.observation is
	'An owner''s removal of stored versions: their cells, queued for the next progress run.';
create trigger progress_queue_truncate after truncate on mestat.observation
	for each statement execute function mestat.progress_queue_rebuild();
comment on trigger progress_queue_truncate on mestat.observation is
	'Every value removed: the next progress run is a full one and adds up every part of the national sums.';
create trigger progress_queue_truncate after truncate on mestat.follow_up
	for each statement execute function mestat.progress_queue_rebuild();
comment on trigger progress_queue_truncate on mestat.follow_up is
	'Every follow-up removed: the next progress run is a full one and adds up every part of the national sums.';
