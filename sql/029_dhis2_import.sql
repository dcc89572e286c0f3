-- 029_dhis2_import.sql: what a DHIS2 data value import needs beyond the
-- ingestion steps of 005/022.
--
--   * Category option combos: a DHIS2 data element disaggregated by sex,
--     age... sends one value per category option combo. The combo
--     "default" (DHIS2's built-in default combo, UID HllvX50cXC0) means no
--     disaggregation and is ignored; any other combo must be mapped, as the
--     operand DE.COC, to a mestat indicator (code_mapping scheme dhis2_coc).
--     An unmapped combo is refused for that value: two combos of one data
--     element are never merged into one cell silently. A DHIS2 whose
--     default combo has another UID (older databases) declares it with
--     add_code_mapping(reporter, 'dhis2_coc', UID, 'default'). Attribute option
--     combos other than the default are refused the same way (mestat has no
--     attribute dimension).
--   * A comment without a value (DHIS2 stores such a data value: its
--     DataValue.isNullValue() is false when a comment is there) is kept in
--     mestat.value_comment, on its cell, and leaves the cell's value alone.
--   * importStrategy: CREATE stores only values whose cell has no current
--     value, UPDATE only values whose cell has one; the others are set
--     aside and counted as ignored, as DHIS2 does (DefaultDataValueSetService
--     counts them with importCount.incrementIgnored()).
--
-- mestatd calls, on the DHIS2 endpoint, mestat.dhis2_validate(reporter) in
-- place of mestat.ingest_validate(reporter, 'dhis2'), and for CREATE and
-- UPDATE mestat.dhis2_strategy(strategy) between validation and
-- mestat.ingest_apply().

set local role mestat_owner;

create function mestat.dhis2_is_default_combo(p_combo text) returns boolean
language sql
immutable
as $$
	select p_combo is null or btrim(p_combo) in ('', 'default', 'HllvX50cXC0')
$$;
comment on function mestat.dhis2_is_default_combo(text) is
	'True for a DHIS2 category (or attribute) option combo that means "no disaggregation": absent, empty, the name '
	'"default" or the UID DHIS2 gives its default combo (HllvX50cXC0).';

create function mestat.dhis2_default_combo(p_reporter text, p_combo text) returns boolean
language sql
stable
set search_path = mestat, pg_temp
as $$
	select mestat.dhis2_is_default_combo(p_combo)
	    or exists (select 1 from mestat.code_mapping m
	                where m.reporter = p_reporter and m.scheme = 'dhis2_coc' and m.their_code = btrim(p_combo)
	                  and m.our_code = 'default')
$$;
comment on function mestat.dhis2_default_combo(text, text) is
	'True when p_combo is the default combo (mestat.dhis2_is_default_combo) or the UID reporter p_reporter declared as its '
	'default (code_mapping dhis2_coc UID → default).';

create table mestat.value_comment (
	id bigint generated always as identity primary key,
	reporter text not null references mestat.reporter (code),
	indicator text not null references mestat.indicator (code),
	period text not null references mestat.period (code),
	comment text not null check (comment <> '' and length(comment) <= 2000),
	submission bigint not null references mestat.submission (id),
	created_at timestamptz not null default now()
);
create index value_comment_cell on mestat.value_comment (reporter, indicator, period);
comment on table mestat.value_comment is
	'Comments sent without a value (DHIS2 data values with only a comment), on the cell they name; the value of the cell '
	'is not changed by them. The latest per cell is the one in force.';
comment on column mestat.value_comment.id is 'Order of arrival.';
comment on column mestat.value_comment.reporter is 'Reporter of the cell.';
comment on column mestat.value_comment.indicator is 'Indicator of the cell.';
comment on column mestat.value_comment.period is 'Period of the cell.';
comment on column mestat.value_comment.comment is 'The comment as sent.';
comment on column mestat.value_comment.submission is 'Submission that brought it.';
comment on column mestat.value_comment.created_at is 'When it was stored.';
grant select, insert on mestat.value_comment to mestat_daemon;

create view report.value_comments as
select c.id, c.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, c.indicator,
       i.name_zh as indicator_name_zh, i.name_en as indicator_name_en, c.period, c.comment, c.submission, c.created_at
  from mestat.value_comment c
  join mestat.reporter r on r.code = c.reporter
  join mestat.indicator i on i.code = c.indicator;
comment on view report.value_comments is
	'Comments a reporter sent on a cell without a value (DHIS2 data values with only a comment), newest last; the '
	'cell''s value is in report.latest_values.';
comment on column report.value_comments.id is 'Order of arrival.';
comment on column report.value_comments.reporter is 'Reporter code.';
comment on column report.value_comments.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.value_comments.reporter_name_en is 'Reporter name in English.';
comment on column report.value_comments.indicator is 'Indicator code.';
comment on column report.value_comments.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.value_comments.indicator_name_en is 'Indicator name in English.';
comment on column report.value_comments.period is 'Period code.';
comment on column report.value_comments.comment is 'The comment as sent.';
comment on column report.value_comments.submission is 'Submission that brought it.';
comment on column report.value_comments.created_at is 'When it was stored.';
grant select on report.value_comments to mestat_evaluator;

create function mestat.dhis2_validate(p_reporter text)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
	n integer;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;

	-- A comment without a value is validated as a deletion would be (its
	-- cell, not a value) and set apart by mestat.dhis2_notes().
	if not exists (select 1 from pg_attribute a
	                where a.attrelid = to_regclass('pg_temp.ingest_row') and a.attname = 'note_only'
	                  and not a.attisdropped) then
		alter table pg_temp.ingest_row add column note_only boolean not null default false;
	end if;
	update pg_temp.ingest_row r
	   set note_only = true, deleted = true
	 where not coalesce(r.deleted, false) and nullif(btrim(r.value), '') is null
	   and nullif(btrim(r.comment), '') is not null and nullif(btrim(r.status), '') is null;

	-- The operand DE.COC as the sender wrote it names the indicator.
	update pg_temp.ingest_row r
	   set indicator = m.our_code, coc = null
	  from mestat.code_mapping m
	 where not mestat.dhis2_default_combo(p_reporter, r.coc)
	   and m.reporter = p_reporter and m.scheme = 'dhis2_coc'
	   and m.their_code = btrim(r.indicator) || '.' || btrim(r.coc);

	return query
	select r.seq, r.loc, 'coc'::text, 422,
	       format('category option combo "%s" of data element "%s" is not mapped to a mestat indicator; the plan office '
	              'maps each disaggregation as %s.%s (mestat.add_code_mapping(''%s'', ''dhis2_coc'', ''%s.%s'', indicator)), '
	              'or send the total with the default combo', btrim(r.coc), btrim(r.indicator), btrim(r.indicator),
	              btrim(r.coc), p_reporter, btrim(r.indicator), btrim(r.coc))
	  from pg_temp.ingest_row r
	 where not mestat.dhis2_default_combo(p_reporter, r.coc)
	union all
	select r.seq, r.loc, 'aoc'::text, 422,
	       format('attribute option combo "%s" is not used by mestat; send the value with the default attribute option '
	              'combo', btrim(r.aoc))
	  from pg_temp.ingest_row r
	 where not mestat.dhis2_default_combo(p_reporter, r.aoc)
	 order by 1;
	get diagnostics n = row_count;
	if n > 0 then
		return;
	end if;
	return query select * from mestat.ingest_validate(p_reporter, 'dhis2');
end
$$;
comment on function mestat.dhis2_validate(text) is
	'Step 4 of an ingest on the DHIS2 endpoint: maps category option combos (operand DE.COC, code_mapping scheme '
	'dhis2_coc) to indicators, refuses unmapped combos and non-default attribute option combos, then runs '
	'mestat.ingest_validate(p_reporter, ''dhis2''). Same result shape as ingest_validate.';

create function mestat.dhis2_notes(p_submission bigint) returns integer
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
declare
	n integer;
begin
	if to_regclass('pg_temp.ingest_row') is null
	   or not exists (select 1 from pg_attribute a
	                   where a.attrelid = to_regclass('pg_temp.ingest_row') and a.attname = 'note_only'
	                     and not a.attisdropped) then
		return 0;
	end if;
	with moved as (
		delete from pg_temp.ingest_row r where r.note_only
		returning r.seq, r.reporter, r.indicator, r.period, r.comment
	)
	insert into mestat.value_comment (reporter, indicator, period, comment, submission)
	select m.reporter, m.indicator, m.period, m.comment, p_submission from moved m order by m.seq;
	get diagnostics n = row_count;
	return n;
end
$$;
comment on function mestat.dhis2_notes(bigint) is
	'After mestat.dhis2_validate() found no problem: moves the staged comments without a value into '
	'mestat.value_comment for submission p_submission; returns how many.';

create function mestat.dhis2_strategy(p_strategy text) returns integer
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
declare
	n integer;
begin
	if p_strategy not in ('CREATE', 'UPDATE') then
		raise exception 'dhis2_strategy: strategy must be CREATE or UPDATE, got "%"', p_strategy using errcode = '22023';
	end if;
	with cur as (
		select r.seq,
		       exists (select 1
		                 from mestat.current_value c
		                where c.reporter = r.reporter and c.indicator = r.indicator and c.period = r.period) as has
		  from pg_temp.ingest_row r
	)
	delete from pg_temp.ingest_row r
	 using cur
	 where cur.seq = r.seq and cur.has = (p_strategy = 'CREATE');
	get diagnostics n = row_count;
	return n;
end
$$;
comment on function mestat.dhis2_strategy(text) is
	'DHIS2 importStrategy, after validation: CREATE sets aside the staged rows whose cell has a current value, UPDATE '
	'those whose cell has none; returns how many were set aside (DHIS2 counts them as ignored).';

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
comment on table mestat.code_mapping is
	'Per reporter: its own codes and what they mean in mestat. Schemes: dhis2_de (DHIS2 dataElement UID or code → indicator), '
	'dhis2_ou (DHIS2 orgUnit → reporter), dhis2_coc (DHIS2 operand DATAELEMENT.CATEGORYOPTIONCOMBO → indicator), sdmx '
	'(SDMX dimension value → indicator or reporter). A code without a mapping is read as a mestat code. Administered with '
	'mestat.add_code_mapping().';

revoke all on function mestat.dhis2_validate(text) from public;
revoke all on function mestat.dhis2_strategy(text) from public;
revoke all on function mestat.dhis2_notes(bigint) from public;
grant execute on function mestat.dhis2_notes(bigint) to mestat_daemon;
grant execute on function mestat.dhis2_validate(text), mestat.dhis2_strategy(text),
	mestat.dhis2_is_default_combo(text), mestat.dhis2_default_combo(text, text) to mestat_daemon;
