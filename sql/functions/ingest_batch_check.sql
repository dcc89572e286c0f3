-- mestat.ingest_batch_check: the current definition of this function.
-- First created in 065_ingest_batch_check.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_batch_check()
returns table (submission bigint, seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	subs bigint[];
	reps text[];
	bases integer[];
	together boolean;
	i integer;
	n integer;
begin
	if coalesce(current_setting('mestat.ingest_batch', true), '') <> 'on' then
		raise exception 'ingest_batch_check: no batch: call mestat.ingest_batch_begin() first' using errcode = '55000';
	end if;
	-- A replay opened nothing: its rows are no submission's.
	delete from pg_temp.ingest_row r where r.submission is null;
	-- Each submission once, in the order of the ids; the rows of one before
	-- another's in one numbering (bases: what is added to each one's seq).
	select array_agg(x.id order by x.id), array_agg(x.reporter order by x.id), array_agg(x.base order by x.id)
	  into subs, reps, bases
	  from (select s.id, s.reporter,
	               coalesce(sum(m.top) over (order by s.id rows between unbounded preceding and 1 preceding), 0)::integer
	                   as base
	          from (select r.submission, max(r.seq) as top from pg_temp.ingest_row r group by r.submission) as m
	          join mestat.submission s on s.id = m.submission) as x;
	if subs is null then
		return;
	end if;
	if cardinality(subs) < (select count(distinct r.submission) from pg_temp.ingest_row r) then
		raise exception 'ingest_batch_check: staged rows of a submission that does not exist' using errcode = '55000';
	end if;

	if pg_relation_size('pg_temp.ingest_batch_row') > 32 * current_setting('block_size')::bigint then
		truncate pg_temp.ingest_batch_row;
	else
		delete from pg_temp.ingest_batch_row;
	end if;
	insert into pg_temp.ingest_batch_row select * from pg_temp.ingest_row;

	-- Judged together when one run judges each as alone: each reporter once
	-- (mestatd's batches are), none the ministry or a department (rules of
	-- their own sender that one run of several senders does not apply).
	-- The checks that read staged rows other than the row itself keep to
	-- one submission's: the duplicates are sought within a submission, and
	-- a validation rule reads another reporter's staged value only from the
	-- same submission (mestat.validation_check_staged(): a parent's rule
	-- reads its part's stored value, as alone, even when the part is a
	-- batch-mate). mestatd sends no submission mapped from another code
	-- scheme in a batch.
	select cardinality(subs) > 1
	       and cardinality(subs) = (select count(distinct u) from unnest(reps) as u)
	       and not exists (select 1 from mestat.reporter rp
	                        where rp.code = any (reps) and rp.kind in ('ministry', 'department'))
	  into together;

	if together then
		update pg_temp.ingest_row r
		   set submitter = reps[array_position(subs, r.submission)],
		       seq = r.seq + bases[array_position(subs, r.submission)];
		perform 1 from mestat.ingest_validate(null, null) limit 1;
		if not found then
			insert into pg_temp.ingest_kept (submission, seq, reporter, indicator, period, value, comment, deleted, status,
			                                 followup, missing)
			select r.submission, r.seq - bases[array_position(subs, r.submission)], r.reporter, r.indicator, r.period,
			       r.value, r.comment, r.deleted, r.status, r.followup, r.missing
			  from pg_temp.ingest_row r;
			insert into pg_temp.ingest_kept_hit (submission, rule, severity, period, indicators, message)
			select v.submission, v.rule, v.severity, v.period, v.indicators, v.message
			  from pg_temp.ingest_rule_hit v
			 where v.severity = 'warn';
			return;
		end if;
		-- Something is refused: each one again alone, for its own answer.
	end if;

	for i in 1 .. cardinality(subs) loop
		delete from pg_temp.ingest_row;
		insert into pg_temp.ingest_row select * from pg_temp.ingest_batch_row r where r.submission = subs[i];
		return query
		select subs[i], v.seq, v.loc, v.field, v.status, v.reason
		  from mestat.ingest_validate(reps[i], null) v
		 order by v.seq, v.field;
		get diagnostics n = row_count;
		if n = 0 then
			perform mestat.ingest_keep(subs[i]);
		end if;
	end loop;
end
$$;

comment on function mestat.ingest_batch_check() is
	'mestatd, in a batch (mestat.ingest_batch_begin()), once every submission was opened (mestat.ingest_open()) and '
	'its rows staged: the validation of them all (mestat.ingest_validate()), each judged on its own rows and the values '
	'stored before the batch. The rows of those refused (submission, seq, loc, field, status, reason), in the order of '
	'the ids, then of seq and field; nothing of a refused one is kept (the caller records it as rejected); the others'' '
	'rows are kept for mestat.ingest_batch_apply(). Submissions of different reporters, none the ministry or a '
	'department, are judged by one run of the rules over all their rows; when that refuses something, or they cannot '
	'be, each is judged alone, on its rows as sent (pg_temp.ingest_batch_row).';
