-- report.value_comments: the current definition of this view.
-- First created in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.value_comments as
select c.id, c.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, c.indicator,
       i.name_zh as indicator_name_zh, i.name_en as indicator_name_en, c.period, c.comment, c.submission, c.created_at
  from mestat.value_comment c
  join mestat.reporter r on r.code = c.reporter
  join mestat.indicator i on i.code = c.indicator;

comment on view report.value_comments is
	'Comments a reporter sent on a cell without a value (DHIS2 data values with only a comment), newest last; the '
	'cell''s value is in report.latest_values.';
comment on column report.value_comments.id is 'Order of arrival.';
comment on column report.value_comments.reporter is 'Reporter code.';
comment on column report.value_comments.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.value_comments.reporter_name_en is 'Reporter name in English.';
comment on column report.value_comments.indicator is 'Indicator code.';
comment on column report.value_comments.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.value_comments.indicator_name_en is 'Indicator name in English.';
comment on column report.value_comments.period is 'Period code.';
comment on column report.value_comments.comment is 'The comment as sent.';
comment on column report.value_comments.submission is 'Submission that brought it.';
comment on column report.value_comments.created_at is 'When it was stored.';
