-- report.release_calendar: the current definition of this view.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.release_calendar as
select c.period, c.due_date, c.release_date, c.release_time, c.status, c.revision, c.published_at,
       c.due_for_publication
  from mestat.release_calendar_at(now()) c;

comment on view report.release_calendar is
	'The release calendar: per quarter its due date, release date (due date + release_days unless the plan office set '
	'it), release time (09:30 Beijing time) and status (planned, preview, published), with the latest revision.';
comment on column report.release_calendar.period is 'The quarter (e.g. 2020Q4).';
comment on column report.release_calendar.due_date is 'Last day its reports are on time.';
comment on column report.release_calendar.release_date is 'Its release date (Beijing): due date + release_days, unless set with mestat.set_release_date().';
comment on column report.release_calendar.release_time is 'When it is published: 09:30 Beijing time on the release date.';
comment on column report.release_calendar.status is 'planned (the quarter has not ended in Beijing), preview (ended, not yet published), published.';
comment on column report.release_calendar.revision is 'Latest published revision; NULL before publication.';
comment on column report.release_calendar.published_at is 'When that revision was published.';
comment on column report.release_calendar.due_for_publication is 'True when the release time has passed and nothing is published yet (mestatd publishes within seconds).';
