-- mestat.ingest_keep: the current definition of this function.
-- First created in 064_ingest_batch.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_keep(p_submission bigint) returns void
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
begin
	insert into pg_temp.ingest_kept (submission, seq, reporter, indicator, period, value, comment, deleted, status,
	                                 followup, missing)
	select p_submission, r.seq, r.reporter, r.indicator, r.period, r.value, r.comment, r.deleted, r.status, r.followup,
	       r.missing
	  from pg_temp.ingest_row r;
	insert into pg_temp.ingest_kept_hit (submission, rule, severity, period, indicators, message)
	select p_submission, v.rule, v.severity, v.period, v.indicators, v.message
	  from pg_temp.ingest_rule_hit v
	 where v.severity = 'warn';
end
$$;

comment on function mestat.ingest_keep(bigint) is
	'mestatd, through mestat.ingest_apply(), mestat.ingest_batch_add() and mestat.ingest_batch_check(): keep the '
	'staged rows of submission '
	'p_submission (pg_temp.ingest_row, validated) and the warn rules they break (pg_temp.ingest_rule_hit) for storing, '
	'in pg_temp.ingest_kept and pg_temp.ingest_kept_hit, beside those of the batch''s other submissions.';
