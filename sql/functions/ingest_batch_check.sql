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
	-- The refusals of one run (h_) and of all (a_): submission, seq, loc,
	-- field, status, reason.
	h_sub bigint[];
	h_seq integer[];
	h_loc text[];
	h_field text[];
	h_status integer[];
	h_reason text[];
	a_sub bigint[] := '{}';
	a_seq integer[] := '{}';
	a_loc text[] := '{}';
	a_field text[] := '{}';
	a_status integer[] := '{}';
	a_reason text[] := '{}';
	done bigint[]; -- the submissions a turn gave their answer
	staged boolean := true; -- pg_temp.ingest_row holds the rows of subs as sent
begin
	if coalesce(current_setting('mestat.ingest_batch', true), '') <> 'on' then
		raise exception 'ingest_batch_check: no batch: open one with mestat.ingest_batch_open()' using errcode = '55000';
	end if;
	-- A replay opened nothing: its rows are no submission's.
	delete from pg_temp.ingest_row r where r.submission is null;
	-- Each submission once, in the order of the ids; the rows of one before
	-- another's in one numbering (bases: what is added to each one's seq).
	-- Each submission's sender by one probe of the key: joined, it was a
	-- hash join reading every submission ever received (the staged rows
	-- have no statistics and are estimated at 200 submissions), 0.8 ms a
	-- batch against 3,000 of them and growing with the table.
	select array_agg(x.id order by x.id), array_agg(x.reporter order by x.id), array_agg(x.base order by x.id)
	  into subs, reps, bases
	  from (select s.id, s.reporter,
	               coalesce(sum(m.top) over (order by s.id rows between unbounded preceding and 1 preceding), 0)::integer
	                   as base
	          from (select r.submission, max(r.seq) as top from pg_temp.ingest_row r group by r.submission) as m
	          cross join lateral (select s.id, s.reporter from mestat.submission s where s.id = m.submission offset 0) as s
	       ) as x;
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
	select cardinality(subs) = (select count(distinct u) from unnest(reps) as u)
	       and not exists (select 1 from mestat.reporter rp
	                        where rp.code = any (reps) and rp.kind in ('ministry', 'department'))
	  into together;

	-- Each turn judges those left and takes away the ones it gave their
	-- answer (done): one run of them all, or the first of them alone (a
	-- single one left, or submissions one run cannot judge together). A run
	-- that refuses something stops, for every submission it judges, at the
	-- first step of the rules (ingest_validate) that refused anything. The
	-- refused ones then have their whole answer, the one they would get
	-- alone: every step before passed for them, and each step judges each
	-- submission on its own. The others are judged again together, on
	-- their rows as sent, for the steps not yet run.
	while cardinality(subs) > 0 loop
		if together and cardinality(subs) > 1 then
			if not staged then
				delete from pg_temp.ingest_row;
				insert into pg_temp.ingest_row select * from pg_temp.ingest_batch_row r where r.submission = any (subs);
			end if;
			update pg_temp.ingest_row r
			   set submitter = reps[array_position(subs, r.submission)],
			       seq = r.seq + bases[array_position(subs, r.submission)];
			-- A renumbered seq names its submission: the last whose base is below it.
			select array_agg(p.sub order by p.sub, p.seq, p.field), array_agg(p.seq order by p.sub, p.seq, p.field),
			       array_agg(p.loc order by p.sub, p.seq, p.field), array_agg(p.field order by p.sub, p.seq, p.field),
			       array_agg(p.status order by p.sub, p.seq, p.field), array_agg(p.reason order by p.sub, p.seq, p.field)
			  into h_sub, h_seq, h_loc, h_field, h_status, h_reason
			  from (select subs[k.i] as sub, v.seq - bases[k.i] as seq, v.loc, v.field, v.status, v.reason
			          from mestat.ingest_validate(null, null) v
			          left join lateral (select max(g.i) as i from generate_subscripts(bases, 1) as g(i)
			                              where bases[g.i] < v.seq) as k on true) as p;
			staged := false;
			if h_sub is null then
				insert into pg_temp.ingest_kept (submission, seq, reporter, indicator, period, value, comment, deleted,
				                                 status, followup, missing)
				select r.submission, r.seq - bases[array_position(subs, r.submission)], r.reporter, r.indicator,
				       r.period, r.value, r.comment, r.deleted, r.status, r.followup, r.missing
				  from pg_temp.ingest_row r;
				insert into pg_temp.ingest_kept_hit (submission, rule, severity, period, indicators, message)
				select v.submission, v.rule, v.severity, v.period, v.indicators, v.message
				  from pg_temp.ingest_rule_hit v
				 where v.severity = 'warn';
				exit;
			end if;
			-- A refusal of no staged row: each is judged alone.
			together := array_position(h_sub, null) is null;
			continue when not together;
			done := h_sub;
		else
			delete from pg_temp.ingest_row;
			insert into pg_temp.ingest_row select * from pg_temp.ingest_batch_row r where r.submission = subs[1];
			staged := false;
			select array_agg(v.seq order by v.seq, v.field), array_agg(v.loc order by v.seq, v.field),
			       array_agg(v.field order by v.seq, v.field), array_agg(v.status order by v.seq, v.field),
			       array_agg(v.reason order by v.seq, v.field)
			  into h_seq, h_loc, h_field, h_status, h_reason
			  from mestat.ingest_validate(reps[1], null) v;
			if h_seq is null then
				perform mestat.ingest_keep(subs[1]);
			end if;
			h_sub := array_fill(subs[1], array[coalesce(cardinality(h_seq), 0)]);
			done := array[subs[1]];
		end if;
		a_sub := a_sub || h_sub;
		a_seq := a_seq || h_seq;
		a_loc := a_loc || h_loc;
		a_field := a_field || h_field;
		a_status := a_status || h_status;
		a_reason := a_reason || h_reason;
		select coalesce(array_agg(x.s order by x.s), '{}'), array_agg(x.r order by x.s), array_agg(x.b order by x.s)
		  into subs, reps, bases
		  from unnest(subs, reps, bases) as x(s, r, b)
		 where x.s <> all (done);
	end loop;

	return query
	select u.sub, u.seq, u.loc, u.field, u.status, u.reason
	  from unnest(a_sub, a_seq, a_loc, a_field, a_status, a_reason) with ordinality as u(sub, seq, loc, field, status, reason, o)
	 order by u.sub, u.o;
end
$$;

comment on function mestat.ingest_batch_check() is
	'mestatd, in a batch, once every submission was opened (mestat.ingest_batch_open()) and its rows staged: the validation of them all (mestat.ingest_validate()), each judged on its own rows and the values '
	'stored before the batch. The rows of those refused (submission, seq, loc, field, status, reason), in the order of '
	'the ids, then of seq and field; nothing of a refused one is kept (the caller records it as rejected); the others'' '
	'rows are kept for mestat.ingest_batch_apply(). Submissions of different reporters, none the ministry or a '
	'department, are judged by one run of the rules over all their rows; when that refuses something, those refused '
	'have their answer and the others are judged again together, on their rows as sent (pg_temp.ingest_batch_row); '
	'a single one left, or submissions one run cannot judge together, are judged alone.';
