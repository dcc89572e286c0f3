-- report.release_content: the current definition of this function.
-- First created in 030_replication.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function report.release_content(p_period text) returns jsonb
language sql stable
security definer
set search_path = mestat, pg_temp
as $$ select mestat.release_content(p_period) $$;

comment on function report.release_content(text) is
	'The release document of quarter P_PERIOD as it would be published now (unsigned, not stored): the preview '
	'the release pages show evaluators, readable where only schema report is (a hot standby''s read pool).';
