-- 028_notifications.sql: who is told what, and the record that it was sent.
--
-- Contacts (mestat.reporter_contact) are data: an e-mail address or a
-- webhook per row, several per reporter; rows without a reporter are the
-- plan office's. Each notice is one row of mestat.notification per contact,
-- written in the transaction of the event that causes it (a trigger on
-- mestat.reporting_event and mestat.release) or by mestat.notify_due(p_now)
-- for what time causes (reminders before the due date, the due date,
-- weekly while overdue, a pull source failing too long). A notice has a key
-- (event_key) unique per contact, so the same event never makes two rows,
-- however many daemons ask and however often. mestatd claims pending rows
-- with FOR UPDATE SKIP LOCKED (mestat.notification_claim), sends them, and
-- records the outcome (mestat.notification_done): sent, or tried again
-- later with a growing delay, or failed after notify_max_attempts.

set local role mestat_owner;

create table mestat.reporter_contact (
	id bigint generated always as identity primary key,
	reporter text references mestat.reporter (code),
	channel text not null check (channel in ('email', 'webhook')),
	address text not null,
	kind text not null default 'generic' check (kind in ('generic', 'wecom', 'dingtalk', 'feishu')),
	secret text,
	name text,
	active boolean not null default true,
	added_at timestamptz not null default now(),
	check (channel = 'webhook' or (kind = 'generic' and secret is null)),
	check (channel <> 'email' or address ~ '^[^@\s<>]+@[^@\s<>]+$'),
	check (channel <> 'webhook' or address ~ '^https://'),
	unique (reporter, channel, address)
);
comment on table mestat.reporter_contact is
	'Who is told about the reporting cycle: per reporter, several e-mail addresses and webhooks; rows with reporter '
	'NULL are the plan office''s (told of completions, source failures and releases).';
comment on column mestat.reporter_contact.id is 'Contact id.';
comment on column mestat.reporter_contact.reporter is 'Reporter code; NULL for the plan office.';
comment on column mestat.reporter_contact.channel is 'email (SMTP, [notify] smtp_url) or webhook (HTTPS POST of JSON).';
comment on column mestat.reporter_contact.address is 'The e-mail address, or the https:// URL of the webhook.';
comment on column mestat.reporter_contact.kind is
	'Webhook body shape: generic (mestat''s JSON), wecom (企业微信 group robot), dingtalk (钉钉), feishu (飞书).';
comment on column mestat.reporter_contact.secret is
	'Webhook only: key of the HMAC-SHA256 of the body sent in header X-Mestat-Signature (sha256=hex); NULL: unsigned.';
comment on column mestat.reporter_contact.name is 'Whose address it is (person, office), for the reader.';
comment on column mestat.reporter_contact.active is 'False: kept for the record, told nothing more.';
comment on column mestat.reporter_contact.added_at is 'When it was added.';

create table mestat.notification (
	id bigint generated always as identity primary key,
	event_key text not null,
	event text not null,
	reporter text references mestat.reporter (code),
	period text references mestat.period (code),
	contact bigint not null references mestat.reporter_contact (id),
	channel text not null,
	address text not null,
	kind text not null,
	subject text not null,
	body text not null,
	created_at timestamptz not null default now(),
	state text not null default 'pending' check (state in ('pending', 'sending', 'sent', 'failed')),
	attempts integer not null default 0,
	next_attempt_at timestamptz not null default now(),
	claimed_by text,
	claimed_at timestamptz,
	sent_at timestamptz,
	last_error text,
	unique (event_key, contact)
);
comment on table mestat.notification is
	'One notice to one contact, written in the transaction of its event; sent by mestatd (state pending → sending → '
	'sent, or failed after notify_max_attempts). event_key is unique per contact: an event never makes two notices.';
comment on column mestat.notification.id is 'Notice id.';
comment on column mestat.notification.event_key is
	'What caused it, unique per contact: e.g. remind:110000:2018Q3:7, due:110000:2018Q3, overdue:110000:2018Q3:2, '
	'cycle:<reporting_event id>, source:<name>:<failing since>, release:<id>. Sent as the Message-ID and in header '
	'X-Mestat-Event so a receiver can drop a repeat.';
