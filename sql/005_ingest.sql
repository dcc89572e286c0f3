-- 005_ingest.sql: submissions (the audit record of every body received),
-- observations (append-only versions of each value), pull-collector state,
-- and the ingestion API mestatd calls.
--
-- The ingestion API, per submission, in ONE transaction on mestatd's
-- connection (role mestat_daemon):
--
--   1. SELECT mestat.ingest_begin();
--        creates (or empties) the session temp table pg_temp.ingest_row.
--        The login needs TEMPORARY on the database (migration 001 grants it
--        to mestat_daemon; PUBLIC has it by default).
--   2. INSERT INTO mestat.submission (reporter, via, source, format, content_type,
--        sha256, body, body_size, client_identity, client_addr, idempotency_key,
--        outcome) VALUES (..., 'accepted') RETURNING id, received_at;
--        Before that, mestat.prior_submission() tells whether the same body or
--        Idempotency-Key was already accepted (then answer with its receipt).
--        A unique_violation (23505) here means a concurrent twin committed
--        first: roll back and ask prior_submission() again.
--   3. COPY pg_temp.ingest_row FROM STDIN   (seq, loc, reporter, indicator,
--        period, value, comment, deleted, coc, aoc: the strings as sent; period
--        normalised to YYYYQn / YYYY when the decoder recognised it).
--   4. SELECT * FROM mestat.ingest_validate(reporter, scheme);
--        scheme NULL (native JSON/CSV), 'dhis2' or 'sdmx'. One row per problem
--        (seq, loc, field, status, reason); no rows means valid. On problems:
--        ROLLBACK, then in a new transaction INSERT the submission alone with
--        outcome 'rejected', http_status (403, 409 or 422: the most severe,
--        403 > 409 > 422) and error_detail.
--   5. SELECT * FROM mestat.ingest_apply(submission_id);
--        stores the changes, returns (new, revised, unchanged, deleted).
--   6. UPDATE mestat.submission SET counts = ..., receipt = ... WHERE id = ...;
--      COMMIT; only then answer 2xx.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Submissions

create table mestat.submission (
	id bigint generated always as identity primary key,
	reporter text references mestat.reporter (code),
	via text not null check (via in ('push', 'pull')),
	source text,
	format text check (format ~ '^[a-z0-9][a-z0-9_-]*$'),
	content_type text,
	received_at timestamptz not null default now(),
	sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
	body bytea,
	body_size bigint check (body_size >= 0),
	client_identity text,
	client_addr text,
	idempotency_key text check (length(idempotency_key) between 1 and 255),
	outcome text not null check (outcome in ('accepted', 'rejected', 'dry_run')),
	http_status integer check (http_status between 100 and 599),
	error_detail jsonb,
	counts jsonb check (jsonb_typeof(counts) = 'object'),
	receipt text,
	check ((via = 'pull') = (source is not null)),
	check (outcome <> 'accepted' or (reporter is not null and sha256 is not null))
);
comment on table mestat.submission is
	'Every submission received, pushed or pulled, accepted or not: the audit record (raw body, its SHA-256, who, when, '
	'outcome, signed receipt). Rows are inserted by mestatd (see the ingestion API in mestat.ingest_begin()); never deleted.';
comment on column mestat.submission.id is 'Submission id, as in GET /api/v1/submissions/{id} and in the receipt.';
comment on column mestat.submission.reporter is 'The authenticated reporter; NULL for an unauthenticated attempt (401).';
comment on column mestat.submission.via is 'push (HTTPS POST to mestatd) or pull (fetched by a collector).';
comment on column mestat.submission.source is 'For pulls: the [source NAME] of the configuration (mestat.source_state.name); NULL for pushes.';
comment on column mestat.submission.format is
	'Decoder used: json, csv, dhis2-json, dhis2-csv, sdmx-csv; NULL when the content type was not understood (415).';
