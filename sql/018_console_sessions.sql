-- 018_console_sessions.sql: what mestatd needs to serve the read API and the
-- console. The read API runs every query as mestat_evaluator (SET ROLE on
-- connections of its own), so mestat_daemon is made a member of it. Console
-- sign-ins are server-side sessions: the browser holds a random id in a
-- cookie, the database only its SHA-256, with idle and absolute expiry. The
-- session functions run as mestat_owner: mestatd never reads the table.

-- Role membership is cluster-wide and needs the migration runner's own
-- rights (superuser or CREATEROLE), so it comes before SET ROLE. mestatd
-- only SETs ROLE to mestat_evaluator on the read API's connections; it does
-- not inherit its rights elsewhere (membership without inheritance: WITH
-- INHERIT FALSE from PostgreSQL 16, a NOINHERIT mestat_daemon before, which
-- is no loss: mestat_daemon is granted no other role). A runner without the
-- rights leaves a warning and the grant to the administrator; the read API
-- then answers 503 and logs that SET ROLE was refused. Two databases of one
-- cluster migrated at the same time change the same role rows, and one of
-- them then fails with "tuple concurrently updated": the advisory lock of the
-- runner is per database, so the grant is tried again, and skipped once the
-- other has made it.
do $$
declare
	tries int := 0;
begin
	loop
		begin
			if exists (select 1
			             from pg_auth_members m
			             join pg_roles d on d.oid = m.member
			            where m.roleid = 'mestat_evaluator'::regrole and d.rolname = 'mestat_daemon'
			              and (current_setting('server_version_num')::int >= 160000 or not d.rolinherit)) then
				exit;
			end if;
			if current_setting('server_version_num')::int >= 160000 then
				execute 'grant mestat_evaluator to mestat_daemon with inherit false, set true';
			else
				alter role mestat_daemon noinherit;
				grant mestat_evaluator to mestat_daemon;
			end if;
			exit;
		exception
			when insufficient_privilege then
				raise warning 'cannot make mestat_daemon a member of mestat_evaluator (%); as a superuser run: '
					'ALTER ROLE mestat_daemon NOINHERIT; GRANT mestat_evaluator TO mestat_daemon', sqlerrm;
				exit;
			when others then
				tries := tries + 1;
				if tries >= 20 then
					raise;
				end if;
				perform pg_sleep(0.05 * tries);
		end;
	end loop;
end
$$;

set local role mestat_owner;

create table mestat.console_session (
	id_sha256 text primary key check (id_sha256 ~ '^[0-9a-f]{64}$'),
	reporter text references mestat.reporter (code),
	evaluator text references mestat.evaluator (name),
	client_identity text not null,
	csrf text not null,
	created_at timestamptz not null default now(),
	last_seen timestamptz not null default now(),
	idle_timeout interval not null,
	expires_at timestamptz not null,
	closed_at timestamptz,
	check ((reporter is null) <> (evaluator is null))
);
comment on table mestat.console_session is
	'Console sign-ins. The cookie carries a random session id; only its SHA-256 is stored. A session ends at closed_at '
	'(sign-out), after idle_timeout without a request, at expires_at, or when the credential it was opened with is '
	'revoked. Rows are kept for the record; mestat.console_session_purge() deletes old ones.';
comment on column mestat.console_session.id_sha256 is 'SHA-256 of the session id (UTF-8), lowercase hex.';
comment on column mestat.console_session.reporter is 'The reporter signed in (a province''s console), or NULL.';
comment on column mestat.console_session.evaluator is 'The evaluator signed in, or NULL.';
comment on column mestat.console_session.client_identity is
	'The credential used to sign in: cert:<sha256>, token:<id> or evaluator-token:<id>.';
comment on column mestat.console_session.csrf is 'Token every state-changing console request must carry (X-CSRF-Token).';
comment on column mestat.console_session.created_at is 'Sign-in time.';
comment on column mestat.console_session.last_seen is 'Last request with this session.';
comment on column mestat.console_session.idle_timeout is 'The session ends after this long without a request.';
comment on column mestat.console_session.expires_at is 'The session ends at this time whatever happens.';
comment on column mestat.console_session.closed_at is 'Sign-out time; NULL while open.';

create function mestat.console_session_open(p_reporter text, p_evaluator text, p_client text,
                                            p_idle_seconds double precision, p_max_age_seconds double precision)
returns table (session_id text, csrf text)
language plpgsql
volatile
security definer
set search_path = mestat, pg_temp
as $$
declare
	sid text := encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
	tok text := encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
begin
	insert into mestat.console_session (id_sha256, reporter, evaluator, client_identity, csrf, idle_timeout, expires_at)
	values (encode(sha256(convert_to(sid, 'UTF8')), 'hex'), nullif(p_reporter, ''), nullif(p_evaluator, ''), p_client,
	        tok, make_interval(secs => p_idle_seconds), now() + make_interval(secs => p_max_age_seconds));
	return query select sid, tok;
end
$$;
comment on function mestat.console_session_open(text, text, text, double precision, double precision) is
	'mestatd: open a console session for a caller it has authenticated (a reporter or an evaluator, one of them empty), '
	'ending after p_idle_seconds without use or p_max_age_seconds after now. Returns the session id (shown once; only '
	'its SHA-256 is stored) and the CSRF token.';

create function mestat.console_session_use(p_session_id text)
returns table (reporter text, evaluator text, client_identity text, csrf text)
language plpgsql
volatile
security definer
set search_path = mestat, pg_temp
as $$
declare
	s mestat.console_session;
begin
	select * into s
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
	         where t.id::text = substr(x.client_identity, 17) and t.revoked_at is null));
	if not found then
		return;
	end if;
	-- A console page makes a dozen calls at once: write last_seen only when it
	-- moved by a twentieth of the idle timeout (at most a minute), not on each.
	if now() - s.last_seen > least(s.idle_timeout / 20, interval '1 minute') then
		update mestat.console_session x set last_seen = now() where x.id_sha256 = s.id_sha256;
	end if;
	return query select coalesce(s.reporter, ''), coalesce(s.evaluator, ''), s.client_identity, s.csrf;
end
$$;
comment on function mestat.console_session_use(text) is
	'mestatd: the caller of a console session id, marking the session used now (last_seen moves in steps of a '
	'twentieth of the idle timeout, at most a minute); no row when the session is unknown, '
	'signed out, idle too long, past its absolute expiry, or its credential or caller was revoked or deactivated.';

create function mestat.console_session_close(p_session_id text) returns boolean
language plpgsql
volatile
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.console_session set closed_at = now()
	 where id_sha256 = encode(sha256(convert_to(p_session_id, 'UTF8')), 'hex') and closed_at is null;
	return found;
end
$$;
comment on function mestat.console_session_close(text) is
	'mestatd: sign out (end the session with this id). Returns false if it was not open.';

create function mestat.console_session_purge(p_keep interval default '30 days') returns bigint
language sql
volatile
security definer
set search_path = mestat, pg_temp
as $$
	with gone as (
		delete from mestat.console_session
		 where least(coalesce(closed_at, 'infinity'), expires_at, last_seen + idle_timeout) < now() - p_keep
		returning 1)
	select count(*) from gone
$$;
comment on function mestat.console_session_purge(interval) is
	'Delete console sessions that ended more than p_keep ago (default 30 days); returns how many.';

grant execute on function mestat.console_session_open(text, text, text, double precision, double precision) to mestat_daemon;
grant execute on function mestat.console_session_use(text) to mestat_daemon;
grant execute on function mestat.console_session_close(text) to mestat_daemon;
grant execute on function mestat.console_session_purge(interval) to mestat_daemon;
