-- mestat.lock_expired: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.lock_expired(p_now timestamptz default now()) returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	days integer := coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0);
	today date := (p_now at time zone 'Asia/Shanghai')::date;
	c record;
	n integer := 0;
begin
	if days = 0 then
		return 0;
	end if;
	for c in
		select r.code as reporter, p.code as period
		  from mestat.reporter r
		  cross join mestat.period p
		  left join mestat.reporting_state s on s.reporter = r.code and s.period = p.code
		 where r.active and p.due_date + days < today
		   and coalesce(s.state, 'open') in ('open', 'complete', 'returned')
		 order by r.code, p.start_date, p.kind
	loop
		perform mestat.cycle_row(c.reporter, c.period);
		update mestat.reporting_state set locked_at = p_now, locked_by = 'lock_days'
		 where reporter = c.reporter and period = c.period and state in ('open', 'complete', 'returned');
		if found then
			perform mestat.cycle_log(c.reporter, c.period, 'locked', 'locked', 'lock_days',
			                         format('lock_days = %s: %s days after the due date', days, days), p_now);
			n := n + 1;
		end if;
	end loop;
	return n;
end
$$;

comment on function mestat.lock_expired(timestamptz) is
	'mestatd (on its recompute schedule) or the plan office: lock every reporter''s period that is still open, complete '
	'or returned more than lock_days after its due date (Beijing time, as of p_now), like DHIS2''s expiry days. Returns '
	'how many were locked; 0 when lock_days is 0. Logged with actor lock_days. SECURITY DEFINER.';