comment on column mestat.submission.content_type is 'Content-Type of the request or the pulled response, as sent.';
comment on column mestat.submission.received_at is 'When mestatd received the body.';
comment on column mestat.submission.sha256 is 'SHA-256 of the raw body, lowercase hex; NULL only if the body was not read (e.g. 413).';
comment on column mestat.submission.body is 'The raw body exactly as received (NULL if not read, e.g. too large).';
comment on column mestat.submission.body_size is 'Size of the body in bytes (as announced when it was not read).';
comment on column mestat.submission.client_identity is
	'How the client authenticated: cert:<sha256 fingerprint>, cn:<subject CN of a CA-issued certificate>, token:<api_token.id>; '
	'NULL if it did not.';
comment on column mestat.submission.client_addr is 'Network address of the client (push) or URL host (pull), for the audit.';
comment on column mestat.submission.idempotency_key is 'The Idempotency-Key header, if sent.';
comment on column mestat.submission.outcome is
	'accepted (stored; provisional until the transaction commits), rejected (nothing stored but this record), or dry_run '
	'(validated only).';
comment on column mestat.submission.http_status is 'HTTP status answered (or that would have been, for a pull).';
comment on column mestat.submission.error_detail is
	'Why it was rejected, as JSON. Suggested shape: {"message": "...", "errors": [{"seq":2, "loc":"line 3", "field":"indicator", '
	'"status":422, "reason":"..."}]} (the rows of mestat.ingest_validate()).';
comment on column mestat.submission.counts is
	'What an accepted submission changed: {"new":n, "revised":n, "unchanged":n, "deleted":n} (set by mestat.ingest_apply()).';
comment on column mestat.submission.receipt is
	'The signed receipt JSON returned to the client (submission_id, reporter, received_at, sha256, counts, signature). '
	'Once set it cannot change.';

create unique index submission_accepted_body on mestat.submission (reporter, sha256) where outcome = 'accepted';
comment on index mestat.submission_accepted_body is 'Idempotency: one accepted submission per reporter and body.';
create unique index submission_accepted_key on mestat.submission (reporter, idempotency_key)
	where outcome = 'accepted' and idempotency_key is not null;
comment on index mestat.submission_accepted_key is 'Idempotency: one accepted submission per reporter and Idempotency-Key.';
create index submission_by_reporter on mestat.submission (reporter, received_at);
comment on index mestat.submission_by_reporter is 'Submission log per reporter.';
create index submission_by_time on mestat.submission (received_at);
comment on index mestat.submission_by_time is 'Submission log in time order.';

create function mestat.submission_guard() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if current_user <> 'mestat_owner' and old.receipt is not null
	   and (new.receipt is distinct from old.receipt or new.outcome is distinct from old.outcome
	        or new.counts is distinct from old.counts or new.http_status is distinct from old.http_status) then
		raise exception 'submission % already has a signed receipt; it cannot change', old.id using errcode = '42501';
	end if;
	return new;
end
$$;
comment on function mestat.submission_guard() is
	'Trigger: once a submission carries its signed receipt, its receipt, outcome, status and counts cannot change.';
create trigger submission_guard before update on mestat.submission
	for each row execute function mestat.submission_guard();

------------------------------------------------------------------------------
-- Observations: versions of values

create table mestat.observation (
	id bigint generated always as identity primary key,
	indicator text not null references mestat.indicator (code),
	reporter text not null references mestat.reporter (code),
	period text not null references mestat.period (code),
	value numeric,
	deleted boolean not null default false,
	comment text,
	submission bigint not null references mestat.submission (id),
	recorded_at timestamptz not null default now(),
	check (deleted = (value is null))
);
comment on table mestat.observation is
	'Append-only versions of each value (cell = indicator × reporter × period). The current value of a cell is its latest '
	'version (highest id); a deletion is a version with deleted = true. Nothing is ever updated or deleted here '
	'(mestat_daemon has no privilege to; a trigger refuses it to everybody but mestat_owner). See mestat.current_value.';
