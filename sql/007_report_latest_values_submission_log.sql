-- 007_report_latest_values_submission_log.sql: the first evaluator views:
-- current values with their history in brief, and the log of submissions.
-- Views in schema report are owned by mestat_owner, so mestat_evaluator reads
-- them without any right on the tables of schema mestat. They use only
-- built-in functions (a function called in a view is checked against the
-- evaluator's own EXECUTE right).

set local role mestat_owner;

create view report.latest_values as
select cv.indicator,
       i.name_zh as indicator_name_zh,
       i.name_en as indicator_name_en,
       i.unit,
       i.unit_zh,
       cv.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       cv.period,
       p.kind as period_kind,
       p.end_date as period_end,
       cv.value,
       cv.comment,
       cv.revision_count,
       cv.first_recorded_at as first_reported_at,
       cv.last_changed_at,
       cv.submission as last_submission
  from mestat.current_value cv
  join mestat.indicator i on i.code = cv.indicator
  join mestat.reporter r on r.code = cv.reporter
  join mestat.period p on p.code = cv.period;
comment on view report.latest_values is
	'Current value of every indicator, reporter and period that has one, with Chinese and English labels, how many '
	'versions it has had and when it last changed. Deleted values are not shown.';
comment on column report.latest_values.indicator is 'Indicator code.';
comment on column report.latest_values.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.latest_values.indicator_name_en is 'Indicator name in English.';
comment on column report.latest_values.unit is 'Unit (English).';
comment on column report.latest_values.unit_zh is 'Unit (Chinese).';
comment on column report.latest_values.reporter is 'Reporter code (GB/T 2260; 660000 the Corps, 000000 the ministry).';
comment on column report.latest_values.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.latest_values.reporter_name_en is 'Reporter name in English.';
comment on column report.latest_values.reporter_kind is 'province, autonomous_region, municipality, separate_plan_city, corps or ministry.';
comment on column report.latest_values.period is 'Period code (2018Q3, 2018).';
comment on column report.latest_values.period_kind is 'quarter or year.';
comment on column report.latest_values.period_end is 'Last day of the period.';
comment on column report.latest_values.value is 'Current value, in the indicator''s unit.';
comment on column report.latest_values.comment is 'Comment the reporter sent with it.';
comment on column report.latest_values.revision_count is 'Versions stored for this cell, the first included (1 = never revised).';
comment on column report.latest_values.first_reported_at is 'When the cell first got a value.';
comment on column report.latest_values.last_changed_at is 'When the current value was stored.';
comment on column report.latest_values.last_submission is 'Submission that brought the current value (see report.submission_log).';

create view report.submission_log as
select s.id,
       s.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       s.via,
       s.source,
       s.format,
       s.content_type,
       s.body_size,
       s.client_identity,
       s.received_at,
       s.outcome,
       s.http_status,
       s.counts,
       case
       when s.error_detail is null then null
       when jsonb_typeof(s.error_detail -> 'errors') = 'array' and jsonb_array_length(s.error_detail -> 'errors') > 0 then
            left(concat_ws(': ', s.error_detail -> 'errors' -> 0 ->> 'loc',
                           coalesce(s.error_detail -> 'errors' -> 0 ->> 'reason',
                                    s.error_detail -> 'errors' -> 0 ->> 'message')), 300)
            || case when jsonb_array_length(s.error_detail -> 'errors') > 1
                    then format(' (and %s more)', jsonb_array_length(s.error_detail -> 'errors') - 1)
                    else '' end
       when jsonb_typeof(s.error_detail -> 'conflicts') = 'array' and jsonb_array_length(s.error_detail -> 'conflicts') > 0 then
            left(concat_ws(': ', s.error_detail -> 'conflicts' -> 0 ->> 'object',
                           s.error_detail -> 'conflicts' -> 0 ->> 'value'), 300)
            || case when jsonb_array_length(s.error_detail -> 'conflicts') > 1
                    then format(' (and %s more)', jsonb_array_length(s.error_detail -> 'conflicts') - 1)
                    else '' end
       when jsonb_typeof(s.error_detail -> 'message') = 'string' then left(s.error_detail ->> 'message', 300)
       when jsonb_typeof(s.error_detail -> 'error') = 'string' then left(s.error_detail ->> 'error', 300)
       when jsonb_typeof(s.error_detail) = 'string' then left(s.error_detail #>> '{}', 300)
       else left(s.error_detail::text, 300)
       end as error_summary
  from mestat.submission s
  left join mestat.reporter r on r.code = s.reporter;
comment on view report.submission_log is
	'Every submission received, pushed or pulled, accepted or not, with what it changed or why it was refused. '
	'The raw body and the receipt are not shown.';
comment on column report.submission_log.id is 'Submission id.';
comment on column report.submission_log.reporter is 'Authenticated reporter; NULL for an unauthenticated attempt.';
comment on column report.submission_log.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.submission_log.reporter_name_en is 'Reporter name in English.';
comment on column report.submission_log.via is 'push or pull.';
comment on column report.submission_log.source is 'Pull source name; NULL for a push.';
comment on column report.submission_log.format is 'json, csv, dhis2-json, dhis2-csv or sdmx-csv.';
comment on column report.submission_log.content_type is 'Content-Type as sent.';
comment on column report.submission_log.body_size is 'Body size in bytes.';
comment on column report.submission_log.client_identity is 'cert:<fingerprint>, cn:<CN> or token:<id>.';
comment on column report.submission_log.received_at is 'When it was received.';
comment on column report.submission_log.outcome is 'accepted, rejected or dry_run.';
comment on column report.submission_log.http_status is 'HTTP status answered.';
comment on column report.submission_log.counts is 'For an accepted submission: {"new", "revised", "unchanged", "deleted"}.';
comment on column report.submission_log.error_summary is 'For a rejected one: the first problem (and how many more).';

grant select on report.latest_values, report.submission_log to mestat_evaluator;
