-- mestat.reporter_label: the current definition of this function.
-- First created in 028_notifications.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.reporter_label(p_reporter text) returns text
language sql stable
set search_path = mestat, pg_temp
as $$
	select coalesce((select r.name_zh || '（' || r.name_en || ', ' || r.code || '）' from mestat.reporter r
	                  where r.code = p_reporter), p_reporter)
$$;

comment on function mestat.reporter_label(text) is 'A reporter as named in notices: 北京市（Beijing, 110000）.';
