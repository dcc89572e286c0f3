-- 047: each cell's current version, kept in a table beside the history.
--
-- mestat.observation keeps every version of every cell (indicator × reporter
-- × period), and the current value of a cell is its latest version. Every
-- reader of current values found it by reading the cell's versions newest
-- first: an outlier score read each series the submission touched in full,
-- every version of every period (in bench/ingest, 338 versions for 46
-- periods: 17 ms of a 50-row push), and the storing statement, the rules and
-- the national sums probed the versions of each cell.
--
-- mestat.cell now holds one row per cell: its current version (value,
-- deletion mark, status, comment, submission, when), how many versions it has
-- and when it first had one and first had a value. Statement triggers on
-- mestat.observation keep it: an insert moves each cell it wrote to its
-- newest version; an owner's correction of history (update, delete) and a
-- truncation rebuild the cells they touched from the versions. Nobody writes
-- it otherwise.
-- The definitions of the trigger functions are in sql/functions/.

set local role mestat_owner;

-- fillfactor 80: a revision rewrites its cell's row, and with room left on
-- the page the new row goes beside the old one, no index written (a HOT
-- update: neither index covers the columns a revision changes).
create table mestat.cell (
	reporter text not null,
	indicator text not null,
	period text not null,
	observation bigint not null,
	value numeric,
	deleted boolean not null,
	status text not null,
	comment text,
	submission bigint not null,
	changed_at timestamptz not null,
	versions integer not null,
	first_recorded_at timestamptz not null,
	first_value_at timestamptz,
	primary key (reporter, indicator, period)
) with (fillfactor = 80);
comment on table mestat.cell is
	'The current version of every cell that has one (the version of mestat.observation with the highest id), one row per '
	'(reporter, indicator, period), deletions included; kept by statement triggers on mestat.observation and written by '
	'nothing else. mestat.current_value reads it.';
comment on column mestat.cell.reporter is 'Reporter code.';
comment on column mestat.cell.indicator is 'Indicator code.';
comment on column mestat.cell.period is 'Period code.';
comment on column mestat.cell.observation is 'Id of the current version in mestat.observation.';
comment on column mestat.cell.value is 'Its value; NULL for a deletion or a value reported missing.';
comment on column mestat.cell.deleted is 'True if the current version deletes the value of the cell.';
comment on column mestat.cell.status is 'SDMX OBS_STATUS of the current version.';
comment on column mestat.cell.comment is 'Comment the reporter sent with the current version.';
comment on column mestat.cell.submission is 'The submission that brought the current version.';
comment on column mestat.cell.changed_at is 'When the current version was stored.';
comment on column mestat.cell.versions is 'How many versions the cell has, deletions included.';
comment on column mestat.cell.first_recorded_at is 'When its first version was stored.';
comment on column mestat.cell.first_value_at is 'When its first version that is not a deletion was stored (NULL if none).';

-- The daemon reads current values where it reads the versions (the rules of
-- a submission, its outlier scores); it writes them only through the triggers.
grant select on mestat.cell to mestat_daemon;

create index cell_period on mestat.cell (indicator, period, reporter);
comment on index mestat.cell_period is 'The cells of every reporter for one (indicator, period): the national sums.';

-- Stubs, replaced by their files in sql/functions/ in the same run.
create function mestat.cell_keep() returns trigger language plpgsql as $$ begin return null; end $$;
create function mestat.cell_keep_truncate() returns trigger language plpgsql as $$ begin return null; end $$;
comment on function mestat.cell_keep() is
	'Statement trigger: moves the cells written on mestat.observation to their current version (definition: '
	'sql/functions/).';
comment on function mestat.cell_keep_truncate() is
	'Statement trigger: empties mestat.cell when mestat.observation is truncated (definition: sql/functions/).';
revoke all on function mestat.cell_keep(), mestat.cell_keep_truncate() from public;

create trigger cell_keep after insert on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.cell_keep();
create trigger cell_keep_update after update on mestat.observation
	referencing old table as old_rows new table as new_rows
	for each statement execute function mestat.cell_keep();
create trigger cell_keep_delete after delete on mestat.observation
	referencing old table as old_rows
	for each statement execute function mestat.cell_keep();
create trigger cell_keep_truncate after truncate on mestat.observation
	for each statement execute function mestat.cell_keep_truncate();
comment on trigger cell_keep on mestat.observation is 'Each cell written moves to its newest version in mestat.cell.';
comment on trigger cell_keep_update on mestat.observation is
	'A correction of history: the cells of the old and the new rows are rebuilt in mestat.cell from their versions.';
comment on trigger cell_keep_delete on mestat.observation is
	'A correction of history: the cells of the rows removed are rebuilt in mestat.cell from their versions.';
comment on trigger cell_keep_truncate on mestat.observation is 'No version is left: mestat.cell is emptied.';

-- The cells stored so far.
insert into mestat.cell (reporter, indicator, period, observation, value, deleted, status, comment, submission,
                         changed_at, versions, first_recorded_at, first_value_at)
select distinct on (o.reporter, o.indicator, o.period)
       o.reporter, o.indicator, o.period, o.id, o.value, o.deleted, o.status, o.comment, o.submission, o.recorded_at,
       (count(*) over w)::integer, min(o.recorded_at) over w, min(o.recorded_at) filter (where not o.deleted) over w
  from mestat.observation o
window w as (partition by o.reporter, o.indicator, o.period)
 order by o.reporter, o.indicator, o.period, o.id desc;
analyze mestat.cell;
