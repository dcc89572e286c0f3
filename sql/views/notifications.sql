-- report.notifications: the current definition of this view.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.notifications as
select n.id, n.created_at, n.event, n.event_key, n.reporter, r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en, n.period, n.channel,
       case when n.channel = 'email' then n.address else regexp_replace(n.address, '^(https://[^/]+).*$', '\1/…') end
           as address,
       n.kind, n.subject, n.state, n.attempts, n.sent_at, n.next_attempt_at, n.last_error
  from mestat.notification n
  left join mestat.reporter r on r.code = n.reporter;

comment on view report.notifications is
	'Every notice: what event, to whom (webhook URLs shortened to their host: the path may carry the robot''s key), '
	'by which channel, and whether it was sent (state, attempts, sent_at, last_error).';
comment on column report.notifications.id is 'Notice id.';
comment on column report.notifications.created_at is 'When the event happened.';
comment on column report.notifications.event is 'remind, due, overdue, completed, accepted, returned, reopened, locked, source_failing, release…';
comment on column report.notifications.event_key is 'The event''s key (unique per contact).';
comment on column report.notifications.reporter is 'The reporter it is about.';
comment on column report.notifications.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.notifications.reporter_name_en is 'Reporter name in English.';
comment on column report.notifications.period is 'The period it is about.';
comment on column report.notifications.channel is 'email or webhook.';
comment on column report.notifications.address is 'E-mail address, or the webhook''s host.';
comment on column report.notifications.kind is 'Webhook shape (generic, wecom, dingtalk, feishu).';
comment on column report.notifications.subject is 'Subject.';
comment on column report.notifications.state is 'pending, sending, sent or failed.';
comment on column report.notifications.attempts is 'Attempts so far.';
comment on column report.notifications.sent_at is 'When it was accepted by the SMTP server or webhook.';
comment on column report.notifications.next_attempt_at is 'Next attempt (pending).';
comment on column report.notifications.last_error is 'Why the last attempt failed.';
