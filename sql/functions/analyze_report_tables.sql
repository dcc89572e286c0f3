-- mestat.analyze_report_tables: the current definition of this function.
-- First created in 039_analyze_report_tables.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.analyze_report_tables() returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	t record;
	n integer := 0;
begin
	-- The threshold autovacuum would analyze at (autovacuum_analyze_threshold
	-- 50 + autovacuum_analyze_scale_factor 0.1 of the rows), only sooner: a
	-- first progress run into a table analyzed while empty left the read
	-- API's plans sorting all 285,000 rows of a county-scale snapshot (2.3 s
	-- for the scorecard's first page; 8 ms once analyzed) until autovacuum
	-- came round.
	for t in
		select s.relname
		  from pg_stat_user_tables s
		 where s.schemaname = 'mestat'
		   and s.relname in ('progress_snapshot', 'progress_snapshot_detail', 'reporting_status', 'quality_stat')
		   and s.n_mod_since_analyze > 50 + 0.1 * s.n_live_tup
		 order by s.relname
	loop
		begin
			execute format('analyze mestat.%I', t.relname);
			n := n + 1;
		exception when others then
			raise warning 'mestat.% not analyzed: %', t.relname, sqlerrm;
		end;
	end loop;
	return n;
end
$$;

comment on function mestat.analyze_report_tables() is
	'mestatd right after each progress run and data quality refresh: ANALYZE the tables the report views read '
	'(progress_snapshot, progress_snapshot_detail, reporting_status, quality_stat) that changed by more than '
	'autovacuum''s analyze threshold since their last analysis, so that the read API''s plans rest on the run just '
	'written rather than waiting for autovacuum. Returns how many it analyzed. SECURITY DEFINER (their owner).';
