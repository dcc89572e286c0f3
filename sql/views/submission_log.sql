-- report.submission_log: the current definition of this view.
-- First created in 007_report_latest_values_submission_log.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.submission_log as
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