comment on column mestat.observation.id is 'Version id; increases with time, so the latest version of a cell has the highest id.';
comment on column mestat.observation.indicator is 'Indicator code.';
comment on column mestat.observation.reporter is 'Reporter code.';
comment on column mestat.observation.period is 'Period code.';
comment on column mestat.observation.value is 'The value; NULL for a deletion.';
comment on column mestat.observation.deleted is 'True if this version deletes the value of the cell.';
comment on column mestat.observation.comment is 'Comment the reporter sent with the value.';
comment on column mestat.observation.submission is 'The submission that brought this version (who, when, raw body, receipt).';
comment on column mestat.observation.recorded_at is 'When this version was stored (commit of its submission''s transaction).';

create index observation_cell on mestat.observation (reporter, indicator, period, id desc);
comment on index mestat.observation_cell is 'Latest version per cell: the first entry of each (reporter, indicator, period).';
create index observation_submission on mestat.observation (submission);
comment on index mestat.observation_submission is 'What a submission changed.';

create function mestat.observation_guard() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if current_user <> 'mestat_owner'
	   and exists (select 1 from mestat.period p where p.code = new.period and p.closed) then
		raise exception 'period % is closed; no values can be added to it', new.period using errcode = 'MS409';
	end if;
	return new;
end
$$;
comment on function mestat.observation_guard() is
	'Trigger: refuses a new version in a closed period (SQLSTATE MS409) unless inserted by mestat_owner itself.';
create trigger observation_guard before insert on mestat.observation
	for each row execute function mestat.observation_guard();
create trigger observation_keeps_history before update or delete on mestat.observation
	for each row execute function mestat.refuse_history_change();
create trigger observation_keeps_history_truncate before truncate on mestat.observation
	for each statement execute function mestat.refuse_history_change();

create view mestat.current_value as
select v.indicator, v.reporter, v.period, v.value, v.comment, v.revision_count, v.first_recorded_at,
       v.last_changed_at, v.submission, v.observation_id
  from (select distinct on (o.reporter, o.indicator, o.period)
               o.indicator, o.reporter, o.period, o.value, o.deleted, o.comment, o.submission,
               o.id as observation_id,
               o.recorded_at as last_changed_at,
               (count(*) over cell)::integer as revision_count,
               min(o.recorded_at) over cell as first_recorded_at
          from mestat.observation o
        window cell as (partition by o.reporter, o.indicator, o.period)
         order by o.reporter, o.indicator, o.period, o.id desc) as v
 where not v.deleted;
comment on view mestat.current_value is
	'Current value of every cell that has one (latest version not a deletion), with its history in brief.';
comment on column mestat.current_value.indicator is 'Indicator code.';
comment on column mestat.current_value.reporter is 'Reporter code.';
comment on column mestat.current_value.period is 'Period code.';
comment on column mestat.current_value.value is 'Current value.';
comment on column mestat.current_value.comment is 'Comment sent with the current value.';
comment on column mestat.current_value.revision_count is
	'Number of versions stored for the cell, the first value included (1 = never revised; deletions count too).';
comment on column mestat.current_value.first_recorded_at is 'When the cell was first given a value.';
comment on column mestat.current_value.last_changed_at is 'When the current value was stored.';
comment on column mestat.current_value.submission is 'Submission that brought the current value.';
comment on column mestat.current_value.observation_id is 'Id of the current version (mestat.observation.id).';

------------------------------------------------------------------------------
-- Pull collectors

create table mestat.source_state (
	name text primary key,
	reporter text references mestat.reporter (code),
	url text,
	format text,
	last_attempt timestamptz,
	last_success timestamptz,
	last_error_class text,
	last_error text,
	next_run timestamptz,
	consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
	etag text,
	last_modified text,
	last_body_sha256 text check (last_body_sha256 ~ '^[0-9a-f]{64}$'),
	last_submission bigint references mestat.submission (id),
	updated_at timestamptz not null default now()
);
comment on table mestat.source_state is
	'State of each pull source ([source NAME] in the configuration), kept by mestatd across restarts: schedule, '
	'conditional-GET validators, last outcome.';