comment on column mestat.notification.event is 'remind, due, overdue, completed, uncompleted, accepted, returned, reopened, locked, source_failing, release.';
comment on column mestat.notification.reporter is 'The reporter it is about, if any.';
comment on column mestat.notification.period is 'The period it is about, if any.';
comment on column mestat.notification.contact is 'The contact told (mestat.reporter_contact).';
comment on column mestat.notification.channel is 'email or webhook, as the contact had it.';
comment on column mestat.notification.address is 'The address, as the contact had it.';
comment on column mestat.notification.kind is 'Webhook shape, as the contact had it.';
comment on column mestat.notification.subject is 'Subject (Chinese, then English).';
comment on column mestat.notification.body is 'Text: Chinese, then English below.';
comment on column mestat.notification.created_at is 'When the event happened (the notice was written).';
comment on column mestat.notification.state is 'pending, sending (claimed by a daemon), sent or failed.';
comment on column mestat.notification.attempts is 'Sending attempts so far.';
comment on column mestat.notification.next_attempt_at is 'Not tried before this time (backoff after a failure).';
comment on column mestat.notification.claimed_by is 'The daemon (host:pid) that claimed it last.';
comment on column mestat.notification.claimed_at is 'When it was claimed last.';
comment on column mestat.notification.sent_at is 'When the SMTP server or the webhook accepted it.';
comment on column mestat.notification.last_error is 'Why the last attempt failed.';
create index notification_pending on mestat.notification (next_attempt_at) where state in ('pending', 'sending');

-- failing_since: when a pull source began failing (NULL while it works),
-- kept from consecutive_failures by a trigger so that no C code changes.
alter table mestat.source_state add column failing_since timestamptz;
comment on column mestat.source_state.failing_since is
	'When the current run of failures began (the first failed attempt); NULL while the source works.';
create function mestat.source_state_failing() returns trigger
language plpgsql
as $$
begin
	if new.consecutive_failures = 0 then
		new.failing_since := null;
	elsif new.failing_since is null then
		new.failing_since := coalesce(new.last_attempt, now());
	end if;
	return new;
end
$$;
comment on function mestat.source_state_failing() is 'Trigger: keeps source_state.failing_since from consecutive_failures.';
create trigger source_state_failing before insert or update on mestat.source_state
	for each row execute function mestat.source_state_failing();

------------------------------------------------------------------------------
-- Writing notices

create function mestat.notify(p_key text, p_event text, p_reporter text, p_period text, p_to_reporter boolean,
                              p_to_office boolean, p_subject text, p_body text, p_at timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	n integer;
begin
	-- Sendable at once, whatever the event's time (a test's clock may be ahead).
	insert into mestat.notification (event_key, event, reporter, period, contact, channel, address, kind, subject, body,
	                                 created_at)
	select p_key, p_event, p_reporter, p_period, c.id, c.channel, c.address, c.kind, p_subject, p_body, p_at
	  from mestat.reporter_contact c
	 where c.active
	   and ((p_to_reporter and c.reporter = p_reporter) or (p_to_office and c.reporter is null))
	on conflict (event_key, contact) do nothing;
	get diagnostics n = row_count;
	return n;
end
$$;
comment on function mestat.notify(text, text, text, text, boolean, boolean, text, text, timestamptz) is
	'Write one notice per active contact of reporter p_reporter (p_to_reporter) and of the plan office (p_to_office), '
	'keyed p_key: a key already written for a contact writes nothing. Returns how many were written. SECURITY DEFINER.';

create function mestat.reporter_label(p_reporter text) returns text
language sql stable
set search_path = mestat, pg_temp
as $$
	select coalesce((select r.name_zh || '（' || r.name_en || ', ' || r.code || '）' from mestat.reporter r
	                  where r.code = p_reporter), p_reporter)
$$;
comment on function mestat.reporter_label(text) is 'A reporter as named in notices: 北京市（Beijing, 110000）.';

create function mestat.reporting_event_notify() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	who text := mestat.reporter_label(new.reporter);
	name_zh text := coalesce((select r.name_zh from mestat.reporter r where r.code = new.reporter), new.reporter);
	name_en text := coalesce((select r.name_en from mestat.reporter r where r.code = new.reporter), new.reporter);
	what_zh text;
	what_en text;
	zh text;
	en text;
	office boolean := new.event in ('completed', 'uncompleted');
