-- mestat.added_nationally: the current definition of this function.
-- First created in 058_added_nationally.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Whether national sums add a reporter up: the province-level reporters
-- (no parent, so not a separately planned city or the corps; not the
-- ministry; not a department), active. The one definition, read by the
-- progress runs (mestat.progress_assess, twice: once in a statement that
-- parallel workers run, which cannot read a temporary table of the
-- reporters), the outlier scoring's comparison with the other provinces and
-- report.source_consistency. Inlined where it is called (immutable SQL
-- without a SET clause), so a plan reads the three columns as if written
-- out; parallel safe, so it does not keep a statement from workers.
create or replace function mestat.added_nationally(p_active boolean, p_parent text, p_kind text) returns boolean
language sql immutable parallel safe
as $$
	select p_active and p_parent is null and p_kind not in ('ministry', 'department')
$$;

comment on function mestat.added_nationally(boolean, text, text) is
	'Whether national sums add up a reporter with these active, parent and kind columns (mestat.reporter): active, '
	'no parent, not the ministry, not a department. Called as mestat.added_nationally(r.active, r.parent, r.kind).';
