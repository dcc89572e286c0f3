-- mestat.cell_keep_truncate: the current definition of this function.
-- First created in 047_cell.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.cell_keep_truncate() returns trigger
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	truncate mestat.cell, mestat.cell_series;
	return null;
end
$$;

comment on function mestat.cell_keep_truncate() is
	'Statement trigger on mestat.observation (truncate): no version is left, so mestat.cell and '
	'mestat.cell_series are emptied.';
