-- mestat.rule_violated: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.rule_violated(p_operator text, p_tolerance numeric, p_left numeric, p_right numeric,
                                     p_left_all boolean, p_right_all boolean, p_left_any boolean, p_right_any boolean)
returns boolean
language sql
immutable
as $$
	select case p_operator
	       when 'both_or_neither' then p_left_any <> p_right_any
	       else p_left_all and p_right_all
	            and not case p_operator
	                    when '<' then p_left < p_right
	                    when '<=' then p_left <= p_right
	                    when '=' then abs(p_left - p_right) <= p_tolerance
	                    when '>=' then p_left >= p_right
	                    when '>' then p_left > p_right
	                    end
	       end
$$;

comment on function mestat.rule_violated(text, numeric, numeric, numeric, boolean, boolean, boolean, boolean) is
	'Whether a rule with operator p_operator is violated by sides summing to p_left and p_right (p_*_all: every term has '
	'a value; p_*_any: some term has one). Comparisons are judged only when both sides are complete.';
