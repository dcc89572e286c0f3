-- mestat.clause_sort_key: the current definition of this function.
-- First created in 013_catalog_basis.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.clause_sort_key(p_clause text) returns integer
language sql
immutable
parallel safe
as $$
	select case
	       when p_clause ~ '^专栏[1-4]$' then 1100 + right(p_clause, 1)::integer
	       when p_clause ~ '^[一二三四五六七八九十]' then
	            100 * position(left(p_clause, 1) in '一二三四五六七八九十')
	            + coalesce(position(substring(p_clause from '\(([一二三四五六七八九十])\)') in '一二三四五六七八九十'), 0)
	       end
$$;

comment on function mestat.clause_sort_key(text) is
	'Position of a clause in the plan: chapter × 100 + section (一 = 100, 二(三) = 203, 七(八) = 708, 十 = 1000), '
	'the columns after the chapters (专栏1 = 1101 … 专栏4 = 1104). Sorting by it lists indicators in the plan''s order, '
	'not in code-point order.';
