-- mestat.current_value: the current definition of this view.
-- First created in 005_ingest.sql, last changed in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.current_value as
select v.indicator, v.reporter, v.period, v.value, v.comment, v.revision_count, v.first_recorded_at,
       v.last_changed_at, v.submission, v.observation_id, v.status
  from (select distinct on (o.reporter, o.indicator, o.period)
               o.indicator, o.reporter, o.period, o.value, o.deleted, o.comment, o.submission, o.status,
               o.id as observation_id,
               o.recorded_at as last_changed_at,
               (count(*) over cell)::integer as revision_count,
               min(o.recorded_at) over cell as first_recorded_at
          from mestat.observation o
        window cell as (partition by o.reporter, o.indicator, o.period)
         order by o.reporter, o.indicator, o.period, o.id desc) as v
 where not v.deleted and v.value is not null;

comment on view mestat.current_value is
	'Current value of every cell that has one (latest version neither a deletion nor reported missing), with its status '
	'and its history in brief.';
comment on column mestat.current_value.status is 'SDMX OBS_STATUS of the current value (A normal, P provisional, E estimated...).';
