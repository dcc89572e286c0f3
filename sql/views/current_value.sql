-- mestat.current_value: the current definition of this view.
-- First created in 005_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view mestat.current_value as
select v.indicator, v.reporter, v.period, v.value, v.comment, v.revision_count, v.first_recorded_at,
       v.last_changed_at, v.submission, v.observation_id
  from (select distinct on (o.reporter, o.indicator, o.period)
               o.indicator, o.reporter, o.period, o.value, o.deleted, o.comment, o.submission,
               o.id as observation_id,
               o.recorded_at as last_changed_at,
               (count(*) over cell)::integer as revision_count,
               min(o.recorded_at) over cell as first_recorded_at
          from mestat.observation o
        window cell as (partition by o.reporter, o.indicator, o.period)
         order by o.reporter, o.indicator, o.period, o.id desc) as v
 where not v.deleted;

comment on view mestat.current_value is
	'Current value of every cell that has one (latest version not a deletion), with its history in brief.';
comment on column mestat.current_value.indicator is 'Indicator code.';
comment on column mestat.current_value.reporter is 'Reporter code.';
comment on column mestat.current_value.period is 'Period code.';
comment on column mestat.current_value.value is 'Current value.';
comment on column mestat.current_value.comment is 'Comment sent with the current value.';
comment on column mestat.current_value.revision_count is
	'Number of versions stored for the cell, the first value included (1 = never revised; deletions count too).';
comment on column mestat.current_value.first_recorded_at is 'When the cell was first given a value.';
comment on column mestat.current_value.last_changed_at is 'When the current value was stored.';
comment on column mestat.current_value.submission is 'Submission that brought the current value.';
comment on column mestat.current_value.observation_id is 'Id of the current version (mestat.observation.id).';
