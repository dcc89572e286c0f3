-- mestat.number_text: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- 13200 -> "13,200"; 1.25 -> "1.25".
create or replace function mestat.number_text(p numeric)
returns text
language sql
immutable
as $$
	select case when p < 0 then '-' else '' end
	       || regexp_replace(split_part(trim_scale(abs(p))::text, '.', 1), '(\d)(?=(\d{3})+$)', '\1,', 'g')
	       || coalesce('.' || nullif(split_part(trim_scale(abs(p))::text, '.', 2), ''), '')
$$;

comment on function mestat.number_text(numeric) is 'A number with thousands separators, for messages: 13200 -> 13,200.';
