-- 038: the data quality scorecard kept as statistics per (reporter, year).
--
-- mestat.data_quality aggregated every version of every cell of
-- mestat.observation and evaluated every validation rule on every read: at
-- county scale (5.7 million values) that ran past the read API's
-- report_timeout. The same numbers are now kept in mestat.quality_stat, one
-- row per (reporter, year), and the view reads that small table.
--
-- What changes them is queued by statement triggers in mestat.quality_pending
-- (the (reporter, year) pairs a statement wrote, or a row with reporter NULL
-- when a change reaches every pair: a validation rule or the reporters);
-- mestat.quality_refresh(), which mestatd runs right after each progress
-- run, recomputes the queued pairs (and the parents of their reporters, for
-- the rules between a reporter and its parts) and takes completeness and
-- timeliness from mestat.reporting_status when a progress run wrote it. So
-- report.data_quality is as fresh as report.progress (docs/method.md, "Data
-- quality scorecard"). The current definitions are in sql/functions/.

set local role mestat_owner;

create table mestat.quality_pending (
	id bigserial primary key,
	reporter text,
	year integer,
	queued_at timestamptz not null default now()
);
comment on table mestat.quality_pending is
	'What changed since the last mestat.quality_refresh(): a (reporter, year) whose values or follow-ups were written, '
	'or a row with reporter NULL when every pair must be recomputed. Filled by statement triggers in the writing '
	'transaction (a plain append, no unique key: a writer never waits for the refresh that is claiming the same pair); '
	'emptied by mestat.quality_refresh().';
comment on column mestat.quality_pending.id is 'Queue order.';
comment on column mestat.quality_pending.reporter is 'Reporter of the change; NULL: recompute every pair.';
comment on column mestat.quality_pending.year is 'Year of the periods changed (a quarter counts in its year).';
comment on column mestat.quality_pending.queued_at is 'When the change was queued.';

create table mestat.quality_stat (
	reporter text not null,
	year integer not null,
	reporting boolean not null default false,
	expected integer,
	received integer,
	on_time integer,
	computed_at timestamptz,
	cells integer not null default 0,
	revised integer not null default 0,
	revision_sum numeric,
	revision_n integer not null default 0,
	follow_ups integer not null default 0,
	outliers_flagged integer not null default 0,
	outliers_confirmed integer not null default 0,
	corrections_requested integer not null default 0,
	rule_violations integer not null default 0,
	rank_in_year bigint,
	primary key (reporter, year)
);
create index quality_stat_rank on mestat.quality_stat (year, rank_in_year, reporter);
comment on index mestat.quality_stat_rank is 'The league table of a year, and the years in order.';
-- The read API orders DESC NULLS LAST, which a backward scan of the index
-- above (DESC NULLS FIRST) does not give.
create index quality_stat_year_desc on mestat.quality_stat (year desc nulls last, reporter);
comment on index mestat.quality_stat_year_desc is 'The years latest first (the quality page''s "last year").';
create index quality_stat_received on mestat.quality_stat (year desc nulls last, reporter) where received > 0;
comment on index mestat.quality_stat_received is
	'The years with something received, latest first (the year the quality page opens on: received >= 1).';
comment on table mestat.quality_stat is
	'The statistics behind mestat.data_quality, one row per (reporter, year) that has reporting status, a current '
	'value, a follow-up or a rule violation; written only by mestat.quality_refresh().';
comment on column mestat.quality_stat.reporter is 'Reporter code.';
comment on column mestat.quality_stat.year is 'Year of the periods (a quarter counts in its year).';
comment on column mestat.quality_stat.reporting is 'mestat.reporting_status has rows for the reporter that year.';
comment on column mestat.quality_stat.expected is 'Sum of reporting_status.expected over the year''s periods.';
comment on column mestat.quality_stat.received is 'Sum of reporting_status.received.';
comment on column mestat.quality_stat.on_time is 'Sum of reporting_status.on_time.';
comment on column mestat.quality_stat.computed_at is 'Latest reporting_status.computed_at of the year.';
comment on column mestat.quality_stat.cells is 'Cells with a current value.';
comment on column mestat.quality_stat.revised is 'Of those, cells with more than one version carrying a value.';
comment on column mestat.quality_stat.revision_sum is
	'Sum over the cells with a current value and a first value other than 0 of |current - first| / |first|.';
comment on column mestat.quality_stat.revision_n is 'How many cells that sum is over.';
comment on column mestat.quality_stat.follow_ups is 'Follow-ups of any kind (a pair with one has a scorecard row).';
comment on column mestat.quality_stat.outliers_flagged is 'Follow-ups of kind history, peers or jump.';
comment on column mestat.quality_stat.outliers_confirmed is 'Of those, confirmed.';
comment on column mestat.quality_stat.corrections_requested is 'Of those, sent back for correction.';
comment on column mestat.quality_stat.rule_violations is 'Rows of mestat.validation_violation.';
comment on column mestat.quality_stat.rank_in_year is
	'Rank by score within the year (1 = best; NULL without a score), as of the refresh that last changed a row of '
	'that year.';

create table mestat.quality_state (
	one boolean primary key default true check (one),
	snapshot bigint,
	refreshed_at timestamptz,
	elapsed interval,
	pairs integer
);
comment on table mestat.quality_state is 'One row: the last mestat.quality_refresh().';
comment on column mestat.quality_state.one is 'Always true: the table has one row.';
comment on column mestat.quality_state.snapshot is
	'The latest progress snapshot when the refresh read mestat.reporting_status.';
comment on column mestat.quality_state.refreshed_at is 'When the last refresh ran.';
comment on column mestat.quality_state.elapsed is 'How long it took.';
comment on column mestat.quality_state.pairs is 'How many (reporter, year) pairs it recomputed from the values.';
insert into mestat.quality_state default values;

-- Stubs, replaced by their files in sql/functions/ in the same run.
create function mestat.quality_queue() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.quality_queue_full() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.quality_refresh() returns integer language sql as 'select 0';
comment on function mestat.quality_queue() is
	'Statement trigger: queues the (reporter, year) pairs written in mestat.quality_pending (definition: sql/functions/).';
comment on function mestat.quality_queue_full() is
	'Statement trigger: queues a refresh of every pair in mestat.quality_pending (definition: sql/functions/).';
comment on function mestat.quality_refresh() is
	'Recomputes mestat.quality_stat for what is queued (definition: sql/functions/).';
revoke all on function mestat.quality_queue(), mestat.quality_queue_full(), mestat.quality_refresh() from public;
grant execute on function mestat.quality_refresh() to mestat_daemon;

-- Values and follow-ups: the pairs written. Owners correcting history
-- (update, delete) queue the pairs of the old and the new rows.
create trigger quality_queue after insert on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.quality_queue();
create trigger quality_queue_update after update on mestat.observation
	referencing old table as old_rows new table as new_rows
	for each statement execute function mestat.quality_queue();
create trigger quality_queue_delete after delete on mestat.observation
	referencing old table as old_rows
	for each statement execute function mestat.quality_queue();
create trigger quality_queue_truncate after truncate on mestat.observation
	for each statement execute function mestat.quality_queue_full();
create trigger quality_queue after insert on mestat.follow_up
	referencing new table as new_rows
	for each statement execute function mestat.quality_queue();
create trigger quality_queue_update after update on mestat.follow_up
	referencing old table as old_rows new table as new_rows
	for each statement execute function mestat.quality_queue();
create trigger quality_queue_delete after delete on mestat.follow_up
	referencing old table as old_rows
	for each statement execute function mestat.quality_queue();
create trigger quality_queue_truncate after truncate on mestat.follow_up
	for each statement execute function mestat.quality_queue_full();
comment on trigger quality_queue on mestat.observation is
	'Queues the (reporter, year) pairs written for the next mestat.quality_refresh().';
comment on trigger quality_queue_update on mestat.observation is
	'A correction of history: its pairs are queued for the next mestat.quality_refresh().';
comment on trigger quality_queue_delete on mestat.observation is
	'A correction of history: its pairs are queued for the next mestat.quality_refresh().';
comment on trigger quality_queue_truncate on mestat.observation is 'Every pair is recomputed by the next refresh.';
comment on trigger quality_queue on mestat.follow_up is
	'A value held for follow-up: its pair is queued for the next mestat.quality_refresh().';
comment on trigger quality_queue_update on mestat.follow_up is
	'A follow-up decided: its pair is queued for the next mestat.quality_refresh().';
comment on trigger quality_queue_delete on mestat.follow_up is
	'A follow-up removed: its pair is queued for the next mestat.quality_refresh().';
comment on trigger quality_queue_truncate on mestat.follow_up is 'Every pair is recomputed by the next refresh.';

-- Rules and reporters (who is whose part) reach every pair's violations.
create trigger quality_queue_full after insert or update or delete or truncate on mestat.validation_rule
	for each statement execute function mestat.quality_queue_full();
create trigger quality_queue_full after insert or update or delete or truncate on mestat.reporter
	for each statement execute function mestat.quality_queue_full();
comment on trigger quality_queue_full on mestat.validation_rule is
	'A rule changed: the next mestat.quality_refresh() recomputes every pair.';
comment on trigger quality_queue_full on mestat.reporter is
	'A reporter changed (its parent, a new one): the next mestat.quality_refresh() recomputes every pair.';

-- What exists already is counted by the first refresh.
insert into mestat.quality_pending (reporter) values (null);
