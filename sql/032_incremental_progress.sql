-- 032: incremental progress. What a commit can change is queued in
-- mestat.progress_pending by triggers, in the committing transaction; mestatd
-- runs mestat.recompute_progress_incremental() soon after a submission, which
-- reassesses only the queued cells' series and the national rows that depend
-- on them, and writes a whole new snapshot (docs/method.md, "Incremental
-- runs"). Changes to what every row depends on (indicators, targets,
-- reporters, thresholds, columns, settings) queue a full run.

set local role mestat_owner;

create table mestat.progress_pending (
	id bigserial primary key,
	indicator text,
	reporter text,
	period text,
	queued_at timestamptz not null default now()
);
comment on table mestat.progress_pending is
	'What changed since the last progress run: one row per (indicator, reporter, period) cell written or whose '
	'follow-up changed, or a row with indicator NULL when something every assessment depends on changed (a full run '
	'is due). Filled by triggers in the writing transaction; emptied by mestat.recompute_progress() (all of it) and '
	'mestat.recompute_progress_incremental() (what it claims).';
comment on column mestat.progress_pending.id is 'Queue order.';
comment on column mestat.progress_pending.indicator is 'Indicator of the changed cell; NULL: a full run is due.';
comment on column mestat.progress_pending.reporter is 'Reporter of the changed cell.';
comment on column mestat.progress_pending.period is 'Period of the changed cell.';
comment on column mestat.progress_pending.queued_at is 'When the change was queued.';

alter table mestat.progress_snapshot add column kind text not null default 'full'
	check (kind in ('full', 'incremental'));
comment on column mestat.progress_snapshot.kind is
	'full: every assessment computed; incremental: the assessments a change could alter computed, the others copied '
	'from the previous snapshot (mestat.recompute_progress_incremental). Either way the snapshot is a whole.';

-- Stubs, replaced by their files in sql/functions/ in the same run.
create function mestat.progress_queue_cells() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.progress_queue_full() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.progress_assess(snap bigint, p_partial boolean) returns integer
	language sql as 'select 0';
create function mestat.recompute_progress_incremental() returns bigint language sql as 'select null::bigint';
comment on function mestat.progress_queue_cells() is
	'Statement trigger: queues the cells written in mestat.progress_pending (definition: sql/functions/).';
comment on function mestat.progress_queue_full() is
	'Statement trigger: queues a full progress run in mestat.progress_pending (definition: sql/functions/).';
comment on function mestat.progress_assess(bigint, boolean) is
	'The assessment shared by the full and the incremental progress runs (definition: sql/functions/).';
comment on function mestat.recompute_progress_incremental() is
	'Reassess what the queued changes can alter, as a new whole snapshot (definition: sql/functions/).';
revoke all on function mestat.progress_queue_cells(), mestat.progress_queue_full(),
	mestat.progress_assess(bigint, boolean), mestat.recompute_progress_incremental() from public;
grant execute on function mestat.recompute_progress_incremental() to mestat_daemon;

create trigger progress_queue after insert on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue on mestat.observation is
	'Queues the cells written for the next incremental progress run (mestat.progress_pending).';
create trigger progress_queue_insert after insert on mestat.follow_up
	referencing new table as new_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue_insert on mestat.follow_up is
	'A value held for follow-up changes the note of its rows: queued for the next incremental progress run.';
create trigger progress_queue_update after update on mestat.follow_up
	referencing new table as new_rows
	for each statement execute function mestat.progress_queue_cells();
comment on trigger progress_queue_update on mestat.follow_up is
	'A follow-up decided changes the note of its rows: queued for the next incremental progress run.';

create trigger progress_queue_full after insert or update or delete or truncate on mestat.indicator
	for each statement execute function mestat.progress_queue_full();
create trigger progress_queue_full after insert or update or delete or truncate on mestat.target
	for each statement execute function mestat.progress_queue_full();
create trigger progress_queue_full after insert or update or delete or truncate on mestat.reporter
	for each statement execute function mestat.progress_queue_full();
create trigger progress_queue_full after insert or update or delete or truncate on mestat.class_threshold
	for each statement execute function mestat.progress_queue_full();
create trigger progress_queue_full after insert or update or delete or truncate on mestat.column_item
	for each statement execute function mestat.progress_queue_full();
create trigger progress_queue_full after insert or update or delete or truncate on mestat.setting
	for each statement execute function mestat.progress_queue_full();
create trigger progress_queue_full after insert or update or delete or truncate on mestat.period
	for each statement execute function mestat.progress_queue_full();
comment on trigger progress_queue_full on mestat.indicator is 'A catalog change: the next progress run is a full one.';
comment on trigger progress_queue_full on mestat.target is 'A target revision: the next progress run is a full one.';
comment on trigger progress_queue_full on mestat.reporter is 'A reporter change: the next progress run is a full one.';
comment on trigger progress_queue_full on mestat.class_threshold is 'New thresholds: the next progress run is a full one.';
comment on trigger progress_queue_full on mestat.column_item is 'A column''s items changed: the next progress run is a full one.';
comment on trigger progress_queue_full on mestat.setting is 'A setting changed: the next progress run is a full one.';
comment on trigger progress_queue_full on mestat.period is 'The calendar changed: the next progress run is a full one.';
