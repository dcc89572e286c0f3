-- mestat.ingest_open: the current definition of this function.
-- First created in 035_ingest_round_trip.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.ingest_open(p_reporter text, p_via text, p_source text, p_format text,
                                              p_content_type text, p_sha256 text, p_body bytea, p_client_identity text,
                                              p_idempotency_key text, p_outcome text, p_lookup boolean)
returns table (id bigint, received_at text, receipt text)
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
	s_id bigint;
	s_receipt text;
	s_at text;
begin
	-- A batch's submissions are opened together, and their rows staged by
	-- one statement (mestat.ingest_batch_open(), 067).
	if coalesce(current_setting('mestat.ingest_batch', true), '') = 'on' then
		raise exception 'ingest_open: in a batch, call mestat.ingest_batch_open()' using errcode = '55000';
	end if;
	-- The same body (or Idempotency-Key) accepted before: its receipt again.
	-- Each key is probed by its own unique index (submission_accepted_body,
	-- submission_accepted_key), at most a row each. Asked as one condition
	-- with OR, the plan a connection keeps (generic: the key unknown, maybe
	-- NULL) could probe by the reporter alone, and did when made while the
	-- reporter had few submissions: it then read every submission the
	-- reporter ever had accepted, one more each time (docs/scale.md, "An
	-- earlier body probed by its keys").
	if p_lookup then
		select s.id, s.receipt into s_id, s_receipt
		  from mestat.submission s
		 where s.reporter = p_reporter and s.outcome = 'accepted' and s.sha256 = p_sha256
		union all
		select s.id, s.receipt
		  from mestat.submission s
		 where s.reporter = p_reporter and s.outcome = 'accepted' and s.idempotency_key = p_idempotency_key
		 order by id
		 limit 1;
		if s_receipt is not null then
			-- Nothing opened: rows staged after this are no submission's.
			perform set_config('mestat.ingest_opened', '', true);
			return query select s_id, null::text, s_receipt;
			return;
		end if;
	end if;
	perform mestat.ingest_begin();
	insert into mestat.submission (reporter, via, source, format, content_type, sha256, body, client_identity,
	                               idempotency_key, outcome, http_status)
	values (p_reporter, p_via, p_source, p_format, p_content_type, p_sha256, p_body, p_client_identity,
	        p_idempotency_key, p_outcome, 201)
	returning submission.id, to_char(submission.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
	     into s_id, s_at;
	-- The submission this transaction opened, for mestat.ingest_validate_apply(),
	-- which mestatd sends in the same round trip, before this answer is read.
	perform set_config('mestat.ingest_opened', s_id::text, true);
	return query select s_id, s_at, null::text;
end
$$;

comment on function mestat.ingest_open(text, text, text, text, text, text, bytea, text, text, text, boolean) is
	'mestatd, first step of an ingest alone, inside its transaction (a batch''s are opened by '
	'mestat.ingest_batch_open(); here, in a batch, 55000): with p_lookup, the submission of reporter p_reporter '
	'accepted before with the same SHA-256 or Idempotency-Key (one row: id, NULL, its receipt: a replay, nothing more to '
	'do); otherwise mestat.ingest_begin() and the submission '
	'row (the audit record, outcome p_outcome, HTTP status 201 until told otherwise): one row (id, received_at as RFC '
	'3339 UTC text, NULL), and the id kept for the transaction (setting mestat.ingest_opened, read by '
	'mestat.ingest_validate_apply() and by the default of pg_temp.ingest_row.submission; a replay clears it). A unique '
	'violation (23505) means the same body was committed meanwhile: roll back and call it again.';
