-- mestat.dhis2_default_combo: the current definition of this function.
-- First created in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.dhis2_default_combo(p_reporter text, p_combo text) returns boolean
language sql
stable
set search_path = mestat, pg_temp
as $$
	select mestat.dhis2_is_default_combo(p_combo)
	    or exists (select 1 from mestat.code_mapping m
	                where m.reporter = p_reporter and m.scheme = 'dhis2_coc' and m.their_code = btrim(p_combo)
	                  and m.our_code = 'default')
$$;

comment on function mestat.dhis2_default_combo(text, text) is
	'True when p_combo is the default combo (mestat.dhis2_is_default_combo) or the UID reporter p_reporter declared as its '
	'default (code_mapping dhis2_coc UID → default).';