comment on column mestat.source_state.name is 'Source name from the configuration.';
comment on column mestat.source_state.reporter is 'Reporter the source publishes for.';
comment on column mestat.source_state.url is 'URL fetched.';
comment on column mestat.source_state.format is 'Configured format (json, csv, dhis2-json, dhis2-csv, sdmx-csv).';
comment on column mestat.source_state.last_attempt is 'When the last fetch started.';
comment on column mestat.source_state.last_success is 'When a fetch last succeeded (stored, unchanged or not modified).';
comment on column mestat.source_state.last_error_class is
	'Kind of the last failure: dns, connect, tls, timeout, http, decode, validation, database; NULL after a success.';
comment on column mestat.source_state.last_error is 'Message of the last failure, for the operator.';
comment on column mestat.source_state.next_run is 'When the next fetch is due (interval, or back-off after failures).';
comment on column mestat.source_state.consecutive_failures is 'Failures since the last success (drives the back-off).';
comment on column mestat.source_state.etag is 'ETag of the last body, sent back as If-None-Match.';
comment on column mestat.source_state.last_modified is 'Last-Modified of the last body, sent back as If-Modified-Since.';
comment on column mestat.source_state.last_body_sha256 is 'SHA-256 of the last body fetched.';
comment on column mestat.source_state.last_submission is 'Submission made from the last body.';
comment on column mestat.source_state.updated_at is 'When mestatd last wrote the row.';

------------------------------------------------------------------------------
-- Ingestion API

create function mestat.ingest_begin() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if to_regclass('pg_temp.ingest_row') is null then
		create temporary table ingest_row (
			seq integer,
			loc text,
			reporter text,
			indicator text,
			period text,
			value text,
			comment text,
			deleted boolean,
			coc text,
			aoc text
		) on commit delete rows;
	else
		delete from pg_temp.ingest_row;
	end if;
end
$$;
comment on function mestat.ingest_begin() is
	'mestatd, step 1 of an ingest: create (first time in the session) or empty the temp table pg_temp.ingest_row(seq int, '
	'loc text, reporter text, indicator text, period text, value text, comment text, deleted bool, coc text, aoc text), '
	'ON COMMIT DELETE ROWS, to be filled with COPY pg_temp.ingest_row FROM STDIN. seq is the 1-based row number, loc where '
	'the row came from ("line 3", "/values/2"). SECURITY INVOKER: the table belongs to the login, which needs TEMPORARY on '
	'the database. Steps: ingest_begin, INSERT submission, COPY, ingest_validate, ingest_apply, UPDATE submission, COMMIT.';

