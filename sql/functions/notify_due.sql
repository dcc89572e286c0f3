-- mestat.notify_due: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.notify_due(p_now timestamptz default now()) returns integer
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
