-- mestat.set_notify: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.set_notify(p_remind_days text, p_source_alert_after interval) returns boolean
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