create function mestat.ingest_validate(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
as $$
#variable_conflict use_column
declare
	me mestat.reporter;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;
	select * into me from mestat.reporter r where r.code = p_reporter;
	if not found then
		raise exception 'ingest_validate: unknown submitting reporter "%"', p_reporter using errcode = '22023';
	end if;
	if p_scheme is not null and p_scheme not in ('dhis2', 'sdmx') then
		raise exception 'ingest_validate: scheme must be NULL, dhis2 or sdmx, got "%"', p_scheme using errcode = '22023';
	end if;

	-- Tidy what the decoders pass through as sent.
	update pg_temp.ingest_row r
	   set reporter = nullif(btrim(r.reporter), ''),
	       indicator = nullif(btrim(r.indicator), ''),
	       period = nullif(regexp_replace(upper(btrim(r.period)), '^([0-9]{4})-?Q([1-4])$', '\1Q\2'), ''),
	       value = nullif(btrim(r.value), ''),
	       comment = nullif(r.comment, ''),
	       deleted = coalesce(r.deleted, false);

	-- The reporter's own codes, where it has mapped them; other codes are ours.
	if p_scheme = 'dhis2' then
		update pg_temp.ingest_row r set indicator = m.our_code
		  from mestat.code_mapping m
		 where m.reporter = p_reporter and m.scheme = 'dhis2_de' and m.their_code = r.indicator;
		update pg_temp.ingest_row r set reporter = m.our_code
		  from mestat.code_mapping m
		 where m.reporter = p_reporter and m.scheme = 'dhis2_ou' and m.their_code = r.reporter;
	elsif p_scheme = 'sdmx' then
		update pg_temp.ingest_row r set indicator = m.our_code
		  from mestat.code_mapping m
		  join mestat.indicator i on i.code = m.our_code
		 where m.reporter = p_reporter and m.scheme = 'sdmx' and m.their_code = r.indicator;
		update pg_temp.ingest_row r set reporter = m.our_code
		  from mestat.code_mapping m
		  join mestat.reporter rp on rp.code = m.our_code
		 where m.reporter = p_reporter and m.scheme = 'sdmx' and m.their_code = r.reporter;
	end if;

	update pg_temp.ingest_row r set reporter = p_reporter where r.reporter is null;

	return query
	with row_ as (
		select r.seq, r.loc, r.reporter, r.indicator, r.period, r.value, r.comment, r.deleted,
		       rp.code as rp_code, rp.name_en as rp_name,
		       i.code as i_code, i.active as i_active, i.value_type, i.periodicity, i.scope, i.unit,
		       i.min_value, i.max_value,
		       p.code as p_code, p.kind as p_kind, p.year as p_year, p.start_date, p.closed, p.closed_at, p.closed_by,
		       case
		       when length(r.value) <= 64
		            and r.value ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$'
		       then r.value::numeric
		       end as num
		  from pg_temp.ingest_row r
		  left join mestat.reporter rp on rp.code = r.reporter
		  left join mestat.indicator i on i.code = r.indicator
		  left join mestat.period p on p.code = r.period
	),
	dup as (
		select d.seq, d.loc, d.reporter, d.indicator, d.period,
		       first_value(d.loc) over cell as first_loc,
		       row_number() over cell as n
		  from pg_temp.ingest_row d
		 where d.indicator is not null and d.period is not null
		window cell as (partition by d.reporter, d.indicator, d.period order by d.seq)
	),
	problem (seq, loc, field, status, reason, ord) as (
		-- reporter
		select x.seq, x.loc, 'reporter', 422,
		       format('unknown reporter "%s"; see GET /api/v1/catalog', x.reporter), 10
		  from row_ x where x.rp_code is null
		union all
		select x.seq, x.loc, 'reporter', 403,
		       format('this row is for reporter %s (%s) but you are authenticated as %s (%s); send only your own values',
		              x.rp_code, x.rp_name, me.code, me.name_en), 11
		  from row_ x where x.rp_code is not null and x.rp_code <> p_reporter
		union all
		select x.seq, x.loc, 'reporter', 403,
		       format('reporter %s (%s) is no longer active; ask the plan office', me.code, me.name_en), 12
		  from row_ x where not me.active
		-- indicator
		union all
		select x.seq, x.loc, 'indicator', 422,
		       'indicator is missing; name one of the indicator codes of GET /api/v1/catalog', 20
		  from row_ x where x.indicator is null
		union all
		select x.seq, x.loc, 'indicator', 422,
		       format('unknown indicator "%s"; see GET /api/v1/catalog', x.indicator), 21
		  from row_ x where x.indicator is not null and x.i_code is null
		union all
		select x.seq, x.loc, 'indicator', 422,
		       format('indicator "%s" is no longer collected; see GET /api/v1/catalog', x.i_code), 22
		  from row_ x where x.i_code is not null and not x.i_active
		union all
		select x.seq, x.loc, 'indicator', 403,
		       format('indicator "%s" is national-only: only the ministry reports it; leave it out of your submission',
		              x.i_code), 23
		  from row_ x where x.scope = 'national_only' and me.kind <> 'ministry'
		union all
		select x.seq, x.loc, 'indicator', 403,
		       format('indicator "%s" is reported by the provinces themselves; the ministry reports only national-only indicators',
		              x.i_code), 24
		  from row_ x where x.scope = 'provincial' and me.kind = 'ministry'
		-- period
		union all
		select x.seq, x.loc, 'period', 422,
		       'period is missing; use YYYYQn for a quarter (e.g. 2018Q3) or YYYY for a year', 30
		  from row_ x where x.period is null
		union all
		select x.seq, x.loc, 'period', 422,
		       format('unknown period "%s"; use YYYYQn for a quarter (e.g. 2018Q3) or YYYY for a year, from 2016 on',
		              x.period), 31
		  from row_ x where x.period is not null and x.p_code is null
		union all
		select x.seq, x.loc, 'period', 422,
		       format('period %s has not started yet (it starts on %s)', x.p_code, x.start_date), 32
		  from row_ x where x.p_code is not null and x.start_date > current_date
		union all
		select x.seq, x.loc, 'period', 422,
		       case x.periodicity
		       when 'quarterly' then
		            format('indicator "%s" is reported quarterly; use a quarter such as %sQ4, not "%s"',
		                   x.i_code, x.p_year, x.p_code)
		       else format('indicator "%s" is reported annually; use the year %s, not "%s"', x.i_code, x.p_year, x.p_code)
		       end, 33
		  from row_ x
		 where x.p_code is not null and x.i_code is not null
		   and (x.periodicity = 'quarterly') <> (x.p_kind = 'quarter')
		union all
		select x.seq, x.loc, 'period', 409,
		       format('period %s was closed on %s by %s; ask the plan office to reopen it before changing its values',
		              x.p_code, to_char(x.closed_at, 'YYYY-MM-DD'), x.closed_by), 34
		  from row_ x where x.closed
		-- value
		union all
		select x.seq, x.loc, 'value', 422,
		       'value is missing; send a number, or mark the row deleted to remove the value', 40
		  from row_ x where not x.deleted and x.value is null
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value "%s" is not a finite number; send digits such as 12 or 12.5', x.value), 41
		  from row_ x where not x.deleted and x.value ~* '^[+-]?(nan|inf|infinity)$'
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value "%s" is hexadecimal; write the number in decimal digits', x.value), 42
		  from row_ x where not x.deleted and x.value ~* '^[+-]?0x'
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value "%s" is not a number; write digits with an optional decimal point (e.g. 1234.5), '
		              'without units, spaces or thousands separators', x.value), 43
		  from row_ x
		 where not x.deleted and x.value is not null and x.num is null
		   and x.value !~* '^[+-]?(nan|inf|infinity)$' and x.value !~* '^[+-]?0x'
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is negative; indicator "%s" is a count and cannot be below 0', x.value, x.i_code), 44
		  from row_ x where not x.deleted and x.value_type = 'integer' and x.num < 0
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is not a whole number; indicator "%s" counts whole units (%s)', x.value, x.i_code, x.unit), 45
		  from row_ x where not x.deleted and x.value_type = 'integer' and x.num <> trunc(x.num)
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is below the minimum %s for indicator "%s" (%s)', x.value, x.min_value, x.i_code, x.unit), 46
		  from row_ x
		 where not x.deleted and x.num < x.min_value and not (x.value_type = 'integer' and x.num < 0)
		union all
		select x.seq, x.loc, 'value', 422,
		       format('value %s is above the maximum %s for indicator "%s" (%s)', x.value, x.max_value, x.i_code, x.unit), 47
		  from row_ x where not x.deleted and x.num > x.max_value
		-- comment
		union all
		select x.seq, x.loc, 'comment', 422,
		       format('comment has %s characters; keep it within 2000', length(x.comment)), 50
		  from row_ x where length(x.comment) > 2000
		-- the same cell twice
		union all
		select d.seq, d.loc, 'row', 422,
		       format('indicator "%s" for reporter %s and period %s already appears at %s; send one value per cell',
		              d.indicator, d.reporter, d.period, d.first_loc), 60
		  from dup d where d.n > 1
	)
	select pr.seq, pr.loc, pr.field, pr.status, pr.reason
	  from problem pr
	 order by pr.seq, pr.ord;
