-- mestat.progress_class: the current definition of this function.
-- First created in 006_progress_tables.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.progress_class(p_method text, p_value numeric) returns text
language sql
stable
set search_path = mestat, pg_temp
as $$
	select coalesce(
		(select t.class from mestat.class_threshold t
		  where t.method = p_method and t.lower_bound <= p_value
		  order by t.lower_bound desc limit 1),
		(select t.class from mestat.class_threshold t
		  where t.method = p_method and t.lower_bound is null))
	 where p_value is not null
$$;

comment on function mestat.progress_class(text, numeric) is
	'The class of measure p_value under method p_method (ratio or direction) according to mestat.class_threshold; '
	'NULL when p_value is NULL.';
