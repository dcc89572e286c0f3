-- 017_evaluators.sql: evaluators as callers of mestatd. An evaluator reads
-- the report views through the read API and the console; it never submits.
-- Like reporters, an evaluator authenticates with a bearer token (only its
-- SHA-256 is stored, the token is shown once) or a client certificate pinned
-- by its SHA-256 fingerprint. mestatd resolves both through SECURITY DEFINER
-- functions and never reads the stored hashes.

set local role mestat_owner;

create table mestat.evaluator (
	name text primary key check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$'),
	created_at timestamptz not null default now(),
	created_by text not null default session_user,
	active boolean not null default true,
	note text
);
comment on table mestat.evaluator is
	'Evaluators: people or systems that read the report views through mestatd''s read API and console. '
	'Created by mestat.create_evaluator_token(); set active = false to shut one out with all its credentials.';
comment on column mestat.evaluator.name is 'Evaluator name (letters, digits, _ . @ -; at most 63 characters), e.g. alice.';
comment on column mestat.evaluator.created_at is 'When the evaluator was first given a credential.';
comment on column mestat.evaluator.created_by is 'Database login that created it.';
comment on column mestat.evaluator.active is 'False: none of the evaluator''s tokens or certificates is accepted.';
comment on column mestat.evaluator.note is 'Free text, e.g. the evaluator''s office.';

create table mestat.evaluator_token (
	id bigint generated always as identity primary key,
	evaluator text not null references mestat.evaluator (name),
	token_sha256 text not null unique check (token_sha256 ~ '^[0-9a-f]{64}$'),
	created_at timestamptz not null default now(),
	created_by text not null default session_user,
	revoked_at timestamptz,
	note text
);
comment on table mestat.evaluator_token is
	'Evaluators'' bearer tokens. Only the SHA-256 of a token is stored; the token itself is shown once by '
	'mestat.create_evaluator_token().';
comment on column mestat.evaluator_token.id is 'Token id (client identity evaluator-token:<id> in mestatd''s log).';
comment on column mestat.evaluator_token.evaluator is 'The evaluator the token authenticates.';
comment on column mestat.evaluator_token.token_sha256 is 'SHA-256 of the token text (UTF-8), lowercase hex.';
comment on column mestat.evaluator_token.created_at is 'When the token was created.';
comment on column mestat.evaluator_token.created_by is 'Database login that created it.';
comment on column mestat.evaluator_token.revoked_at is 'When the token was revoked; NULL while valid.';
comment on column mestat.evaluator_token.note is 'Free text, e.g. which tool uses the token.';

create table mestat.evaluator_certificate_pin (
	sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
	evaluator text not null references mestat.evaluator (name),
	registered_at timestamptz not null default now(),
	registered_by text not null default session_user,
	revoked_at timestamptz,
	note text
);
comment on table mestat.evaluator_certificate_pin is
	'Client certificates pinned to an evaluator by SHA-256 fingerprint of the DER certificate. A fingerprint is '
	'pinned to a reporter or to an evaluator, never both.';
comment on column mestat.evaluator_certificate_pin.sha256 is 'SHA-256 of the DER-encoded certificate, 64 lowercase hex digits.';
comment on column mestat.evaluator_certificate_pin.evaluator is 'The evaluator this certificate authenticates.';
comment on column mestat.evaluator_certificate_pin.registered_at is 'When the pin was registered.';
comment on column mestat.evaluator_certificate_pin.registered_by is 'Database login that registered it.';
comment on column mestat.evaluator_certificate_pin.revoked_at is 'When the pin was revoked; NULL while valid.';
comment on column mestat.evaluator_certificate_pin.note is 'Free text, e.g. which machine holds the key.';

create function mestat.create_evaluator_token(p_name text, p_note text default null) returns text
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	tok text;
begin
	if p_name is null or p_name !~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$' then
		raise exception 'create_evaluator_token: "%" is not an evaluator name (letters, digits, _ . @ -)', p_name
			using errcode = '22023';
	end if;
	insert into mestat.evaluator (name) values (p_name) on conflict (name) do nothing;
	if not (select active from mestat.evaluator where name = p_name) then
		raise exception 'create_evaluator_token: evaluator "%" is inactive', p_name using errcode = '22023';
	end if;
	-- 2 × 122 random bits from the server's strong random source, hashed to 64 hex digits.
	tok := 'mse_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
	insert into mestat.evaluator_token (evaluator, token_sha256, note)
	values (p_name, encode(sha256(convert_to(tok, 'UTF8')), 'hex'), p_note);
	return tok;
