-- mestat.ingest_warnings_of: the current definition of this function.
-- First created in 064_ingest_batch.sql (mestat.ingest_warnings(), 022, for
-- the submissions of a batch).
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_warnings_of(p_submissions bigint[])
returns table (submission bigint, warnings jsonb)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	flagged jsonb;
	-- The values held, each submission's warnings about them in one array:
	-- held_subs[i]'s are held[i].
	held_subs bigint[];
	held jsonb[];
begin
	-- The outliers are scored once, for all the submissions; only when some
	-- value is held does the follow-up insert run (most submissions hold
	-- none).
	select jsonb_agg(to_jsonb(f)) into flagged from mestat.outliers_of_submissions(p_submissions) f;
	if flagged is not null then
		with h as (
			insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, score,
			                              threshold, compared_period, compared_value, message)
			select f.observation, f.submission, f.reporter, f.indicator, f.period, f.value, f.kind, f.score,
			       f.threshold, f.compared_period, f.compared_value, f.message
			  from jsonb_to_recordset(flagged) as f(submission bigint, observation bigint, reporter text, indicator text,
			                                        period text, value numeric, kind text, score double precision,
			                                        threshold numeric, compared_period text, compared_value numeric,
			                                        message text)
			returning follow_up.submission, follow_up.indicator, follow_up.period, follow_up.kind, follow_up.score,
			          follow_up.message
		)
		-- Grouped here, once. Picked out of one array for each submission,
		-- they were read (submissions × values held) times: for 20
		-- submissions holding 500 values, 2.7 ms.
		select array_agg(w.submission), array_agg(w.warnings)
		  into held_subs, held
		  from (select h.submission,
		               jsonb_agg(jsonb_build_object('indicator', h.indicator, 'period', h.period,
		                                            'score', case when h.score is not null
		                                                          then round(h.score::numeric, 2)::text end,
		                                            'rule', case h.kind when 'jump' then 'tenfold_change'
		                                                                when 'peers' then 'modified_z_score_peers'
		                                                                when 'history' then 'modified_z_score' end,
		                                            'message', h.message)
		                         order by h.indicator, h.period) as warnings
		          from h
		         group by h.submission) as w;
	end if;

	-- The sender's own follow-up marks (DHIS2 followup) on the values it sent.
	if exists (select 1 from pg_temp.ingest_kept r where r.followup and r.submission = any (p_submissions)) then
		insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
		select c.id, c.submission, c.reporter, c.indicator, c.period, c.value, 'reporter',
		       '报送方标记为待核实 / marked for follow-up by the sender'
		  from pg_temp.ingest_kept r
		  cross join lateral (
			select o.observation as id, o.submission, o.reporter, o.indicator, o.period, o.value
			  from mestat.cell o
			 where o.reporter = r.reporter and o.indicator = r.indicator and o.period = r.period
			 -- One probe of the key a row, not a join reading every cell
			 -- (as in mestat.ingest_store_kept).
			offset 0
		  ) as c
		 where r.followup and r.submission = any (p_submissions);
	end if;

	-- Each submission's warnings: the values held first, then the warn
	-- rules (mestat.validation_rule) its values now break.
	return query
	select s.id,
	       coalesce(held[array_position(held_subs, s.id)], '[]')
	       || coalesce((select jsonb_agg(jsonb_build_object('indicator', v.indicators[1], 'period', v.period,
	                                                        'rule', v.rule, 'message', v.message)
	                                     order by v.rule, v.period)
	                      from pg_temp.ingest_kept_hit v
	                     where v.submission = s.id and v.severity = 'warn'), '[]')
	  from unnest(p_submissions) as s(id);
end
$$;

comment on function mestat.ingest_warnings_of(bigint[]) is
	'mestatd, through mestat.ingest_warnings() (one submission) and mestat.ingest_batch_apply() (a batch), once the '
	'rows of pg_temp.ingest_kept are stored: hold the unusual values of the submissions p_submissions for follow-up '
	'(mestat.follow_up, with the sender''s own DHIS2 followup marks) and return each one''s warnings for its receipt, '
	'one row a submission: a JSON array of {indicator, period, rule, score, message} (score as text, so that the '
	'signed receipt has no binary fractions), outliers first, then the warn rules (mestat.validation_rule) the values '
	'now break (pg_temp.ingest_kept_hit).';
