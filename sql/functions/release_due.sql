-- mestat.release_due: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.release_due(p_now timestamptz default now())
returns table (period text, reason text, request bigint)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select x.period, x.reason, x.request
	  from (select q.id as request, q.period, q.reason, q.requested_at as at
	          from mestat.release_request q
	         where q.done_at is null
	        union all
	        select null, c.period, null, c.release_time
	          from mestat.release_calendar_at(p_now) c
	         where c.due_for_publication
	           and c.release_time >= (select s.value::timestamptz from mestat.setting s
	                                   where s.name = 'release_calendar_start')
	           and not exists (select 1 from mestat.release_request q where q.period = c.period and q.done_at is null)
	       ) as x
	 order by x.at, x.period
	 limit 1
$$;

comment on function mestat.release_due(timestamptz) is
	'mestatd: the next release to publish at P_NOW, if any: the oldest open request of the plan office or the earliest '
	'quarter whose release time has come (and is not before the release calendar start).';
