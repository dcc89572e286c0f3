-- 060: a full progress run keeps what it can trust of the last run.
--
-- The national sums are kept in parts over ranges of reporters (048) and an
-- incremental run adds up again only the parts holding a changed cell. A
-- full run still added up every part from every cell: at county scale
-- (5,700,000 cells) that pass took 3.6 s of a 13.7 s run, although the
-- parts depend only on the cells, which every write queues, and on the
-- reporters and the rates' definitions. The same holds of the reports
-- received (how many expected cells of each reporter's period have a value,
-- how many came in time: 2.5 s, another pass over every cell), which rest on
-- the cells and on the indicators, the reporters' kinds and the periods'
-- deadlines. A full run now brings both up to date from the cells queued
-- since the last run, as an incremental run does, and goes over every cell
-- only when what they rest on besides the cells changed
-- (mestat.progress_assess, docs/method.md "Full runs: where the time goes").
--
-- For that every change of a cell must be queued. Only inserts were: an
-- owner's correction or removal of a stored version (UPDATE, DELETE as
-- mestat_owner) and a follow-up's removal changed what a run reads without
-- a trace in mestat.progress_pending, which the next full run covered by
-- reading everything. They are now queued as the cells of the old rows (and
-- of the new ones), as mestat.quality_queue does, and a truncation of the
-- values or the follow-ups forgets what is kept, so that the next run, a
-- full one, goes over every cell.

set local role mestat_owner;

create table mestat.progress_kept_basis (
	kept text primary key check (kept in ('national parts', 'reports received')),
	basis text not null,
	built_at timestamptz not null default now()
);
comment on table mestat.progress_kept_basis is
	'What a full progress run keeps from the last run rests on besides the cells, one row for each: the parts of the '
	'national sums (mestat.progress_national_part, mestat.progress_reporter_range; digest of the reporters'' codes and '
	'whether each is added up, and of the rates'' numerators and denominators) and the reports received (the counts '
	'of mestat.reporting_status; digest of the indicators'' activity and scope, the reporters'' kinds and the '
	'periods'' deadlines). A full run goes over every cell for one of them when its digest differs or its row is '
	'missing, else it recomputes only what the cells queued since the last run touch. Written only by '
	'mestat.progress_assess(); deleting a row (as mestat_owner) has the next full run go over every cell for it.';
comment on column mestat.progress_kept_basis.kept is 'What is kept: national parts, or reports received.';
comment on column mestat.progress_kept_basis.basis is 'md5 of the lines the digest is made of (mestat.progress_assess).';
comment on column mestat.progress_kept_basis.built_at is 'When the run that went over every cell for it stored it.';

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
-- A truncation leaves no row to queue: the full run it queues
-- (mestat.progress_queue_full) is told to forget what is kept as well.
create trigger progress_queue_truncate after truncate on mestat.observation
	for each statement execute function mestat.progress_queue_full('forget kept');
comment on trigger progress_queue_truncate on mestat.observation is
	'Every value removed: the next progress run is a full one and goes over every cell.';
create trigger progress_queue_truncate after truncate on mestat.follow_up
	for each statement execute function mestat.progress_queue_full('forget kept');
comment on trigger progress_queue_truncate on mestat.follow_up is
	'Every follow-up removed: the next progress run is a full one and goes over every cell.';

-- A full run that rests on its chain stores only the completeness rows that
-- changed (mestat.progress_assess), so a row names the run that last
-- computed it differently.
comment on column mestat.reporting_status.snapshot is
	'The run (progress_snapshot) that last computed the row differently: an incremental run rewrites the rows of its '
	'reports, a full run that starts a chain every row, one that rests on the chain only the rows that changed; every '
	'row names a run of the current chain.';
comment on column mestat.reporting_status.computed_at is 'When that run computed it.';