end
$$;
comment on function mestat.create_evaluator_token(text, text) is
	'Plan office: create a bearer token for evaluator p_name (creating the evaluator on first use) and return it. '
	'This is the only time the token is visible; only its SHA-256 is stored. Tokens look like mse_ followed by 64 hex digits.';

create function mestat.revoke_evaluator_token(p_token_id bigint) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.evaluator_token set revoked_at = now() where id = p_token_id and revoked_at is null;
	return found;
end
$$;
comment on function mestat.revoke_evaluator_token(bigint) is
	'Plan office: revoke the evaluator token with this id. Returns false if there was no valid token with that id.';

create function mestat.revoke_evaluator_token(p_token text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.evaluator_token set revoked_at = now()
	 where token_sha256 = encode(sha256(convert_to(p_token, 'UTF8')), 'hex') and revoked_at is null;
	return found;
end
$$;
comment on function mestat.revoke_evaluator_token(text) is
	'Plan office: revoke an evaluator token given its text. Returns false if it was not a valid token.';

create function mestat.register_evaluator_certificate(p_name text, p_sha256_hex text) returns void
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	fp text := mestat.normalize_sha256_hex(p_sha256_hex);
	holder text;
begin
	if not exists (select 1 from mestat.evaluator where name = p_name) then
		if p_name is null or p_name !~ '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$' then
			raise exception 'register_evaluator_certificate: "%" is not an evaluator name', p_name
				using errcode = '22023';
		end if;
		insert into mestat.evaluator (name) values (p_name) on conflict (name) do nothing;
	end if;
	if fp is null then
		raise exception 'register_evaluator_certificate: "%" is not a SHA-256 fingerprint (64 hex digits)', p_sha256_hex
			using errcode = '22023';
	end if;
	select reporter into holder from mestat.certificate_pin where sha256 = fp and revoked_at is null;
	if found then
		raise exception 'register_evaluator_certificate: this certificate is registered for reporter %', holder
			using errcode = '23505';
	end if;
	select evaluator into holder from mestat.evaluator_certificate_pin where sha256 = fp;
	if found and holder <> p_name then
		raise exception 'register_evaluator_certificate: this certificate is already registered for evaluator %', holder
			using errcode = '23505';
	end if;
	insert into mestat.evaluator_certificate_pin (sha256, evaluator) values (fp, p_name)
	on conflict (sha256) do update
		set revoked_at = null, registered_at = now(), registered_by = session_user;
end
$$;
comment on function mestat.register_evaluator_certificate(text, text) is
	'Plan office: pin the client certificate with SHA-256 fingerprint p_sha256_hex (any usual spelling) to evaluator '
	'p_name (created on first use). Refused when the fingerprint is pinned to a reporter. Registering a revoked pin '
	'again reinstates it.';

create function mestat.revoke_evaluator_certificate(p_sha256_hex text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	update mestat.evaluator_certificate_pin set revoked_at = now()
	 where sha256 = mestat.normalize_sha256_hex(p_sha256_hex) and revoked_at is null;
	return found;
end
$$;
comment on function mestat.revoke_evaluator_certificate(text) is
	'Plan office: revoke an evaluator''s certificate pin. Returns false if no valid pin had that fingerprint.';

create function mestat.certificate_evaluator(p_sha256_hex text) returns text
language sql
stable
security definer
set search_path = mestat, pg_temp
as $$
	select c.evaluator
	  from mestat.evaluator_certificate_pin c
	  join mestat.evaluator e on e.name = c.evaluator
	 where c.sha256 = mestat.normalize_sha256_hex(p_sha256_hex)
	   and c.revoked_at is null
	   and e.active
$$;
comment on function mestat.certificate_evaluator(text) is
	'mestatd: the evaluator a client certificate (SHA-256 fingerprint) is pinned to, or NULL (unknown, revoked, or '
	'the evaluator is inactive). SECURITY DEFINER: mestatd cannot read the pins themselves.';

create function mestat.token_evaluator(p_token text)
returns table (evaluator text, token_id bigint)
language sql
stable
security definer
set search_path = mestat, pg_temp
as $$
	select t.evaluator, t.id
	  from mestat.evaluator_token t
	  join mestat.evaluator e on e.name = t.evaluator
	 where t.token_sha256 = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
	   and t.revoked_at is null
	   and e.active
$$;
comment on function mestat.token_evaluator(text) is
	'mestatd: the evaluator and token id of a bearer token; no row if the token is unknown, revoked, or its evaluator '
	'is inactive. SECURITY DEFINER: mestatd never sees the stored hashes.';

grant execute on function mestat.certificate_evaluator(text) to mestat_daemon;
grant execute on function mestat.token_evaluator(text) to mestat_daemon;
