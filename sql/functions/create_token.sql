-- mestat.create_token: the current definition of this function.
-- First created in 004_credentials.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.create_token(p_reporter text, p_note text default null) returns text
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	tok text;
begin
	if not exists (select 1 from mestat.reporter where code = p_reporter and active) then
		raise exception 'create_token: unknown or inactive reporter "%"', p_reporter using errcode = '22023';
	end if;
	-- 2 × 122 random bits from the server's strong random source, hashed to 64 hex digits.
	tok := 'mst_' || encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
	insert into mestat.api_token (reporter, token_sha256, note)
	values (p_reporter, encode(sha256(convert_to(tok, 'UTF8')), 'hex'), p_note);
	return tok;
end
$$;

comment on function mestat.create_token(text, text) is
	'Plan office: create a bearer token for reporter p_reporter and return it. This is the only time the token is '
	'visible; only its SHA-256 is stored (mestat.api_token). Tokens look like mst_ followed by 64 hex digits.';
