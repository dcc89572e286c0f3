-- mestat.dhis2_is_default_combo: the current definition of this function.
-- First created in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.dhis2_is_default_combo(p_combo text) returns boolean
language sql
immutable
as $$
	select p_combo is null or btrim(p_combo) in ('', 'default', 'HllvX50cXC0')
$$;

comment on function mestat.dhis2_is_default_combo(text) is
	'True for a DHIS2 category (or attribute) option combo that means "no disaggregation": absent, empty, the name '
	'"default" or the UID DHIS2 gives its default combo (HllvX50cXC0).';