begin
	case new.event
	when 'completed' then
		what_zh := '已完成填报，待审核';
		what_en := 'completed, awaiting acceptance';
		zh := format('%s 已报告 %s 数据填报完成，请审核。', who, new.period);
		en := format('%s has completed its report for %s; it awaits acceptance by the plan office.', who, new.period);
	when 'uncompleted' then
		what_zh := '撤回完成标记';
		what_en := 'completion withdrawn';
		zh := format('%s 撤回了 %s 的完成标记。', who, new.period);
		en := format('%s has withdrawn its completion of %s.', who, new.period);
	when 'accepted' then
		what_zh := '已审核通过并锁定';
		what_en := 'accepted and locked';
		zh := format('%s 的 %s 数据已由 %s 审核通过并锁定。如需修改，请联系规划办公室。', who, new.period, new.actor);
		en := format('The report of %s for %s was accepted by %s and is now locked. To change it, ask the plan office '
		             'to reopen it.', who, new.period, new.actor);
	when 'returned' then
		what_zh := '被退回';
		what_en := 'returned';
		zh := format('%s 的 %s 数据被 %s 退回，原因：%s。请修改后重新标记完成。', who, new.period, new.actor, new.reason);
		en := format('The report of %s for %s was returned by %s. Reason: %s. Please correct it and complete it again.',
		             who, new.period, new.actor, new.reason);
	when 'reopened' then
		what_zh := '已重新开放';
		what_en := 'reopened';
		zh := format('%s 的 %s 数据已由 %s 重新开放，原因：%s。', who, new.period, new.actor, new.reason);
		en := format('The report of %s for %s was reopened by %s. Reason: %s.', who, new.period, new.actor, new.reason);
	when 'locked' then
		what_zh := '已锁定';
		what_en := 'locked';
		zh := format('%s 的 %s 数据已超过截止日期后的锁定期限，已锁定。如需修改，请联系规划办公室。', who, new.period);
		en := format('The report of %s for %s is locked: %s. To change it, ask the plan office to reopen it.', who,
		             new.period, new.reason);
	end case;
	perform mestat.notify('cycle:' || new.id, new.event, new.reporter, new.period, true, office,
	                      format('[mestat] %s %s %s / %s %s: %s', name_zh, new.period, what_zh, name_en, new.period,
	                             what_en),
	                      zh || E'\n\n' || en, new.at);
	return null;
end
$$;
comment on function mestat.reporting_event_notify() is
	'Trigger on mestat.reporting_event: the notices of a state change, in the same transaction (the reporter''s '
	'contacts; the plan office''s too for completions).';
create trigger reporting_event_notify after insert on mestat.reporting_event
	for each row execute function mestat.reporting_event_notify();

create function mestat.release_notify() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	zh text := format('%s 季度监测评估结果已发布（第 %s 版）。', new.period, new.revision);
	en text := format('The monitoring and evaluation release for %s has been published (revision %s).', new.period,
	                  new.revision);
	r record;
begin
	perform mestat.notify('release:' || new.id, 'release', null, new.period, false, true,
	                      format('[mestat] %s / Release %s published', zh, new.period), zh || E'\n\n' || en,
	                      new.published_at);
	for r in select distinct c.reporter from mestat.reporter_contact c where c.active and c.reporter is not null loop
		perform mestat.notify('release:' || new.id, 'release', r.reporter, new.period, true, false,
		                      format('[mestat] %s / Release %s published', zh, new.period), zh || E'\n\n' || en,
		                      new.published_at);
	end loop;
	return null;
end
$$;
comment on function mestat.release_notify() is
	'Trigger on mestat.release: every active contact (reporters and plan office) is told of a published release.';
create trigger release_notify after insert on mestat.release
	for each row execute function mestat.release_notify();

------------------------------------------------------------------------------
-- What time causes

create function mestat.set_notify(p_remind_days text, p_source_alert_after interval) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if p_remind_days is null or p_remind_days !~ '^\s*([0-9]{1,3}\s*(,\s*[0-9]{1,3}\s*)*)?$' then
		raise exception 'remind_days must be days before the due date separated by commas, e.g. 7,1; got "%"',
			p_remind_days using errcode = '22023';
	end if;
	insert into mestat.setting as s (name, value)
	values ('remind_days', regexp_replace(p_remind_days, '\s', '', 'g')),
	       ('source_alert_after', extract(epoch from p_source_alert_after)::bigint::text)
	on conflict (name) do update
		set value = excluded.value, updated_at = now(), updated_by = session_user
		where s.value is distinct from excluded.value;
	return true;
end
$$;
comment on function mestat.set_notify(text, interval) is
	'mestatd at start and reload: its [notify] remind_days (e.g. ''7,1'') and source_alert_after. SECURITY DEFINER.';

