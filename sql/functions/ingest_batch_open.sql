-- mestat.ingest_batch_open: the current definition of this function.
-- First created in 067_ingest_batch_open.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_batch_open(p_reporter text[], p_via text[], p_source text[], p_format text[],
                                                    p_content_type text[], p_sha256 text[], p_body bytea[],
                                                    p_client_identity text[], p_idempotency_key text[])
returns table (id bigint, received_at text, receipt text)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	ids bigint[];
	ats text[];
	receipts text[];
	opened_ids bigint[];
begin
	-- The submission rows are matched to their places by reporter, and a
	-- batch stores no two of one reporter (mestat.ingest_store_kept()).
	if (select count(distinct r) from unnest(p_reporter) as r) < cardinality(p_reporter)
	   or array_position(p_reporter, null) is not null then
		raise exception 'ingest_batch_open: two submissions of one reporter, or one of none, cannot be opened together'
			using errcode = '22023';
	end if;
	perform mestat.ingest_batch_begin();
	with arg as (
		select a.*
		  from unnest(p_reporter, p_via, p_source, p_format, p_content_type, p_sha256, p_body, p_client_identity,
		              p_idempotency_key)
		       with ordinality as a(reporter, via, source, format, content_type, sha256, body, client_identity,
		                            idempotency_key, n)
	),
	-- The same body (or Idempotency-Key) accepted before: its receipt again,
	-- one probe of each unique key a submission (as in mestat.ingest_open(),
	-- whose comment says why not one probe with OR). The first such
	-- submission decides, and one without a receipt is none.
	earlier as (
		select a.n, e.id, e.receipt
		  from arg a
		  cross join lateral (
			select s.id, s.receipt
			  from mestat.submission s
			 where s.reporter = a.reporter and s.outcome = 'accepted' and s.sha256 = a.sha256
			union all
			select s.id, s.receipt
			  from mestat.submission s
			 where s.reporter = a.reporter and s.outcome = 'accepted' and s.idempotency_key = a.idempotency_key
			 order by id
			 limit 1
		  ) as e
		 where e.receipt is not null
	),
	opened as (
		insert into mestat.submission (reporter, via, source, format, content_type, sha256, body, client_identity,
		                               idempotency_key, outcome, http_status)
		select a.reporter, a.via, a.source, a.format, a.content_type, a.sha256, a.body, a.client_identity,
		       a.idempotency_key, 'accepted', 201
		  from arg a
		 where not exists (select 1 from earlier e where e.n = a.n)
		 order by a.n
		returning submission.id, submission.reporter,
		          to_char(submission.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
	)
	-- The id opened in each place, none for a replay (opened_ids): the staged
	-- rows take theirs by their place in the batch (mestatd's batch staging
	-- statement), and a replay's are no submission's
	-- (mestat.ingest_batch_check()).
	select array_agg(coalesce(e.id, o.id) order by a.n), array_agg(o.at order by a.n),
	       array_agg(e.receipt order by a.n), array_agg(o.id order by a.n)
	  into ids, ats, receipts, opened_ids
	  from arg a
	  left join earlier e on e.n = a.n
	  left join opened o on o.reporter = a.reporter and e.n is null;
	perform set_config('mestat.ingest_batch_ids', coalesce(opened_ids, '{}')::text, true);
	return query select u.id, u.at, u.receipt from unnest(ids, ats, receipts) as u(id, at, receipt);
end
$$;

comment on function mestat.ingest_batch_open(text[], text[], text[], text[], text[], text[], bytea[], text[], text[]) is
	'mestatd, first step of a batch (several native submissions of different reporters in one transaction, 064, '
	'065, 067), after BEGIN: mestat.ingest_batch_begin(), then for each place of the arrays (reporter, via, source, '
	'format, content type, SHA-256, body, client identity, Idempotency-Key), as mestat.ingest_open() with an outcome '
	'of accepted: the submission of that reporter accepted before with the same SHA-256 or Idempotency-Key (a row '
	'id, NULL, its receipt: a replay), else a new submission row (id, received_at as RFC 3339 UTC text, NULL); one '
	'row a place, in their order. The ids opened are kept for the transaction in their places (setting '
	'mestat.ingest_batch_ids, a bigint[] with NULL for a replay), for the rows staged after it. Raises 22023 when '
	'two places name one reporter or one names none; a unique violation (23505) means the same body was committed '
	'meanwhile: roll back.';
