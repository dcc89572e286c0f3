-- report.collector_status: the current definition of this view.
-- First created in 009_report_views.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.collector_status as
select ss.name as source,
       ss.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       ss.url,
       ss.format,
       case when ss.last_attempt is null then 'never_run'
            when ss.consecutive_failures = 0 then 'ok'
            else 'failing' end as state,
       case when ss.last_attempt is null then '尚未运行'
            when ss.consecutive_failures = 0 then '正常'
            else '失败' end as state_zh,
       case when ss.last_attempt is null then 'Never run'
            when ss.consecutive_failures = 0 then 'OK'
            else 'Failing' end as state_en,
       ss.last_attempt,
       ss.last_success,
       ss.last_error_class,
       ss.last_error,
       ss.next_run,
       ss.consecutive_failures,
       ss.last_submission,
       ss.updated_at
  from mestat.source_state ss
  left join mestat.reporter r on r.code = ss.reporter;

comment on view report.collector_status is
	'Each pull source of mestatd (a [source NAME] of its configuration): last success, last error and its class, next '
	'run, failures in a row, with the reporter it publishes for.';
