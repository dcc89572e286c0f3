-- 030_replication.sql: the release pages read through the read pool.
--
-- With report_database pointing at a hot standby, the read API, the
-- console's data and the release pages (GET /api/v1/releases, /releases/…)
-- are served from there, on the read pool's connections, which run as
-- mestat_evaluator and see schema report only. The release pages read
-- report.releases and report.release_calendar; the preview of a quarter not
-- yet published goes through report.release_content below, which hands on
-- to mestat.release_content (already the evaluators' to execute). Nothing
-- here writes: publishing (mestat.record_release) stays with mestat_daemon
-- on the primary.

set local role mestat_owner;

create function report.release_content(p_period text) returns jsonb
language sql stable
security definer
set search_path = mestat, pg_temp
as $$ select mestat.release_content(p_period) $$;
comment on function report.release_content(text) is
	'The release document of quarter P_PERIOD as it would be published now (unsigned, not stored): the preview '
	'the release pages show evaluators, readable where only schema report is (a hot standby''s read pool).';

revoke all on function report.release_content(text) from public;
grant execute on function report.release_content(text) to mestat_evaluator, mestat_daemon;

------------------------------------------------------------------------------
-- Who is calling, asked where only schema report is readable
--
-- While the primary is away (killed, not yet replaced by its promoted
-- standby) mestatd still serves reading: it identifies callers on the read
-- pool through these three, which answer exactly what mestat's own
-- lookups answer (certificate_reporter, certificate_evaluator,
-- token_reporter, token_evaluator, console_session_use) and write nothing:
-- a console session is not marked used. Each needs the credential itself
-- (a token, a session id) or only maps a certificate fingerprint, which is
-- not secret, to the caller it identifies.

create function report.caller_by_certificate(p_sha256_hex text, p_cn text, p_subject_cn boolean)
returns table (reporter text, token_id bigint, evaluator text)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select coalesce(mestat.certificate_reporter(p_sha256_hex),
	                (select r.code from mestat.reporter r where r.code = p_cn and r.active and p_subject_cn)),
	       null::bigint, mestat.certificate_evaluator(p_sha256_hex)
$$;
comment on function report.caller_by_certificate(text, text, boolean) is
	'mestatd, reading without the primary: the reporter (pinned fingerprint, or subject CN when P_SUBJECT_CN) or the '
	'evaluator a client certificate identifies; NULLs when none.';

create function report.caller_by_token(p_token text)
returns table (reporter text, token_id bigint, evaluator text)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select t.reporter, t.token_id, null::text from mestat.token_reporter(p_token) t
	union all
	select null, t.token_id, t.evaluator from mestat.token_evaluator(p_token) t
$$;
comment on function report.caller_by_token(text) is
	'mestatd, reading without the primary: the reporter or evaluator of a bearer token and its id; no row when the '
	'token is unknown, revoked or its holder inactive.';

create function report.console_session_peek(p_session_id text)
returns table (reporter text, evaluator text, client_identity text, csrf text)
language sql stable
security definer
set search_path = mestat, pg_temp
as $$
	select coalesce(x.reporter, ''), coalesce(x.evaluator, ''), x.client_identity, x.csrf
	  from mestat.console_session x
	 where x.id_sha256 = encode(sha256(convert_to(p_session_id, 'UTF8')), 'hex')
	   and x.closed_at is null
	   and now() < x.expires_at
	   and now() < x.last_seen + x.idle_timeout
	   and (x.reporter is null or exists (select 1 from mestat.reporter r where r.code = x.reporter and r.active))
	   and (x.evaluator is null or exists (select 1 from mestat.evaluator e where e.name = x.evaluator and e.active))
	   and (x.client_identity not like 'token:%' or exists (
	        select 1 from mestat.api_token t
	         where t.id::text = substr(x.client_identity, 7) and t.revoked_at is null))
	   and (x.client_identity not like 'evaluator-token:%' or exists (
	        select 1 from mestat.evaluator_token t
	         where t.id::text = substr(x.client_identity, 17) and t.revoked_at is null))
$$;
comment on function report.console_session_peek(text) is
	'mestatd, reading without the primary: the caller of a console session id, under the same conditions as '
	'mestat.console_session_use, without marking the session used (a standby cannot write).';

revoke all on function report.caller_by_certificate(text, text, boolean), report.caller_by_token(text),
	report.console_session_peek(text) from public;
grant execute on function report.caller_by_certificate(text, text, boolean), report.caller_by_token(text),
	report.console_session_peek(text) to mestat_evaluator, mestat_daemon;