create function mestat.notify_due(p_now timestamptz default now()) returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	today date := (p_now at time zone 'Asia/Shanghai')::date;
	days integer[] := coalesce((select string_to_array(nullif(value, ''), ',')::integer[] from mestat.setting
	                             where name = 'remind_days'), '{}');
	alert_after interval := make_interval(secs => coalesce((select value::bigint from mestat.setting
	                                                         where name = 'source_alert_after'), 0));
	c record;
	d integer;
	wk integer;
	n integer := 0;
	who text;
begin
	-- Reporters that have not completed a quarter due soon or lately
	-- (overdue notices weekly for 13 weeks after the due date).
	for c in
		select r.code as reporter, p.code as period, p.due_date
		  from mestat.reporter r
		  cross join mestat.period p
		  left join mestat.reporting_state s on s.reporter = r.code and s.period = p.code
		 where r.active and p.kind = 'quarter'
		   and p.due_date between today - 91 and today + coalesce((select max(x) from unnest(days) x), 0)
		   and coalesce(s.state, 'open') in ('open', 'returned')
		   and exists (select 1 from mestat.reporter_contact k where k.active and k.reporter = r.code)
	loop
		who := mestat.reporter_label(c.reporter);
		if today < c.due_date then
			-- The nearest threshold crossed: one reminder per threshold,
			-- and only the latest if the daemon was down over several.
			select min(x) into d from unnest(days) x where today >= c.due_date - x;
			if d is not null then
				n := n + mestat.notify(format('remind:%s:%s:%s', c.reporter, c.period, d), 'remind', c.reporter,
					c.period, true, false,
					format('[mestat] %s 数据将于 %s 截止（还有 %s 天）/ %s report due on %s', c.period, c.due_date,
					       c.due_date - today, c.period, c.due_date),
					format('%s：%s 的数据将于 %s（北京时间）截止，还有 %s 天，尚未标记完成。请及时报送并标记完成。', who,
					       c.period, c.due_date, c.due_date - today) || E'\n\n' ||
					format('%s: the report for %s is due on %s (Beijing time), in %s day(s), and is not complete yet. '
					       'Please send it and mark it complete.', who, c.period, c.due_date, c.due_date - today),
					p_now);
			end if;
		elsif today < c.due_date + 7 then
			n := n + mestat.notify(format('due:%s:%s', c.reporter, c.period), 'due', c.reporter, c.period, true, false,
				format('[mestat] %s 数据今日截止 / %s report due today', c.period, c.period),
				format('%s：%s 的数据截止日期为 %s（北京时间），尚未标记完成。请尽快报送。', who, c.period, c.due_date)
				|| E'\n\n' ||
				format('%s: the report for %s was due on %s (Beijing time) and is not complete. Please send it now.',
				       who, c.period, c.due_date),
				p_now);
		else
			wk := (today - c.due_date) / 7;
			n := n + mestat.notify(format('overdue:%s:%s:%s', c.reporter, c.period, wk), 'overdue', c.reporter,
				c.period, true, false,
				format('[mestat] %s 数据已逾期 %s 天 / %s report %s days overdue', c.period, today - c.due_date,
				       c.period, today - c.due_date),
				format('%s：%s 的数据已逾期 %s 天（截止日期 %s，北京时间），尚未标记完成。请尽快报送。', who, c.period,
				       today - c.due_date, c.due_date) || E'\n\n' ||
				format('%s: the report for %s is %s days overdue (due on %s, Beijing time) and is not complete. '
				       'Please send it now.', who, c.period, today - c.due_date, c.due_date),
				p_now);
		end if;
	end loop;

	-- Pull sources failing for longer than source_alert_after (0: never).
	if alert_after > interval '0' then
		for c in
			select s.name, s.reporter, s.url, s.failing_since, s.last_error, s.consecutive_failures
			  from mestat.source_state s
			 where s.failing_since is not null and s.failing_since + alert_after <= p_now
		loop
			n := n + mestat.notify(format('source:%s:%s', c.name, extract(epoch from c.failing_since)::bigint),
				'source_failing', c.reporter, null, c.reporter is not null, true,
				format('[mestat] 数据源 %s 拉取失败 / pull source %s failing', c.name, c.name),
				format('数据源 %s（%s）自 %s（北京时间）起连续拉取失败 %s 次。最近错误：%s', c.name, c.url,
				       to_char(c.failing_since at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
				       c.consecutive_failures, coalesce(c.last_error, '-')) || E'\n\n' ||
				format('Pull source %s (%s) has failed %s times in a row since %s (Beijing time). Last error: %s',
				       c.name, c.url, c.consecutive_failures,
				       to_char(c.failing_since at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
				       coalesce(c.last_error, '-')),
				p_now);
		end loop;
	end if;
	return n;
end
$$;
comment on function mestat.notify_due(timestamptz) is
	'mestatd (every notify_interval) or a test with its own clock: write the notices that time causes as of p_now '
	'(Beijing calendar): a reminder at each remind_days threshold before the due date to reporters whose quarter is '
	'open or returned (only the nearest threshold crossed), one on the due date, one a week while overdue (13 weeks), '
	'and to the plan office (and the reporter) when a pull source has failed longer than source_alert_after. Keys '
	'make a repeat write nothing. Returns how many notices were written. SECURITY DEFINER.';

------------------------------------------------------------------------------
-- Sending

create function mestat.notification_claim(p_worker text, p_limit integer default 10, p_now timestamptz default now(),
                                          p_lease interval default interval '5 minutes', p_email boolean default true)
returns table (id bigint, event_key text, channel text, address text, kind text, secret text, subject text,
               body text, reporter text, period text, event text, attempts integer)
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
#variable_conflict use_column
begin
	return query
	with c as (
		select n.id from mestat.notification n
		 where ((n.state = 'pending' and n.next_attempt_at <= p_now)
		        or (n.state = 'sending' and n.claimed_at < p_now - p_lease))
		   and (p_email or n.channel <> 'email')
		 order by n.id
		 limit p_limit
		 for update skip locked
	)
	update mestat.notification n
	   set state = 'sending', claimed_by = p_worker, claimed_at = p_now, attempts = n.attempts + 1
	  from c
	 where n.id = c.id
	returning n.id, n.event_key, n.channel, n.address, n.kind,
	          (select k.secret from mestat.reporter_contact k where k.id = n.contact), n.subject, n.body, n.reporter,
	          n.period, n.event, n.attempts;
end
$$;
comment on function mestat.notification_claim(text, integer, timestamptz, interval, boolean) is
	'mestatd: claim up to p_limit notices due for sending (FOR UPDATE SKIP LOCKED: two daemons never claim the same '
	'one), marking them sending by p_worker. A notice left sending longer than p_lease (its daemon died mid-send) is '
	'claimed again, with the same event key. p_email false: e-mail notices are left pending (no SMTP server '
	'configured). SECURITY DEFINER.';

create function mestat.notification_done(p_id bigint, p_ok boolean, p_error text default null,
                                         p_max_attempts integer default 8, p_now timestamptz default now())
returns text
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st text;
begin
	update mestat.notification n
	   set state = case when p_ok then 'sent' when n.attempts >= p_max_attempts then 'failed' else 'pending' end,
	       sent_at = case when p_ok then p_now end,
	       last_error = case when p_ok then n.last_error else p_error end,
	       next_attempt_at = case when p_ok then n.next_attempt_at
	                         else p_now + least(interval '1 hour', interval '30 seconds' * power(2, n.attempts - 1)) end
	 where n.id = p_id and n.state = 'sending'
	returning n.state into st;
	return st;
end
$$;
comment on function mestat.notification_done(bigint, boolean, text, integer, timestamptz) is
	'mestatd: record the outcome of sending notice p_id: sent, or pending again after 30 s · 2^(attempts−1) (at most '
	'an hour), or failed after p_max_attempts. Returns the new state. SECURITY DEFINER.';

create function mestat.overdue_reports() returns integer
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select count(*)::integer
	  from mestat.reporting_status rs
	  join mestat.period p on p.code = rs.period
	 where rs.received < rs.expected
	   and p.due_date < (now() at time zone 'Asia/Shanghai')::date
$$;
comment on function mestat.overdue_reports() is
	'The number of rows of report.overdue (reports past their due date with expected values missing, as of the last '
	'progress run), for the metric mestat_reports_overdue. SECURITY DEFINER.';

------------------------------------------------------------------------------
-- The view

create view report.notifications as
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

revoke all on mestat.reporter_contact, mestat.notification from public;
grant select on mestat.reporter_contact, mestat.notification to mestat_daemon;
grant execute on function mestat.set_notify(text, interval), mestat.notify_due(timestamptz),
	mestat.notification_claim(text, integer, timestamptz, interval, boolean),
	mestat.notification_done(bigint, boolean, text, integer, timestamptz), mestat.overdue_reports() to mestat_daemon;
grant select on report.notifications to mestat_evaluator;
