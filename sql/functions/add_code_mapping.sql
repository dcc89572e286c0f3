-- mestat.add_code_mapping: the current definition of this function.
-- First created in 002_catalog.sql, last changed in 029_dhis2_import.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- add_code_mapping learns the scheme dhis2_coc (text of 002 otherwise unchanged).
create or replace function mestat.add_code_mapping(p_reporter text, p_scheme text, p_their_code text, p_our_code text)
returns void
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	is_indicator boolean := exists (select 1 from mestat.indicator where code = p_our_code);
	is_reporter boolean := exists (select 1 from mestat.reporter where code = p_our_code);
begin
	if not exists (select 1 from mestat.reporter where code = p_reporter) then
		raise exception 'add_code_mapping: unknown reporter "%"', p_reporter using errcode = '22023';
	end if;
	if coalesce(p_their_code, '') = '' then
		raise exception 'add_code_mapping: their code must not be empty' using errcode = '22023';
	end if;
	if p_scheme = 'dhis2_coc' and p_our_code = 'default' then
		if p_their_code ~ '[.]' then
			raise exception 'add_code_mapping: the default combo is one UID, not an operand: "%"', p_their_code
				using errcode = '22023';
		end if;
	elsif p_scheme in ('dhis2_de', 'dhis2_coc') and not is_indicator then
		raise exception 'add_code_mapping: "%" is not a mestat indicator code', p_our_code using errcode = '22023';
	elsif p_scheme = 'dhis2_coc' and p_their_code !~ '^[^.]+\.[^.]+$' then
		raise exception 'add_code_mapping: a dhis2_coc code is an operand DATAELEMENT.CATEGORYOPTIONCOMBO, got "%"',
			p_their_code using errcode = '22023';
	elsif p_scheme = 'dhis2_ou' and not is_reporter then
		raise exception 'add_code_mapping: "%" is not a mestat reporter code', p_our_code using errcode = '22023';
	elsif p_scheme = 'sdmx' and not (is_indicator or is_reporter) then
		raise exception 'add_code_mapping: "%" is neither a mestat indicator nor a reporter code', p_our_code
			using errcode = '22023';
	end if;
	insert into mestat.code_mapping as m (reporter, scheme, their_code, our_code)
	values (p_reporter, p_scheme, p_their_code, p_our_code)
	on conflict (reporter, scheme, their_code) do update
		set our_code = excluded.our_code, created_at = now(), created_by = session_user;
end
$$;

comment on function mestat.add_code_mapping(text, text, text, text) is
	'Plan office: reporter p_reporter''s code p_their_code in scheme p_scheme (dhis2_de, dhis2_ou, dhis2_coc, sdmx) means '
	'mestat code p_our_code. Replaces an earlier mapping of the same code. Checks that p_our_code is an indicator '
	'(dhis2_de; dhis2_coc, whose their code is the operand DATAELEMENT.CATEGORYOPTIONCOMBO, or a combo UID mapped to '
	'"default"), a reporter (dhis2_ou) or either (sdmx).';
