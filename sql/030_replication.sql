-- 030_replication.sql: the release pages read through the read pool.
--
-- With report_database pointing at a hot standby, the read API, the
-- console's data and the release pages (GET /api/v1/releases, /releases/…)
-- are served from there, on the read pool's connections, which run as
-- mestat_evaluator and see schema report only. The release pages read
-- report.releases and report.release_calendar; the preview of a quarter not
-- yet published goes through report.release_content below, which hands on
-- to mestat.release_content (already the evaluators' to execute). Nothing
-- here writes: publishing (mestat.record_release) stays with mestat_daemon
-- on the primary.

set local role mestat_owner;

create function report.release_content(p_period text) returns jsonb
language sql stable
security definer
set search_path = mestat, pg_temp
as $$ select mestat.release_content(p_period) $$;
comment on function report.release_content(text) is
	'The release document of quarter P_PERIOD as it would be published now (unsigned, not stored): the preview '
	'the release pages show evaluators, readable where only schema report is (a hot standby''s read pool).';

revoke all on function report.release_content(text) from public;
grant execute on function report.release_content(text) to mestat_evaluator, mestat_daemon;
