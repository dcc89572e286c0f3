-- 039: mestatd analyzes the tables the report views read right after a
-- progress run that changed them much (the first run after a load or an
-- installation): until autovacuum came round, the read API planned over
-- statistics of an empty snapshot table (the scorecard's first page 2.3 s
-- instead of 8 ms at county scale). Current definition:
-- sql/functions/analyze_report_tables.sql.

set local role mestat_owner;

-- A stub, replaced by its file in sql/functions/ in the same run.
create function mestat.analyze_report_tables() returns integer language sql as 'select 0';
comment on function mestat.analyze_report_tables() is
	'ANALYZE the report views'' tables a progress run changed much (definition: sql/functions/).';
revoke all on function mestat.analyze_report_tables() from public;
grant execute on function mestat.analyze_report_tables() to mestat_daemon;
