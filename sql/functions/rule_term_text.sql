-- mestat.rule_term_text: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- One cell value as a term of a rule: "2×col1_demo_completed 6".
create or replace function mestat.rule_term_text(p_coefficient numeric, p_indicator text, p_value numeric)
returns text
language sql
immutable
as $$
	select case p_coefficient when 1 then '' when -1 then '-' else trim_scale(p_coefficient)::text || '×' end
	       || p_indicator || ' ' || coalesce(trim_scale(p_value)::text, '(none)')
$$;

comment on function mestat.rule_term_text(numeric, text, numeric) is 'A rule term and its value as text, for messages.';
