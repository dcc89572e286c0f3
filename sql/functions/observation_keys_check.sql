-- mestat.observation_keys_check: the current definition of this function.
-- First created in 068_observation_keys.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- The keys of mestat.observation (indicator, reporter, period, status,
-- submission), checked once per INSERT (or owner's UPDATE) statement over
-- its new rows instead of once per row by foreign keys (068); and those of
-- mestat.follow_up, the same but the status (070). Each row named is locked
-- as a foreign key locks it: FOR KEY SHARE, so that a concurrent delete or
-- key change waits for this transaction to end. A row deleted (or given
-- another key) while this one waited is not locked, so the rows locked are
-- fewer than those named; the look that finds which (a statement of its
-- own, so a newer view of the tables) does not find it.
create or replace function mestat.observation_keys_check() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
declare
	reps text[];
	inds text[];
	pers text[];
	stats text[];
	subs bigint[];
	bad record;
begin
	select coalesce(array_agg(distinct n.reporter) filter (where n.reporter is not null), '{}'),
	       coalesce(array_agg(distinct n.indicator) filter (where n.indicator is not null), '{}'),
	       coalesce(array_agg(distinct n.period) filter (where n.period is not null), '{}'),
	       coalesce(array_agg(distinct n.submission) filter (where n.submission is not null), '{}')
	  into reps, inds, pers, subs
	  from new_rows n;
	-- A follow-up (070) names no status; the value it holds is a foreign key.
	stats := '{}';
	if tg_table_name = 'observation' then
		select coalesce(array_agg(distinct n.status) filter (where n.status is not null), '{}') into stats
		  from new_rows n;
	end if;
	-- All of them locked by one statement; when every one was, all exist.
	-- Each key by a probe of its table's key (LATERAL, OFFSET 0): as one
	-- "= any (...)" a plan made while mestat.submission was small scanned
	-- it whole at every batch (bench/pull's pull_rows_scanned: 155,597 rows
	-- in a round of 3,000).
	if (select count(*) from unnest(reps) as u(k)
	          cross join lateral (select from mestat.reporter x where x.code = u.k for key share offset 0) as a)
	   + (select count(*) from unnest(inds) as u(k)
	          cross join lateral (select from mestat.indicator x where x.code = u.k for key share offset 0) as a)
	   + (select count(*) from unnest(pers) as u(k)
	          cross join lateral (select from mestat.period x where x.code = u.k for key share offset 0) as a)
	   + (select count(*) from unnest(stats) as u(k)
	          cross join lateral (select from mestat.obs_status x where x.code = u.k for key share offset 0) as a)
	   + (select count(*) from unnest(subs) as u(k)
	          cross join lateral (select from mestat.submission x where x.id = u.k for key share offset 0) as a)
	   = cardinality(reps) + cardinality(inds) + cardinality(pers) + cardinality(stats) + cardinality(subs) then
		return null;
	end if;
	select m.col, m.tab, m.k into bad
	  from (select 'reporter' as col, 'reporter' as tab, u.k
	          from unnest(reps) as u(k) where not exists (select 1 from mestat.reporter x where x.code = u.k)
	        union all
	        select 'indicator', 'indicator', u.k
	          from unnest(inds) as u(k) where not exists (select 1 from mestat.indicator x where x.code = u.k)
	        union all
	        select 'period', 'period', u.k
	          from unnest(pers) as u(k) where not exists (select 1 from mestat.period x where x.code = u.k)
	        union all
	        select 'status', 'obs_status', u.k
	          from unnest(stats) as u(k) where not exists (select 1 from mestat.obs_status x where x.code = u.k)
	        union all
	        select 'submission', 'submission', u.k::text
	          from unnest(subs) as u(k) where not exists (select 1 from mestat.submission x where x.id = u.k)) as m
	 limit 1;
	raise exception 'insert or update on table "%" names % "%", which is not in mestat.%',
		tg_table_name, coalesce(bad.col, 'a row'), coalesce(bad.k, '?'), coalesce(bad.tab, 'its table')
		using errcode = 'foreign_key_violation', schema = 'mestat', table = tg_table_name,
		      column = coalesce(bad.col, '');
end
$$;

comment on function mestat.observation_keys_check() is
	'Trigger on mestat.observation: the indicator, reporter, period, status and submission each new value names exist '
	'(SQLSTATE 23503 otherwise), locked FOR KEY SHARE as a foreign key locks them; once per INSERT statement, and per '
	'UPDATE statement of mestat_owner''s corrections (068). On mestat.follow_up, the same of the indicator, reporter, '
	'period and submission each follow-up names (070).';
