-- mestat.notify: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.notify(p_key text, p_event text, p_reporter text, p_period text, p_to_reporter boolean,
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
