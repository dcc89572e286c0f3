-- report.release_preview: the current definition of this view.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.release_preview as
select c.period, mestat.release_content(c.period) as content
  from mestat.release_calendar_at(now()) c
 where c.status = 'preview'
   and c.period = (select max(x.period) from mestat.release_calendar_at(now()) x where x.status = 'preview');

comment on view report.release_preview is
	'The upcoming release as it would be published now (computed when read, not stored, unsigned): for evaluators and '
	'the plan office only.';
comment on column report.release_preview.period is 'The latest quarter that has ended and is not published.';
comment on column report.release_preview.content is 'Its release document as it would be published now (unsigned).';
