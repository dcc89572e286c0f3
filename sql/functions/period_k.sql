-- mestat.period_k: the current definition of this function.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- Quarter index k: 2016Q1 = 1, year Y = 4(Y-2015) (its Q4). The one definition:
-- mestat.period.k (046) and mestat.cell.k (050) are generated from it, and the
-- releases call it where they have only a period's code (inlined: immutable
-- SQL without a SET clause). Those two columns are stored: a change of the
-- formula needs a migration that rewrites them.
create or replace function mestat.period_k(p_code text) returns integer
language sql immutable
as $$
	select 4 * (substr(p_code, 1, 4)::integer - 2015)
	       + case when length(p_code) = 6 then substr(p_code, 6, 1)::integer else 4 end - 4
$$;

comment on function mestat.period_k(text) is 'Quarter index of a period code: 2016Q1 = 1, 2016 (year) = 4, 2020Q4 = 20.';
