-- mestat.complete_dhis2: the current definition of this function.
-- First created in 027_reporting_cycle.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- DHIS2's payload: {"completeDataSetRegistrations": [{"dataSet", "period",
-- "organisationUnit", "attributeOptionCombo", "storedBy", "date",
-- "completed"}]}; "completed": false undoes a completion. The answer is
-- DHIS2's import summary in its web message.
create or replace function mestat.complete_dhis2(p_reporter text, p_payload jsonb, p_by text default null)
returns jsonb
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	reg jsonb;
	ou text;
	pe text;
	res jsonb;
	imported integer := 0;
	updated integer := 0;
	ignored integer := 0;
	deleted integer := 0;
	conflicts jsonb := '[]';
	st text;
	code integer;
begin
	if jsonb_typeof(p_payload) <> 'object' or jsonb_typeof(p_payload->'completeDataSetRegistrations') <> 'array' then
		return jsonb_build_object('httpStatus', 'Bad Request', 'httpStatusCode', 400, 'status', 'ERROR',
			'message', 'send {"completeDataSetRegistrations": [{"dataSet", "period", "organisationUnit", "completed"}]}');
	end if;
	for reg in select * from jsonb_array_elements(p_payload->'completeDataSetRegistrations') loop
		if jsonb_typeof(reg) <> 'object' then
			ignored := ignored + 1;
			conflicts := conflicts || jsonb_build_object('object', 'completeDataSetRegistration',
			                                             'value', 'each registration is a JSON object');
			continue;
		end if;
		ou := coalesce(nullif(btrim(reg->>'organisationUnit'), ''), nullif(btrim(reg->>'orgUnit'), ''), p_reporter);
		ou := coalesce((select m.our_code from mestat.code_mapping m
		                 where m.reporter = p_reporter and m.scheme = 'dhis2_ou' and m.their_code = ou), ou);
		pe := regexp_replace(upper(btrim(coalesce(reg->>'period', ''))), '^([0-9]{4})-?Q([1-4])$', '\1Q\2');
		if ou <> p_reporter then
			ignored := ignored + 1;
			conflicts := conflicts || jsonb_build_object('object', coalesce(reg->>'organisationUnit', ou),
				'value', format('organisation unit %s is not reporter %s; a reporter completes only its own periods',
				                ou, p_reporter));
			continue;
		end if;
		if coalesce(reg->>'completed', 'true') = 'false' then
			res := mestat.uncomplete_quarter(p_reporter, pe, coalesce(p_by, reg->>'storedBy'));
		else
			res := mestat.complete_quarter(p_reporter, pe, coalesce(p_by, reg->>'storedBy'));
		end if;
		code := (res->>'status')::integer;
		if code = 201 then
			imported := imported + 1;
		elsif code = 200 and res->>'state' = 'open' then
			deleted := deleted + 1;
		elsif code = 200 then
			ignored := ignored + 1;
		else
			ignored := ignored + 1;
			conflicts := conflicts || jsonb_build_object('object', pe, 'value', res->>'error');
		end if;
	end loop;
	st := case when jsonb_array_length(conflicts) = 0 then 'SUCCESS'
	           when imported + updated + deleted > 0 then 'WARNING' else 'ERROR' end;
	return jsonb_build_object(
		'httpStatus', case when st = 'ERROR' then 'Conflict' else 'OK' end,
		'httpStatusCode', case when st = 'ERROR' then 409 else 200 end,
		'status', case when st = 'ERROR' then 'ERROR' when st = 'WARNING' then 'WARNING' else 'OK' end,
		'message', case when st = 'ERROR' then 'An error occurred, please check import summary.'
		                else 'Import was successful.' end,
		'response', jsonb_build_object('responseType', 'ImportSummary', 'status', st,
			'importCount', jsonb_build_object('imported', imported, 'updated', updated, 'ignored', ignored,
			                                  'deleted', deleted),
			'conflicts', conflicts));
end
$$;

comment on function mestat.complete_dhis2(text, jsonb, text) is
	'POST /api/completeDataSetRegistrations: DHIS2''s payload (completeDataSetRegistrations [{dataSet, period, '
	'organisationUnit (mapped with scheme dhis2_ou), completed}]) for reporter p_reporter; each registration '
	'completes (or with completed false undoes) one period. Returns DHIS2''s web message with an ImportSummary '
	'(importCount imported/updated/ignored/deleted, conflicts [{object, value}]). SECURITY DEFINER.';
