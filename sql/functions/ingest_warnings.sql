-- mestat.ingest_warnings: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_warnings(p_submission bigint)
returns jsonb
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
declare
	w_out jsonb;
	w_rule jsonb;
	flagged jsonb;
begin
	-- The outliers are scored once; only when some value is held does the
	-- follow-up insert run (most submissions hold none).
	select jsonb_agg(to_jsonb(f) order by f.indicator, f.period)
	  into flagged
	  from mestat.outliers_of_submission(p_submission) f;
	if flagged is null then
		w_out := '[]';
	else
		with held as (
			insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, score,
			                              threshold, compared_period, compared_value, message)
			select f.observation, p_submission, f.reporter, f.indicator, f.period, f.value, f.kind, f.score, f.threshold,
			       f.compared_period, f.compared_value, f.message
			  from jsonb_to_recordset(flagged) as f(observation bigint, reporter text, indicator text, period text,
			                                        value numeric, kind text, score double precision, threshold numeric,
			                                        compared_period text, compared_value numeric, message text)
			returning follow_up.indicator, follow_up.period, follow_up.kind, follow_up.score, follow_up.message
		)
		select coalesce(jsonb_agg(jsonb_build_object('indicator', f.indicator, 'period', f.period,
		                                             'score', case when f.score is not null then round(f.score::numeric, 2)::text end,
		                                             'rule', case f.kind when 'jump' then 'tenfold_change' when 'peers' then 'modified_z_score_peers'
		                                                                 when 'history' then 'modified_z_score' end,
		                                             'message', f.message)
		                          order by f.indicator, f.period), '[]')
		  into w_out
		  from held f;
	end if;

	-- The sender's own follow-up marks (DHIS2 followup) on the values it sent.
	if exists (select 1 from pg_temp.ingest_row r where r.followup) then
		insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
		select c.id, c.submission, c.reporter, c.indicator, c.period, c.value, 'reporter',
		       '报送方标记为待核实 / marked for follow-up by the sender'
		  from pg_temp.ingest_row r
		  cross join lateral (
			select o.observation as id, o.submission, o.reporter, o.indicator, o.period, o.value
			  from mestat.cell o
			 where o.reporter = r.reporter and o.indicator = r.indicator and o.period = r.period
			 -- One probe of the key a row, not a join reading every cell
			 -- (as in mestat.ingest_apply).
			offset 0
		  ) as c
		 where r.followup;
	end if;

	select coalesce(jsonb_agg(jsonb_build_object('indicator', v.indicators[1], 'period', v.period, 'rule', v.rule,
	                                             'message', v.message)
	                          order by v.rule, v.period), '[]')
	  into w_rule
	  from pg_temp.ingest_rule_hit v
	 where v.severity = 'warn';

	return w_out || w_rule;
end
$$;

comment on function mestat.ingest_warnings(bigint) is
	'mestatd, with step 5 (after ingest_apply): hold the unusual values of submission p_submission for follow-up '
	'(mestat.follow_up, with the sender''s own DHIS2 followup marks) and return the warnings for the receipt: a JSON array '
	'of {indicator, period, rule, score, message} (score as text, so that the signed receipt has no binary fractions), outliers first, then the warn rules (mestat.validation_rule) the '
	'values now break.';
