-- mestat.create_evaluator_token: the current definition of this function.
-- First created in 017_evaluators.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace function mestat.create_evaluator_token(p_name text, p_note text default null) returns text
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
