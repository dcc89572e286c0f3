-- mestat.notification_done: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.notification_done(p_id bigint, p_ok boolean, p_error text default null,
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