end
$$;
comment on function mestat.ingest_validate(text, text) is
	'mestatd, step 4: check the rows of pg_temp.ingest_row for submitting reporter p_reporter. p_scheme is NULL for the '
	'native formats, dhis2 or sdmx otherwise: indicator and reporter codes are first translated through mestat.code_mapping '
	'of p_reporter (dhis2_de/dhis2_ou, or sdmx); unmapped codes are read as mestat codes; a missing reporter becomes '
	'p_reporter; blanks are trimmed and YYYY-Qn periods normalised (the rows are updated in place). Returns one row per '
	'problem (seq, loc, field, status, reason): 403 a row for another reporter, a national-only indicator from a province '
	'or a provincial indicator from the ministry; 409 a closed period; 422 unknown or missing indicator/period/reporter, '
	'period of the wrong kind or not started, value missing, not a number (NaN, Infinity, hex, units…), not whole for a '
	'count, negative count, outside min/max, comment too long, the same cell twice. No rows: valid. The reasons are '
	'written for the province''s data officer.';

create function mestat.ingest_apply(p_submission bigint)
returns table (new integer, revised integer, unchanged integer, deleted integer)
language plpgsql
set search_path = mestat, pg_temp
as $$
#variable_conflict use_column
declare
	s_reporter text;
	s_outcome text;
	bad text;
	n_new integer;
	n_revised integer;
	n_unchanged integer;
	n_deleted integer;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;
	select s.reporter, s.outcome into s_reporter, s_outcome from mestat.submission s where s.id = p_submission;
	if not found then
		raise exception 'ingest_apply: submission % does not exist', p_submission using errcode = '22023';
	end if;
	if s_reporter is null or s_outcome not in ('accepted', 'dry_run') then
		raise exception 'ingest_apply: submission % is %, from reporter %; only an accepted or dry_run submission of a '
			'known reporter can be applied', p_submission, s_outcome, coalesce(s_reporter, 'NULL') using errcode = '22023';
	end if;

	-- One ingest per reporter at a time, so "new/revised/unchanged" are judged
	-- against committed values; and no period closes until we commit.
	perform pg_advisory_xact_lock(1835365237, hashtext(s_reporter));
	perform pg_advisory_xact_lock_shared(1835365236, 0);

	-- Defence in depth: these rows must have passed ingest_validate().
	select format('row %s (%s)', r.seq, r.loc) into bad
	  from pg_temp.ingest_row r
	 where r.reporter is distinct from s_reporter
	    or (not coalesce(r.deleted, false)
	        and not coalesce(r.value ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$', false))
	 limit 1;
	if found then
		raise exception 'ingest_apply: % is not a valid row of reporter %; run mestat.ingest_validate() first', bad, s_reporter
			using errcode = '22023';
	end if;
	select format('%s/%s/%s', r.reporter, r.indicator, r.period) into bad
	  from pg_temp.ingest_row r
	 group by r.reporter, r.indicator, r.period
	having count(*) > 1
	 limit 1;
	if found then
		raise exception 'ingest_apply: cell % appears twice; run mestat.ingest_validate() first', bad using errcode = '22023';
	end if;
	-- A period closed since validation (rare): answer 409, as validation would now.
	select r.period into bad
	  from pg_temp.ingest_row r
	  join mestat.period p on p.code = r.period
	 where p.closed
	 limit 1;
	if found then
		raise exception 'period % was closed while the submission was being stored', bad using errcode = 'MS409';
	end if;

	with row_ as (
		select r.seq, r.reporter, r.indicator, r.period, coalesce(r.deleted, false) as del,
		       case when not coalesce(r.deleted, false) then btrim(r.value)::numeric end as v,
		       nullif(r.comment, '') as comment
		  from pg_temp.ingest_row r
	),
	judged as (
		select x.*,
		       case
		       when x.del then
		            case when c.id is not null and not c.deleted then 'deleted' else 'unchanged' end
		       when c.id is null or c.deleted then 'new'
		       when c.value = x.v then 'unchanged'
		       else 'revised'
		       end as action
		  from row_ x
		  left join lateral (
			select o.id, o.value, o.deleted
			  from mestat.observation o
			 where o.reporter = x.reporter and o.indicator = x.indicator and o.period = x.period
			 order by o.id desc
			 limit 1
		  ) as c on true
	),
	stored as (
		insert into mestat.observation (indicator, reporter, period, value, deleted, comment, submission)
		select j.indicator, j.reporter, j.period, j.v, j.del, j.comment, p_submission
		  from judged j
		 where j.action <> 'unchanged'
		 order by j.seq
		returning 1
	)
	select count(*) filter (where j.action = 'new'),
	       count(*) filter (where j.action = 'revised'),
	       count(*) filter (where j.action = 'unchanged'),
	       count(*) filter (where j.action = 'deleted')
	  into n_new, n_revised, n_unchanged, n_deleted
	  from judged j;

	update mestat.submission s
	   set counts = jsonb_build_object('new', n_new, 'revised', n_revised, 'unchanged', n_unchanged, 'deleted', n_deleted)
	 where s.id = p_submission;

	return query select n_new, n_revised, n_unchanged, n_deleted;
end
$$;
comment on function mestat.ingest_apply(bigint) is
	'mestatd, step 5, after ingest_validate() returned no problem: store the rows of pg_temp.ingest_row as observation '
	'versions of submission p_submission and return one row (new, revised, unchanged, deleted): a cell without a current '
	'value gets a version (new); a different value gets a version (revised); an equal value (numeric equality, 12.50 = 12.5) '
	'is counted unchanged and not stored; deleted = true on a cell with a value stores a deletion (deleted), on a cell '
	'without one it is counted unchanged. Also writes the counts to submission.counts. Serialises ingests of one reporter '
	'(advisory lock). Raises SQLSTATE MS409 if a period was closed since validation (answer 409), 22023 if the rows were '
	'not validated.';

create function mestat.prior_submission(p_reporter text, p_sha256 text, p_idempotency_key text default null)
returns table (id bigint, received_at timestamptz, sha256 text, counts jsonb, receipt text, same_body boolean)
language sql
stable
set search_path = mestat, pg_temp
as $$
	select s.id, s.received_at, s.sha256, s.counts, s.receipt, s.sha256 = p_sha256
	  from mestat.submission s
	 where s.outcome = 'accepted'
	   and s.reporter = p_reporter
	   and (s.sha256 = p_sha256 or (p_idempotency_key is not null and s.idempotency_key = p_idempotency_key))
	 order by (p_idempotency_key is not null and s.idempotency_key is not distinct from p_idempotency_key) desc, s.id
	 limit 1
$$;
comment on function mestat.prior_submission(text, text, text) is
	'mestatd, before step 2: the accepted submission of reporter p_reporter with the same body (SHA-256) or the same '
	'Idempotency-Key, if any (a key match first). Answer with its receipt and store nothing. same_body is false when only '
	'the key matched (the client reused a key for a different body).';

------------------------------------------------------------------------------
-- What mestatd may do

grant select, insert on mestat.submission to mestat_daemon;
grant update (outcome, http_status, error_detail, counts, receipt) on mestat.submission to mestat_daemon;
grant select, insert on mestat.observation to mestat_daemon;
grant select on mestat.current_value to mestat_daemon;
grant select, insert, update on mestat.source_state to mestat_daemon;
grant execute on function mestat.ingest_begin() to mestat_daemon;
grant execute on function mestat.ingest_validate(text, text) to mestat_daemon;
grant execute on function mestat.ingest_apply(bigint) to mestat_daemon;
grant execute on function mestat.prior_submission(text, text, text) to mestat_daemon;
