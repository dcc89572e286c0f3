-- mestat.release_time: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.release_time(p_date date) returns timestamptz
language sql immutable
as $$ select (p_date + time '09:30') at time zone 'Asia/Shanghai' $$;

comment on function mestat.release_time(date) is 'The release time of a release date: 09:30 Beijing time (Asia/Shanghai) that day.';
