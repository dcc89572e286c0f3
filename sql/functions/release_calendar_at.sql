-- mestat.release_calendar_at: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.release_calendar_at(p_now timestamptz default now())
returns table (period text, due_date date, release_date date, release_time timestamptz, status text,
               revision integer, published_at timestamptz, due_for_publication boolean)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select p.code, p.due_date, rd.d, mestat.release_time(rd.d),
	       case when r.revision is not null then 'published'
	            when p.end_date < (p_now at time zone 'Asia/Shanghai')::date then 'preview'
	            else 'planned' end,
	       r.revision, r.published_at,
	       r.revision is null and mestat.release_time(rd.d) <= p_now
	  from mestat.period p
	  cross join lateral (select coalesce((select d.release_date from mestat.release_date d where d.period = p.code),
	                                      p.due_date + coalesce((select s.value::integer from mestat.setting s
	                                                              where s.name = 'release_days'), 15)) as d) as rd
	  left join lateral (select x.revision, x.published_at from mestat.release x
	                      where x.period = p.code and x.published_at <= p_now
	                      order by x.revision desc limit 1) as r on true
	 where p.kind = 'quarter'
$$;

comment on function mestat.release_calendar_at(timestamptz) is
	'The release calendar as it stands at P_NOW (default now): per quarter its due date, release date (due date + '
	'release_days, or as set), release time (09:30 Beijing), and status: planned (the quarter has not ended in Beijing), '
	'preview (ended, not yet published: evaluators see it live), published.';
