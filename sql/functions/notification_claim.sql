-- mestat.notification_claim: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.notification_claim(p_worker text, p_limit integer default 10, p_now timestamptz default now(),
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
