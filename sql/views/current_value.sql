-- mestat.current_value: the current definition of this view.
-- First created in 005_ingest.sql, last changed in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.current_value as
select c.indicator, c.reporter, c.period, c.value, c.comment, c.versions as revision_count, c.first_recorded_at,
       c.changed_at as last_changed_at, c.submission, c.observation as observation_id, c.status
  from mestat.cell c
 where not c.deleted and c.value is not null;

comment on view mestat.current_value is
	'Current value of every cell that has one (latest version neither a deletion nor reported missing), with its status '
	'and its history in brief.';
comment on column mestat.current_value.status is 'SDMX OBS_STATUS of the current value (A normal, P provisional, E estimated...).';
