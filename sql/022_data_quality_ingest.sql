-- 022_data_quality_ingest.sql: data quality at the moment of ingestion.
--
--   * Observation status: every version carries an SDMX OBS_STATUS code
--     (CL_OBS_STATUS 2.2: A normal, P provisional, E estimated, B break in
--     series, F forecast, M/L/O/Q/H missing, ...), default A. A missing
--     observation (status M, L, O, Q or H, no value) is stored as such: it
--     is reported-missing, not silence, and not a deletion.
--   * Unit multipliers: a value sent with SDMX UNIT_MULT (native unit_mult)
--     n is in units of 10^n of the indicator's base unit; it is converted
--     exactly (numeric arithmetic) to the catalog's own unit
--     (mestat.indicator.unit_mult), or refused when the result cannot be
--     stored exactly (a count that is not whole, a multiplier on a
--     percentage, a multiplier that is not an integer from -15 to 15).
--   * Validation rules as data (mestat.validation_rule), checked inside the
--     submission's transaction against the values as they will be after
--     it: severity refuse answers 422 naming the rule and the values;
--     severity warn is accepted and reported in the receipt's warnings.
--   * Outliers held for follow-up (mestat.follow_up): the log change of
--     each stored value against the reporter's own history, scored with
--     the modified z-score of Iglewicz and Hoaglin; flagged, never refused.
--
-- The ingestion steps of 005 are unchanged for mestatd except that
-- pg_temp.ingest_row has four more columns (status, unit_mult, followup,
-- missing) and step 5 may be called as
--   SELECT a.*, mestat.ingest_warnings($1) FROM mestat.ingest_apply($1) a
-- to get the warnings (a jsonb array) that go into the signed receipt.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Observation status (SDMX CL_OBS_STATUS)

create table mestat.obs_status (
	code text primary key check (code ~ '^[A-Z]$'),
	name_en text not null,
	name_zh text not null,
	missing boolean not null default false
);
comment on table mestat.obs_status is
	'SDMX observation status codes (cross-domain code list CL_OBS_STATUS, version 2.2) that a value may carry; '
	'A (normal value) when the sender says nothing.';
comment on column mestat.obs_status.code is 'The one-letter SDMX code, as sent in OBS_STATUS or "status".';
comment on column mestat.obs_status.name_en is 'Name in English (SDMX label).';
comment on column mestat.obs_status.name_zh is 'Name in Chinese.';
comment on column mestat.obs_status.missing is
	'True for the "missing value" codes: an observation with such a status carries no value and counts as reported-missing.';

insert into mestat.obs_status (code, name_en, name_zh, missing) values
	('A', 'Normal value', '正常值', false),
	('B', 'Time series break', '序列断点', false),
	('D', 'Definition differs', '口径不同', false),
	('E', 'Estimated value', '估计值', false),
	('F', 'Forecast value', '预测值', false),
	('G', 'Experimental value', '试验性数值', false),
	('H', 'Missing value; holiday or weekend', '缺失（节假日）', true),
	('I', 'Imputed value', '插补值', false),
	('J', 'Derogation', '豁免', false),
	('K', 'Data included in another category', '已计入其他类别', false),
	('L', 'Missing value; data exist but were not collected', '缺失（数据存在但未收集）', true),
	('M', 'Missing value; data cannot exist', '缺失（数据不可能存在）', true),
	('N', 'Not significant', '不显著', false),
	('O', 'Missing value', '缺失', true),
	('P', 'Provisional value', '初步值', false),
	('Q', 'Missing value; suppressed', '缺失（保密不公布）', true),
	('S', 'Strike and other special events', '罢工等特殊事件', false),
	('U', 'Low reliability', '可靠性低', false),
	('V', 'Unvalidated value', '未经核实', false);

alter table mestat.observation add column status text not null default 'A' references mestat.obs_status (code);
comment on column mestat.observation.status is
	'SDMX OBS_STATUS of this version (see mestat.obs_status): A normal, P provisional, E estimated, B break in series... '
	'A missing-value status (M, L, O, Q, H) comes without a value and is not a deletion.';

-- A version has no value when it is a deletion or a reported-missing observation.
do $$
declare
	c text;
begin
	select conname into c
	  from pg_constraint
	 where conrelid = 'mestat.observation'::regclass and contype = 'c'
	   and pg_get_constraintdef(oid) like '%deleted = (value IS NULL)%';
	if c is not null then
		execute format('alter table mestat.observation drop constraint %I', c);
	end if;
end
$$;
alter table mestat.observation add constraint observation_value_present
	check ((deleted and value is null)
	       or (not deleted and value is not null)
	       or (not deleted and value is null and status in ('H', 'L', 'M', 'O', 'Q')));
comment on constraint observation_value_present on mestat.observation is
	'A version carries a value, or is a deletion (deleted, no value), or reports the value missing (a missing-value status, '
	'no value).';

create or replace view mestat.current_value as
select v.indicator, v.reporter, v.period, v.value, v.comment, v.revision_count, v.first_recorded_at,
       v.last_changed_at, v.submission, v.observation_id, v.status
  from (select distinct on (o.reporter, o.indicator, o.period)
               o.indicator, o.reporter, o.period, o.value, o.deleted, o.comment, o.submission, o.status,
               o.id as observation_id,
               o.recorded_at as last_changed_at,
               (count(*) over cell)::integer as revision_count,
               min(o.recorded_at) over cell as first_recorded_at
          from mestat.observation o
        window cell as (partition by o.reporter, o.indicator, o.period)
         order by o.reporter, o.indicator, o.period, o.id desc) as v
 where not v.deleted and v.value is not null;
comment on view mestat.current_value is
	'Current value of every cell that has one (latest version neither a deletion nor reported missing), with its status '
	'and its history in brief.';
comment on column mestat.current_value.status is 'SDMX OBS_STATUS of the current value (A normal, P provisional, E estimated...).';

create or replace view report.latest_values as
select cv.indicator,
       i.name_zh as indicator_name_zh,
       i.name_en as indicator_name_en,
       i.unit,
       i.unit_zh,
       cv.reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       cv.period,
       p.kind as period_kind,
       p.end_date as period_end,
       cv.value,
       cv.comment,
       cv.revision_count,
       cv.first_recorded_at as first_reported_at,
       cv.last_changed_at,
       cv.submission as last_submission,
       cv.status,
       st.name_en as status_en,
       st.name_zh as status_zh
  from mestat.current_value cv
  join mestat.indicator i on i.code = cv.indicator
  join mestat.reporter r on r.code = cv.reporter
  join mestat.period p on p.code = cv.period
  join mestat.obs_status st on st.code = cv.status;
comment on column report.latest_values.status is
	'SDMX observation status of the value: A normal, P provisional, E estimated, B break in series, F forecast...';
comment on column report.latest_values.status_en is 'Name of the status in English.';
comment on column report.latest_values.status_zh is 'Name of the status in Chinese.';

------------------------------------------------------------------------------
-- Units: the power of ten of each indicator's unit

alter table mestat.indicator add column unit_mult integer not null default 0 check (unit_mult between -15 and 15);
comment on column mestat.indicator.unit_mult is
	'Power of ten of the catalog unit over its base unit, as SDMX UNIT_MULT counts it: 8 for CNY 100 million (亿元), 4 for '
	'10 thousand (万), 0 for counts and percentages. A value sent with UNIT_MULT n is multiplied by 10^(n - unit_mult).';
update mestat.indicator set unit_mult = 8 where unit = 'CNY 100 million';
update mestat.indicator set unit_mult = 4 where unit like '10 thousand %';

alter table mestat.indicator add column outlier_threshold numeric default 3.5 check (outlier_threshold > 0);
comment on column mestat.indicator.outlier_threshold is
	'Modified z-score (Iglewicz-Hoaglin) above which a value''s change against the reporter''s own history is held for '
	'follow-up; 3.5 as they recommend; NULL: values of this indicator are not scored.';

------------------------------------------------------------------------------
-- Staging: four more columns

create or replace function mestat.ingest_begin() returns void
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	-- A session that staged rows before this migration has the old table.
	if to_regclass('pg_temp.ingest_row') is not null
	   and not exists (select 1 from pg_attribute a
	                    where a.attrelid = to_regclass('pg_temp.ingest_row') and a.attname = 'missing'
	                      and not a.attisdropped) then
		drop table pg_temp.ingest_row;
	end if;
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
			aoc text,
			status text,
			unit_mult text,
			followup boolean,
			missing boolean
		) on commit delete rows;
	else
		delete from pg_temp.ingest_row;
	end if;
	-- The validation rules the staged values break, judged once by
	-- ingest_validate (refuse) and read again by ingest_warnings (warn).
	if to_regclass('pg_temp.ingest_rule_hit') is null then
		create temporary table ingest_rule_hit (
			rule text,
			severity text,
			reporter text,
			period text,
			left_value numeric,
			right_value numeric,
			indicators text[],
			message text,
			other_reporter text
		) on commit delete rows;
	else
		delete from pg_temp.ingest_rule_hit;
	end if;
end
$$;
comment on function mestat.ingest_begin() is
	'mestatd, step 1 of an ingest: create (first time in the session) or empty the temp table pg_temp.ingest_row(seq int, '
	'loc text, reporter text, indicator text, period text, value text, comment text, deleted bool, coc text, aoc text, '
	'status text, unit_mult text, followup bool, missing bool), ON COMMIT DELETE ROWS, to be filled with COPY '
	'pg_temp.ingest_row FROM STDIN. status is the SDMX OBS_STATUS as sent (NULL: A), unit_mult the SDMX UNIT_MULT as sent '
	'(NULL: the catalog unit), followup the sender''s own follow-up mark (DHIS2), missing is set by validation. Steps: '
	'ingest_begin, INSERT submission, COPY, ingest_validate, ingest_apply (+ ingest_warnings), UPDATE submission, COMMIT.';

------------------------------------------------------------------------------
-- Validation rules

create table mestat.validation_rule (
	name text primary key check (name ~ '^[a-z][a-z0-9_]{2,62}$'),
	left_side jsonb not null check (jsonb_typeof(left_side) = 'object' and left_side <> '{}'),
	operator text not null check (operator in ('<', '<=', '=', '>=', '>', 'both_or_neither')),
	right_side jsonb not null check (jsonb_typeof(right_side) = 'object' and right_side <> '{}'),
	tolerance numeric not null default 0 check (tolerance >= 0),
	severity text not null check (severity in ('refuse', 'warn')),
	period_kind text check (period_kind in ('quarter', 'year')),
	first_period text references mestat.period (code),
	last_period text references mestat.period (code),
	message_zh text not null check (message_zh <> ''),
	message_en text not null check (message_en <> ''),
	clause text,
	active boolean not null default true,
	created_at timestamptz not null default now(),
	created_by text not null default session_user,
	reporters text not null default 'same' check (reporters in ('same', 'parent'))
);
comment on table mestat.validation_rule is
	'Validation rules between indicators of the same reporter and period (or, with reporters = parent, of a reporter '
	'and the reporter it is part of), administered by the plan office in SQL. '
	'Each side is a sum of indicators with coefficients, written as a JSON object {"indicator": coefficient, ...}. A rule '
	'with an operator <, <=, =, >=, > is checked only when every indicator of both sides has a value (a missing part or '
	'total is a completeness matter, not a contradiction); both_or_neither asks that both sides have some value or neither. '
	'Checked in every submission''s transaction against the values as they will be after it; see report.validation_violations.';
comment on column mestat.validation_rule.name is 'Rule name, named in refusals and warnings.';
comment on column mestat.validation_rule.left_side is 'Left side: {"indicator": coefficient, ...}, summed.';
comment on column mestat.validation_rule.operator is '<, <=, =, >=, > (left against right) or both_or_neither.';
comment on column mestat.validation_rule.right_side is 'Right side: {"indicator": coefficient, ...}, summed.';
comment on column mestat.validation_rule.tolerance is 'For "=": the largest absolute difference still taken as equal (rounding).';
comment on column mestat.validation_rule.severity is 'refuse: the submission is refused (422); warn: accepted, and the sender is warned.';
comment on column mestat.validation_rule.period_kind is 'Periods it applies to: quarter, year, or NULL for both.';
comment on column mestat.validation_rule.first_period is 'First period it applies to (NULL: from the start).';
comment on column mestat.validation_rule.last_period is 'Last period it applies to (NULL: no end).';
comment on column mestat.validation_rule.message_zh is 'What is wrong, in Chinese, for the clerk.';
comment on column mestat.validation_rule.message_en is 'What is wrong, in English, for the clerk.';
comment on column mestat.validation_rule.clause is 'Clause of the plan the rule follows from.';
comment on column mestat.validation_rule.active is 'Only active rules are checked.';
comment on column mestat.validation_rule.created_at is 'When the rule was added.';
comment on column mestat.validation_rule.created_by is 'Database user who added it.';
comment on column mestat.validation_rule.reporters is
	'same: both sides are one reporter''s values; parent: the right side is a reporter''s (a separate-plan city''s), the '
	'left side its parent''s (the province it is part of), same period.';

create function mestat.validation_rule_check() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	bad text;
begin
	select s.key into bad
	  from (select key, value from jsonb_each(new.left_side) union all select key, value from jsonb_each(new.right_side)) s
	 where not exists (select 1 from mestat.indicator i where i.code = s.key) or jsonb_typeof(s.value) <> 'number'
	 limit 1;
	if found then
		raise exception 'validation rule %: "%" is not an indicator code with a number as coefficient', new.name, bad
			using errcode = '23514';
	end if;
	return new;
end
$$;
comment on function mestat.validation_rule_check() is
	'Trigger: every key of a validation rule''s sides is an indicator code and every coefficient a number.';
create trigger validation_rule_check before insert or update on mestat.validation_rule
	for each row execute function mestat.validation_rule_check();

create view mestat.validation_rule_term as
select vr.name as rule, 'left'::text as side, t.key as indicator, t.value::numeric as coefficient
  from mestat.validation_rule vr, jsonb_each_text(vr.left_side) t
union all
select vr.name, 'right', t.key, t.value::numeric
  from mestat.validation_rule vr, jsonb_each_text(vr.right_side) t;
comment on view mestat.validation_rule_term is 'The terms of every validation rule, one row per indicator and side.';
comment on column mestat.validation_rule_term.rule is 'Rule name.';
comment on column mestat.validation_rule_term.side is 'left or right.';
comment on column mestat.validation_rule_term.indicator is 'Indicator code.';
comment on column mestat.validation_rule_term.coefficient is 'Its coefficient in the sum.';

create function mestat.rule_applies(p_rule mestat.validation_rule, p_period text)
returns boolean
language sql
-- No SET clause: the planner inlines it into the queries that call it per row.
immutable
as $$
	select p_rule.active
	   and (p_rule.period_kind is null
	        or p_rule.period_kind = case when p_period ~ 'Q' then 'quarter' else 'year' end)
	   and (p_rule.first_period is null or left(p_period, 4) || coalesce(substring(p_period from 'Q([1-4])'), '4')
	            >= left(p_rule.first_period, 4) || coalesce(substring(p_rule.first_period from 'Q([1-4])'), '4'))
	   and (p_rule.last_period is null or left(p_period, 4) || coalesce(substring(p_period from 'Q([1-4])'), '4')
	            <= left(p_rule.last_period, 4) || coalesce(substring(p_rule.last_period from 'Q([1-4])'), '4'))
$$;
comment on function mestat.rule_applies(mestat.validation_rule, text) is
	'Whether validation rule p_rule applies to period p_period (active, kind, first and last period; a year counts as its Q4).';

create function mestat.rule_violated(p_operator text, p_tolerance numeric, p_left numeric, p_right numeric,
                                     p_left_all boolean, p_right_all boolean, p_left_any boolean, p_right_any boolean)
returns boolean
language sql
immutable
as $$
	select case p_operator
	       when 'both_or_neither' then p_left_any <> p_right_any
	       else p_left_all and p_right_all
	            and not case p_operator
	                    when '<' then p_left < p_right
	                    when '<=' then p_left <= p_right
	                    when '=' then abs(p_left - p_right) <= p_tolerance
	                    when '>=' then p_left >= p_right
	                    when '>' then p_left > p_right
	                    end
	       end
$$;
comment on function mestat.rule_violated(text, numeric, numeric, numeric, boolean, boolean, boolean, boolean) is
	'Whether a rule with operator p_operator is violated by sides summing to p_left and p_right (p_*_all: every term has '
	'a value; p_*_any: some term has one). Comparisons are judged only when both sides are complete.';

-- One cell value as a term of a rule: "2×col1_demo_completed 6".
create function mestat.rule_term_text(p_coefficient numeric, p_indicator text, p_value numeric)
returns text
language sql
immutable
as $$
	select case p_coefficient when 1 then '' when -1 then '-' else trim_scale(p_coefficient)::text || '×' end
	       || p_indicator || ' ' || coalesce(trim_scale(p_value)::text, '(none)')
$$;
comment on function mestat.rule_term_text(numeric, text, numeric) is 'A rule term and its value as text, for messages.';

create function mestat.rule_message(p_rule mestat.validation_rule, p_reporter text, p_period text, p_left numeric,
                                    p_right numeric, p_left_text text, p_right_text text)
returns text
language sql
immutable
as $$
	select format('rule %s: %s (%s). For %s %s: %s%s %s %s%s',
	              p_rule.name, p_rule.message_en, p_rule.message_zh, p_reporter, p_period,
	              p_left_text, case when p_rule.operator <> 'both_or_neither' and p_left_text ~ ' \+ '
	                                then ' = ' || coalesce(trim_scale(p_left)::text, '(none)') else '' end,
	              case p_rule.operator when 'both_or_neither' then 'and' else 'must be ' || p_rule.operator end,
	              p_right_text, case when p_rule.operator <> 'both_or_neither' and p_right_text ~ ' \+ '
	                                 then ' = ' || coalesce(trim_scale(p_right)::text, '(none)') else '' end)
	       || case p_rule.operator when 'both_or_neither' then ' must both be reported or both be left out' else '' end
$$;
comment on function mestat.rule_message(mestat.validation_rule, text, text, numeric, numeric, text, text) is
	'The sentence naming a violated rule and its values, for refusals, warnings and report.validation_violations.';

-- The rules touched by the staged rows, judged on the values as they will
-- be after the submission: a staged row wins over what is stored.
create function mestat.validation_check_staged()
returns table (rule text, severity text, reporter text, period text, left_value numeric, right_value numeric,
               indicators text[], message text, other_reporter text)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
begin
	return query
	with st as (
		select r.reporter, r.indicator, r.period,
		       case when not r.deleted and not coalesce(r.missing, false) then r.value::numeric end as v
		  from pg_temp.ingest_row r
		 where r.reporter is not null and r.indicator is not null and r.period is not null
	),
	touched as (
		select distinct st.reporter, st.period, st.indicator from st
	),
	-- (rule, reporter, period, other): other is the part (right side) of a
	-- reporters = parent rule, reporter its parent (left side).
	cand as (
		select distinct t.rule, s.reporter, s.period, null::text as other
		  from touched s
		  join mestat.validation_rule_term t on t.indicator = s.indicator
		  join mestat.validation_rule vr on vr.name = t.rule
		 where vr.reporters = 'same' and mestat.rule_applies(vr, s.period)
		union
		select distinct t.rule, case when t.side = 'right' then rp.parent else s.reporter end, s.period,
		       case when t.side = 'right' then s.reporter else ch.code end
		  from touched s
		  join mestat.validation_rule_term t on t.indicator = s.indicator
		  join mestat.validation_rule vr on vr.name = t.rule
		  join mestat.reporter rp on rp.code = s.reporter
		  left join mestat.reporter ch on t.side = 'left' and ch.parent = s.reporter
		 where vr.reporters = 'parent' and mestat.rule_applies(vr, s.period)
		   and case when t.side = 'right' then rp.parent is not null else ch.code is not null end
	),
	val as (
		select c.rule, c.reporter, c.other, c.period, t.side, t.indicator, t.coefficient,
		       case when s.indicator is not null then s.v else o.value end as v
		  from cand c
		  join mestat.validation_rule_term t on t.rule = c.rule
		  cross join lateral (
			select case when t.side = 'right' and c.other is not null then c.other else c.reporter end as who
		  ) as w
		  left join st s on s.reporter = w.who and s.indicator = t.indicator and s.period = c.period
		  left join lateral (
			select o.value
			  from mestat.observation o
			 where o.reporter = w.who and o.indicator = t.indicator and o.period = c.period
			 order by o.id desc
			 limit 1
		  ) as o on s.indicator is null
	),
	judged as (
		select v.rule, v.reporter, v.other, v.period,
		       sum(v.coefficient * v.v) filter (where v.side = 'left') as l,
		       sum(v.coefficient * v.v) filter (where v.side = 'right') as r,
		       bool_and(v.v is not null) filter (where v.side = 'left') as l_all,
		       bool_and(v.v is not null) filter (where v.side = 'right') as r_all,
		       bool_or(v.v is not null) filter (where v.side = 'left') as l_any,
		       bool_or(v.v is not null) filter (where v.side = 'right') as r_any,
		       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
		           filter (where v.side = 'left') as l_text,
		       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
		           filter (where v.side = 'right') as r_text,
		       array_agg(v.indicator order by v.side, v.indicator) as indicators
		  from val v
		 group by v.rule, v.reporter, v.other, v.period
	)
	select j.rule, vr.severity, j.reporter, j.period, j.l, j.r, j.indicators,
	       mestat.rule_message(vr, j.reporter || coalesce(' ≥ ' || j.other, ''), j.period, j.l, j.r, j.l_text, j.r_text),
	       j.other
	  from judged j
	  join mestat.validation_rule vr on vr.name = j.rule
	 where mestat.rule_violated(vr.operator, vr.tolerance, j.l, j.r, j.l_all, j.r_all, j.l_any, j.r_any);
end
$$;
comment on function mestat.validation_check_staged() is
	'Validation rules violated by the values as they will be once the staged rows of pg_temp.ingest_row (validated, '
	'tidied, converted to catalog units) are stored: for every reporter and period of the staged rows, each rule naming a '
	'staged indicator is judged on the staged values where sent and the stored current values otherwise.';

create view mestat.validation_violation as
with cand as (
	select distinct t.rule, cv.reporter, cv.period, null::text as other
	  from mestat.current_value cv
	  join mestat.validation_rule_term t on t.indicator = cv.indicator
	  join mestat.validation_rule vr on vr.name = t.rule
	 where vr.reporters = 'same' and mestat.rule_applies(vr, cv.period)
	union
	-- reporters = parent: the parent (left side) and its part (right side).
	select distinct t.rule, ch.parent, cv.period, ch.code
	  from mestat.current_value cv
	  join mestat.reporter ch on ch.parent is not null and ch.code = cv.reporter
	  join mestat.validation_rule_term t on t.indicator = cv.indicator
	  join mestat.validation_rule vr on vr.name = t.rule
	 where vr.reporters = 'parent' and mestat.rule_applies(vr, cv.period)
),
val as (
	select c.rule, c.reporter, c.other, c.period, t.side, t.indicator, t.coefficient, cv.value as v
	  from cand c
	  join mestat.validation_rule_term t on t.rule = c.rule
	  left join mestat.current_value cv
	    on cv.reporter = case when t.side = 'right' and c.other is not null then c.other else c.reporter end
	   and cv.indicator = t.indicator and cv.period = c.period
),
judged as (
	select v.rule, v.reporter, v.other, v.period,
	       sum(v.coefficient * v.v) filter (where v.side = 'left') as l,
	       sum(v.coefficient * v.v) filter (where v.side = 'right') as r,
	       bool_and(v.v is not null) filter (where v.side = 'left') as l_all,
	       bool_and(v.v is not null) filter (where v.side = 'right') as r_all,
	       bool_or(v.v is not null) filter (where v.side = 'left') as l_any,
	       bool_or(v.v is not null) filter (where v.side = 'right') as r_any,
	       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
	           filter (where v.side = 'left') as l_text,
	       string_agg(mestat.rule_term_text(v.coefficient, v.indicator, v.v), ' + ' order by v.indicator)
	           filter (where v.side = 'right') as r_text
	  from val v
	 group by v.rule, v.reporter, v.other, v.period
)
select j.rule, vr.severity, j.reporter, j.period, vr.operator, j.l as left_value, j.r as right_value,
       j.l_text as left_terms, j.r_text as right_terms,
       mestat.rule_message(vr, j.reporter || coalesce(' ≥ ' || j.other, ''), j.period, j.l, j.r, j.l_text, j.r_text)
           as message,
       vr.message_zh, vr.message_en, vr.clause, j.other as other_reporter
  from judged j
  join mestat.validation_rule vr on vr.name = j.rule
 where mestat.rule_violated(vr.operator, vr.tolerance, j.l, j.r, j.l_all, j.r_all, j.l_any, j.r_any);
comment on view mestat.validation_violation is
	'Every violation of an active validation rule by the current values (see mestat.validation_rule).';

create view report.validation_violations as
select v.rule, v.severity, v.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, v.period,
       v.operator, v.left_value, v.right_value, v.left_terms, v.right_terms, v.message, v.message_zh, v.message_en,
       v.clause, v.other_reporter
  from mestat.validation_violation v
  join mestat.reporter r on r.code = v.reporter;
comment on view report.validation_violations is
	'Every current violation of a validation rule (mestat.validation_rule), for the plan office to chase: warn rules that '
	'were accepted, and refuse rules broken by values stored before the rule existed.';
comment on column report.validation_violations.rule is 'Rule name.';
comment on column report.validation_violations.severity is 'refuse or warn.';
comment on column report.validation_violations.reporter is 'Reporter code.';
comment on column report.validation_violations.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.validation_violations.reporter_name_en is 'Reporter name in English.';
comment on column report.validation_violations.period is 'Period code.';
comment on column report.validation_violations.operator is '<, <=, =, >=, > or both_or_neither.';
comment on column report.validation_violations.left_value is 'Sum of the left side (NULL when a term is missing).';
comment on column report.validation_violations.right_value is 'Sum of the right side (NULL when a term is missing).';
comment on column report.validation_violations.left_terms is 'Left side, each term with its value.';
comment on column report.validation_violations.right_terms is 'Right side, each term with its value.';
comment on column report.validation_violations.message is 'The sentence a clerk reads: rule, what is wrong, the values.';
comment on column report.validation_violations.message_zh is 'The rule''s message in Chinese.';
comment on column report.validation_violations.message_en is 'The rule''s message in English.';
comment on column report.validation_violations.clause is 'Clause of the plan the rule follows from.';
comment on column report.validation_violations.other_reporter is
	'For a rule between a reporter and its part (reporters = parent): the part (the separate-plan city) whose value '
	'is compared with reporter''s (its province); else NULL.';

-- The columns of mestat.validation_violation mean what they mean in the report view.
do $$
declare
	c record;
begin
	for c in select a.attname
	           from pg_attribute a
	          where a.attrelid = 'mestat.validation_violation'::regclass and a.attnum > 0
	loop
		execute format('comment on column mestat.validation_violation.%I is %L', c.attname,
		               (select col_description('report.validation_violations'::regclass, b.attnum)
		                  from pg_attribute b
		                 where b.attrelid = 'report.validation_violations'::regclass and b.attname = c.attname));
	end loop;
end
$$;

-- Rules the plan's indicators imply.
insert into mestat.validation_rule (name, left_side, operator, right_side, severity, period_kind, message_zh, message_en, clause)
values
	('col1_completed_le_launched', '{"col1_demo_completed": 1}', '<=', '{"col1_demo_launched": 1}', 'refuse', 'year',
	 '专栏1已完成的示范项目数不能多于已启动的项目数', 'completed column 1 demonstration projects cannot outnumber launched ones',
	 '专栏1'),
	('col2_completed_le_launched', '{"col2_demo_completed": 1}', '<=', '{"col2_demo_launched": 1}', 'refuse', 'year',
	 '专栏2已完成的示范项目数不能多于已启动的项目数', 'completed column 2 demonstration projects cannot outnumber launched ones',
	 '专栏2'),
	('col3_completed_le_launched', '{"col3_demo_completed": 1}', '<=', '{"col3_demo_launched": 1}', 'refuse', 'year',
	 '专栏3已完成的示范项目数不能多于已启动的项目数', 'completed column 3 demonstration projects cannot outnumber launched ones',
	 '专栏3'),
	('col4_completed_le_launched', '{"col4_demo_completed": 1}', '<=', '{"col4_demo_launched": 1}', 'refuse', 'year',
	 '专栏4已完成的示范项目数不能多于已启动的项目数', 'completed column 4 demonstration projects cannot outnumber launched ones',
	 '专栏4'),
	('online_retail_le_retail_total', '{"online_retail_sales": 1}', '<=', '{"retail_sales_total": 1}', 'warn', 'quarter',
	 '网上零售额一般不超过社会消费品零售总额（其比重为网上零售额占比指标）',
	 'online retail sales are normally part of total retail sales (their ratio is online_retail_share)', '四(一)'),
	('online_retail_le_ecommerce', '{"online_retail_sales": 1}', '<=', '{"ecommerce_turnover": 1}', 'warn', 'quarter',
	 '网上零售额是电子商务交易额的一部分', 'online retail sales are part of the e-commerce transaction volume', '四(一)'),
	('cross_border_le_ecommerce', '{"cross_border_ecommerce": 1}', '<=', '{"ecommerce_turnover": 1}', 'warn', 'quarter',
	 '跨境电子商务交易额一般是电子商务交易额的一部分',
	 'cross-border e-commerce is normally part of the e-commerce transaction volume', '四(一)'),
	('online_share_with_parts', '{"online_retail_share": 1}', 'both_or_neither',
	 '{"online_retail_sales": 1, "retail_sales_total": 1}', 'warn', 'quarter',
	 '网上零售额占比应与网上零售额、社会消费品零售总额一同报送',
	 'the online retail share is reported together with online retail sales and total retail sales', '四(一)'),
	('tech_contracts_with_turnover', '{"tech_contracts": 1}', 'both_or_neither', '{"tech_contract_turnover": 1}', 'warn',
	 'quarter', '技术合同成交项数与成交额应一同报送',
	 'the number of technology contracts and their turnover are reported together', '七(二)');

-- A separate-plan city (计划单列市: 大连, 青岛, 宁波, 厦门, 深圳) is part of its
-- province (reporter.parent): national sums add only the provinces. So a
-- province's count is not below its city's.
insert into mestat.validation_rule (name, left_side, operator, right_side, severity, message_zh, message_en, clause,
                                    reporters)
select 'province_ge_city_' || i.code, jsonb_build_object(i.code, 1), '>=', jsonb_build_object(i.code, 1), 'warn',
       format('省的%s不应少于其计划单列市（计划单列市包含在省内）', i.name_zh),
       format('a province''s %s is not below its separate-plan city''s (the city is part of the province)', i.name_en),
       i.clause, 'parent'
  from mestat.indicator i
 where i.scope = 'provincial' and i.aggregation = 'sum' and i.value_type = 'integer' and i.active
 order by i.code;

------------------------------------------------------------------------------
-- Outliers held for follow-up

create table mestat.follow_up (
	id bigint generated always as identity primary key,
	observation bigint not null references mestat.observation (id),
	submission bigint references mestat.submission (id),
	reporter text not null references mestat.reporter (code),
	indicator text not null references mestat.indicator (code),
	period text not null references mestat.period (code),
	value numeric,
	kind text not null check (kind in ('history', 'peers', 'jump', 'reporter')),
	score double precision,
	threshold numeric,
	compared_period text,
	compared_value numeric,
	message text not null,
	flagged_at timestamptz not null default now(),
	decision text check (decision in ('confirmed', 'correction_requested')),
	decided_at timestamptz,
	decided_by text,
	note text,
	check ((decision is null) = (decided_at is null))
);
comment on table mestat.follow_up is
	'Values held for follow-up: accepted and stored, but unusual against the reporter''s own history (kind history: '
	'modified z-score of the log change above the indicator''s threshold; kind peers: the same score against the other '
	'provinces where the own history is too short; kind jump: a tenfold change where neither can be scored), or marked for follow-up by the sender (kind reporter: DHIS2 followup). The plan office decides '
	'with mestat.resolve_follow_up().';
comment on column mestat.follow_up.id is 'Follow-up id, as passed to mestat.resolve_follow_up().';
comment on column mestat.follow_up.observation is 'The value version held (mestat.observation.id).';
comment on column mestat.follow_up.submission is 'Submission that brought it.';
comment on column mestat.follow_up.reporter is 'Reporter code.';
comment on column mestat.follow_up.indicator is 'Indicator code.';
comment on column mestat.follow_up.period is 'Period code.';
comment on column mestat.follow_up.value is 'The value held.';
comment on column mestat.follow_up.kind is 'history, peers, jump or reporter (see the table).';
comment on column mestat.follow_up.score is 'Modified z-score of the change (kind history); NULL otherwise or when the history never moved.';
comment on column mestat.follow_up.threshold is 'Threshold the score was compared with.';
comment on column mestat.follow_up.compared_period is 'Period of the value it was compared with (a year or a quarter earlier).';
comment on column mestat.follow_up.compared_value is 'That value.';
comment on column mestat.follow_up.message is 'The sentence the clerk received.';
comment on column mestat.follow_up.flagged_at is 'When it was flagged.';
comment on column mestat.follow_up.decision is 'NULL while open; confirmed (the value is right) or correction_requested.';
comment on column mestat.follow_up.decided_at is 'When the plan office decided.';
comment on column mestat.follow_up.decided_by is 'Who decided (mestat.actor, else the database user).';
comment on column mestat.follow_up.note is 'The plan office''s note.';
create index follow_up_cell on mestat.follow_up (reporter, indicator, period);
comment on index mestat.follow_up_cell is 'Follow-ups of a cell.';
create index follow_up_observation on mestat.follow_up (observation);
comment on index mestat.follow_up_observation is 'Follow-ups of a value version.';

-- 13200 -> "13,200"; 1.25 -> "1.25".
create function mestat.number_text(p numeric)
returns text
language sql
immutable
as $$
	select case when p < 0 then '-' else '' end
	       || regexp_replace(split_part(trim_scale(abs(p))::text, '.', 1), '(\d)(?=(\d{3})+$)', '\1,', 'g')
	       || coalesce('.' || nullif(split_part(trim_scale(abs(p))::text, '.', 2), ''), '')
$$;
comment on function mestat.number_text(numeric) is 'A number with thousands separators, for messages: 13200 -> 13,200.';

-- The sentence a clerk reads about a value far from what came before.
create function mestat.outlier_message(p_value numeric, p_prior_period text, p_prior numeric, p_score double precision,
                                       p_threshold numeric, p_basis text, p_peers bigint, p_peer_median double precision)
returns text
language sql
immutable
as $$
	-- Chinese first, for the clerk, then the same in English.
	select format('%s %s你方 %s 数值 %s %s',
	              mestat.number_text(p_value),
	              case when p_value >= 2 * p_prior then '是' when p_value * 2 <= p_prior then '仅为' else '比' end,
	              p_prior_period, mestat.number_text(p_prior),
	              case
	              when p_value >= 2 * p_prior then
	                   '的 ' || case when p_value >= 10 * p_prior then trunc(p_value / p_prior)::text
	                                else trim_scale(round(p_value / p_prior, 1))::text end || ' 倍'
	              when p_value * 2 <= p_prior then
	                   '的 1/' || case when p_prior >= 10 * p_value then trunc(p_prior / p_value)::text
	                                  else trim_scale(round(p_prior / p_value, 1))::text end
	              when p_value >= p_prior then '高 ' || round(100 * (p_value - p_prior) / p_prior)::text || '%'
	              else '低 ' || round(100 * (p_prior - p_value) / p_prior)::text || '%'
	              end)
	       || case when p_peers is not null
	               then format('，而其他 %s 个省份的变化中位数为 %s%%', p_peers,
	                           case when p_peer_median >= 0 then '+' else '' end
	                           || round(100 * (exp(p_peer_median) - 1))::text)
	               else '' end
	       || '；如数值无误，无需处理；如有误，请报送更正值'
	       || case when p_peers is not null
	               then format('（相对其他省份的稳健评分 %s，阈值 %s）', round(p_score::numeric, 1), trim_scale(p_threshold))
	               when p_score is not null
	               then format('（相对你方以往%s变化的稳健评分 %s，阈值 %s）',
	                           case p_basis when 'year-on-year' then '同比' else '环比' end,
	                           round(p_score::numeric, 1), trim_scale(p_threshold))
	               when p_basis is not null
	               then format('（你方以往%s从未变化，阈值 %s）',
	                           case p_basis when 'year-on-year' then '同比' else '环比' end, trim_scale(p_threshold))
	               else '（历史数据太少，无法评分，按十倍变化提示）'
	          end
	       || ' / '
	       || format('%s is %s your %s value of %s',
	              mestat.number_text(p_value),
	              case
	              when p_value >= 2 * p_prior then
	                   case when p_value >= 10 * p_prior then trunc(p_value / p_prior)::text
	                        else trim_scale(round(p_value / p_prior, 1))::text end || '×'
	              when p_value * 2 <= p_prior then
	                   '1/' || case when p_prior >= 10 * p_value then trunc(p_prior / p_value)::text
	                                else trim_scale(round(p_prior / p_value, 1))::text end || ' of'
	              when p_value >= p_prior then round(100 * (p_value - p_prior) / p_prior)::text || '% above'
	              else round(100 * (p_prior - p_value) / p_prior)::text || '% below'
	              end,
	              p_prior_period, mestat.number_text(p_prior))
	       || case when p_peers is not null
	               then format(', while the other %s provinces changed by a median of %s%%', p_peers,
	                           case when p_peer_median >= 0 then '+' else '' end
	                           || round(100 * (exp(p_peer_median) - 1))::text)
	               else '' end
	       || '; if it is right, no action is needed; if not, send the corrected value'
	       || case when p_peers is not null
	               then format(' (robust score %s against the other provinces; threshold %s)',
	                           round(p_score::numeric, 1), trim_scale(p_threshold))
	               when p_score is not null
	               then format(' (robust score %s against your own %s changes; threshold %s)',
	                           round(p_score::numeric, 1), p_basis, trim_scale(p_threshold))
	               when p_basis is not null
	               then format(' (your own %s changes so far never moved; threshold %s)', p_basis, trim_scale(p_threshold))
	               else ' (too little history to score; a tenfold change is shown)'
	          end
$$;
comment on function mestat.outlier_message(numeric, text, numeric, double precision, numeric, text, bigint, double precision) is
	'The warning for an unusual value, in Chinese and then in English: "13,200 是你方 2018Q2 数值 134 的 98 倍；如数值无误，无需处理；... / '
	'13,200 is 98× your 2018Q2 value of 134; if it is right, no action is needed; ..." '
	'and why it was held: a score against the reporter''s own p_basis changes, against p_peers other provinces whose '
	'median log change is p_peer_median, or a tenfold change.';

-- Outlier scores of the values stored by one submission.
--
-- For each value: the comparable earlier value of the same reporter is the
-- same quarter a year before for quarterly flows (seasonal), the quarter
-- before for quarterly stocks, the year before for annual indicators. The
-- log change x = ln(value / earlier) is scored against the reporter's own
-- earlier changes h (the changes involving this cell left out, and no change
-- measured across a break in series, status B) with the modified z-score of
-- Iglewicz and Hoaglin, M = 0.6745 (x - median h) / MAD h. When MAD is 0
-- the mean absolute deviation stands in (M = (x - median) / (1.253314 MeanAD));
-- when that is 0 too the history never moved, and a change of more than 5%
-- from it is held. With fewer than 4 earlier changes the same change of at
-- least 5 other provinces in the same period is the reference (kind peers,
-- provincial indicators, changes of 25% or more: a smaller one is no typo
-- worth asking about); with fewer, a tenfold rise or fall is held (kind
-- jump).
create function mestat.outliers_of_submission(p_submission bigint)
returns table (observation bigint, reporter text, indicator text, period text, value numeric, kind text,
               score double precision, threshold numeric, compared_period text, compared_value numeric, message text)
language plpgsql
stable
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
-- plpgsql, not sql: the plan is kept for the session instead of made anew on every call.
as $$
#variable_conflict use_column
begin
	return query
	-- Each series (reporter, indicator) the submission touches is read once,
	-- through the index observation_cell, into arrays; each value is then
	-- scored on its series' changes in memory. The work grows with the rows
	-- sent, whatever the planner thinks of the tables' statistics.
	with obs as (
		select o.id, o.reporter, o.indicator, o.period, o.value, i.outlier_threshold as thr, i.scope,
		       case when i.periodicity = 'annual' or i.measure = 'flow' then 4 else 1 end as lag,
		       case when i.periodicity = 'annual' or i.measure = 'flow' then 'year-on-year' else 'quarter-on-quarter' end
		           as basis,
		       4 * (p.year - 2015) + coalesce(p.quarter, 4) - 4 as k,
		       prior.period as e_period, prior.value as e_value
		  from mestat.observation o
		  join mestat.indicator i on i.code = o.indicator
		  join mestat.period p on p.code = o.period
		  -- Only a value with a comparable earlier one can be judged.
		  cross join lateral (
			select o2.period, o2.value
			  from mestat.observation o2
			 where o2.reporter = o.reporter and o2.indicator = o.indicator
			   and o2.period = case
			                   when p.kind = 'year' then (p.year - 1)::text
			                   when i.measure = 'flow' then (p.year - 1)::text || 'Q' || p.quarter
			                   when p.quarter = 1 then (p.year - 1)::text || 'Q4'
			                   else p.year::text || 'Q' || (p.quarter - 1)
			                   end
			 order by o2.id desc
			 limit 1
		  ) as prior
		 where o.submission = p_submission and o.value > 0 and o.status <> 'B' and i.outlier_threshold is not null
		   and prior.value > 0
	),
	series as materialized (
		select sr.reporter, sr.indicator, sr.lag, ch.k_to, ch.k_from, ch.h
		  from (select distinct b.reporter, b.indicator, b.lag from obs b) as sr
		  cross join lateral (
			with c as materialized (
				select c.value, c.status, 4 * (p.year - 2015) + coalesce(p.quarter, 4) - 4 as k
				  from (select distinct on (o.period) o.period, o.value, o.status
				          from mestat.observation o
				         where o.reporter = sr.reporter and o.indicator = sr.indicator
				         order by o.period, o.id desc) as c
				  join mestat.period p on p.code = c.period
				 where c.value > 0
			)
			select array_agg(s.k) as k_to, array_agg(e.k) as k_from,
			       array_agg(ln(s.value::double precision / e.value::double precision)) as h
			  from c s
			  join c e on e.k = s.k - sr.lag
			 where s.status <> 'B'
		  ) as ch
	),
	hist as (
		select b.*, ln(b.value::double precision / b.e_value::double precision) as x, md.n, md.m, sp.mad, sp.meanad
		  from obs b
		  join series r on r.reporter = b.reporter and r.indicator = b.indicator
		  cross join lateral (
			select count(*) as n, percentile_cont(0.5) within group (order by u.h) as m
			  from unnest(r.k_to, r.k_from, r.h) as u(k_to, k_from, h)
			 where u.k_to <> b.k and u.k_from <> b.k
		  ) as md
		  cross join lateral (
			select percentile_cont(0.5) within group (order by abs(u.h - md.m)) as mad, avg(abs(u.h - md.m)) as meanad
			  from unnest(r.k_to, r.k_from, r.h) as u(k_to, k_from, h)
			 where u.k_to <> b.k and u.k_from <> b.k
		  ) as sp
	),
	scored as (
		select h.*,
		       case when h.n < 4 then null
		            when h.mad > 0 then 0.6745 * (h.x - h.m) / h.mad
		            when h.meanad > 0 then (h.x - h.m) / (1.253314 * h.meanad)
		       end as z,
		       case when h.n < 4 and pe.n >= 5 and pe.mad > 0 then 0.6745 * (h.x - pe.m) / pe.mad end as zp,
		       pe.n as peers, pe.m as peer_median
		  from hist h
		  -- Where the own history is too short: the same change of the other
		  -- provinces (province-level reporters) in the same period.
		  left join lateral (
			with ys as (
				select ln(c.value::double precision / e.value::double precision) as y
				  from mestat.reporter pr
				  cross join lateral (
					select o.value, o.status from mestat.observation o
					 where o.reporter = pr.code and o.indicator = h.indicator and o.period = h.period
					 order by o.id desc limit 1
				  ) as c
				  cross join lateral (
					select o.value from mestat.observation o
					 where o.reporter = pr.code and o.indicator = h.indicator and o.period = h.e_period
					 order by o.id desc limit 1
				  ) as e
				 where pr.code <> h.reporter and pr.active and pr.parent is null and pr.kind not in ('ministry', 'department')
				   and c.value > 0 and e.value > 0 and c.status <> 'B'
				   -- Here, not in the join condition: a lateral join's condition is
				   -- checked after the subquery ran, so the probes of every other
				   -- province would run for every value.
				   and h.n < 4 and h.scope = 'provincial' and abs(h.x) >= ln(1.25::double precision)
			),
			pm as (
				select count(*) as n, percentile_cont(0.5) within group (order by ys.y) as m from ys
			)
			select pm.n, pm.m, (select percentile_cont(0.5) within group (order by abs(ys.y - pm.m)) from ys) as mad
			  from pm
		  ) as pe on true
	)
	select s.id, s.reporter, s.indicator, s.period, s.value,
	       case when s.n >= 4 then 'history' when s.zp is not null then 'peers' else 'jump' end,
	       coalesce(s.z, s.zp), s.thr, s.e_period, s.e_value,
	       mestat.outlier_message(s.value, s.e_period, s.e_value, coalesce(s.z, s.zp), s.thr,
	                              case when s.n >= 4 then s.basis end,
	                              case when s.zp is not null then s.peers end, s.peer_median)
	  from scored s
	 where case
	       when s.n >= 4 and s.z is not null then abs(s.z) > s.thr
	       when s.n >= 4 then abs(s.x - s.m) > ln(1.05::double precision)
	       when s.zp is not null then abs(s.zp) > s.thr
	       else abs(s.x) >= ln(10::double precision)
	       end;
end
$$;
comment on function mestat.outliers_of_submission(bigint) is
	'The values stored by submission p_submission that are far from the reporter''s own history: modified z-score '
	'(Iglewicz-Hoaglin) of the log change year-on-year (flows, annual indicators) or quarter-on-quarter (stocks) against '
	'the reporter''s earlier changes, above the indicator''s outlier_threshold; with fewer than 4 earlier changes, the '
	'same score against the other provinces'' changes in the same period (at least 5 of them), else a tenfold change. '
	'No change is measured across a break in series (status B).';

create function mestat.ingest_warnings(p_submission bigint)
returns jsonb
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
declare
	w_out jsonb;
	w_rule jsonb;
begin
	with flagged as (
		insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, score, threshold,
		                              compared_period, compared_value, message)
		select f.observation, p_submission, f.reporter, f.indicator, f.period, f.value, f.kind, f.score, f.threshold,
		       f.compared_period, f.compared_value, f.message
		  from mestat.outliers_of_submission(p_submission) f
		returning follow_up.indicator, follow_up.period, follow_up.kind, follow_up.score, follow_up.message
	)
	select coalesce(jsonb_agg(jsonb_build_object('indicator', f.indicator, 'period', f.period,
	                                             'score', case when f.score is not null then round(f.score::numeric, 2)::text end,
	                                             'rule', case f.kind when 'jump' then 'tenfold_change' when 'peers' then 'modified_z_score_peers'
	                                                                 when 'history' then 'modified_z_score' end,
	                                             'message', f.message)
	                          order by f.indicator, f.period), '[]')
	  into w_out
	  from flagged f;

	-- The sender's own follow-up marks (DHIS2 followup) on the values it sent.
	insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
	select c.id, c.submission, c.reporter, c.indicator, c.period, c.value, 'reporter',
	       '报送方标记为待核实 / marked for follow-up by the sender'
	  from pg_temp.ingest_row r
	  cross join lateral (
		select o.id, o.submission, o.reporter, o.indicator, o.period, o.value
		  from mestat.observation o
		 where o.reporter = r.reporter and o.indicator = r.indicator and o.period = r.period
		 order by o.id desc
		 limit 1
	  ) as c
	 where r.followup;

	select coalesce(jsonb_agg(jsonb_build_object('indicator', v.indicators[1], 'period', v.period, 'rule', v.rule,
	                                             'message', v.message)
	                          order by v.rule, v.period), '[]')
	  into w_rule
	  from pg_temp.ingest_rule_hit v
	 where v.severity = 'warn';

	return w_out || w_rule;
end
$$;
comment on function mestat.ingest_warnings(bigint) is
	'mestatd, with step 5 (after ingest_apply): hold the unusual values of submission p_submission for follow-up '
	'(mestat.follow_up, with the sender''s own DHIS2 followup marks) and return the warnings for the receipt: a JSON array '
	'of {indicator, period, rule, score, message} (score as text, so that the signed receipt has no binary fractions), outliers first, then the warn rules (mestat.validation_rule) the '
	'values now break.';

create function mestat.resolve_follow_up(p_id bigint, p_decision text, p_note text default null)
returns mestat.follow_up
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	f mestat.follow_up;
	d text := case lower(btrim(p_decision))
	          when 'confirm' then 'confirmed' when 'confirmed' then 'confirmed'
	          when 'correct' then 'correction_requested' when 'correction_requested' then 'correction_requested'
	          end;
begin
	if d is null then
		raise exception 'decision must be confirm (the value is right) or correct (ask the reporter for a correction), '
			'got "%"', p_decision using errcode = '22023';
	end if;
	update mestat.follow_up u
	   set decision = d, decided_at = now(),
	       decided_by = coalesce(nullif(current_setting('mestat.actor', true), ''), session_user), note = p_note
	 where u.id = p_id
	returning * into f;
	if not found then
		raise exception 'follow-up % does not exist', p_id using errcode = '22023';
	end if;
	return f;
end
$$;
comment on function mestat.resolve_follow_up(bigint, text, text) is
	'The plan office decides a follow-up: decision confirm (the value is right; it counts as a confirmed outlier) or '
	'correct (the reporter is asked for a corrected value), with a note. A later decision replaces an earlier one.';

create view report.follow_up as
select f.id, f.reporter, r.name_zh as reporter_name_zh, r.name_en as reporter_name_en, f.indicator,
       i.name_zh as indicator_name_zh, i.name_en as indicator_name_en, f.period, f.value, o.status, f.kind, f.score,
       f.threshold, f.compared_period, f.compared_value, f.message, f.flagged_at, f.submission,
       case
       when f.decision is not null then f.decision
       when exists (select 1 from mestat.observation n
                     where n.reporter = f.reporter and n.indicator = f.indicator and n.period = f.period
                       and n.id > f.observation) then 'superseded'
       else 'open'
       end as state,
       f.decision, f.decided_at, f.decided_by, f.note
  from mestat.follow_up f
  join mestat.observation o on o.id = f.observation
  join mestat.reporter r on r.code = f.reporter
  join mestat.indicator i on i.code = f.indicator;
comment on view report.follow_up is
	'Values held for follow-up with their reason and state: open (waiting for the plan office), superseded (the reporter '
	'has sent a newer value since), confirmed, correction_requested. Decide with mestat.resolve_follow_up(id, decision, note).';
comment on column report.follow_up.id is 'Follow-up id for mestat.resolve_follow_up().';
comment on column report.follow_up.reporter is 'Reporter code.';
comment on column report.follow_up.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.follow_up.reporter_name_en is 'Reporter name in English.';
comment on column report.follow_up.indicator is 'Indicator code.';
comment on column report.follow_up.indicator_name_zh is 'Indicator name in Chinese.';
comment on column report.follow_up.indicator_name_en is 'Indicator name in English.';
comment on column report.follow_up.period is 'Period code.';
comment on column report.follow_up.value is 'The value held.';
comment on column report.follow_up.status is 'Its SDMX observation status.';
comment on column report.follow_up.kind is
	'history (robust score against the own history), peers (against the other provinces), jump (tenfold change, short '
	'history) or reporter (sender''s mark).';
comment on column report.follow_up.score is 'Modified z-score of its change, when scored.';
comment on column report.follow_up.threshold is 'Threshold of the score.';
comment on column report.follow_up.compared_period is 'Period it was compared with.';
comment on column report.follow_up.compared_value is 'Value it was compared with.';
comment on column report.follow_up.message is 'The warning the clerk received.';
comment on column report.follow_up.flagged_at is 'When it was flagged.';
comment on column report.follow_up.submission is 'Submission that brought it.';
comment on column report.follow_up.state is 'open, superseded, confirmed or correction_requested.';
comment on column report.follow_up.decision is 'The plan office''s decision, if any.';
comment on column report.follow_up.decided_at is 'When it was decided.';
comment on column report.follow_up.decided_by is 'Who decided.';
comment on column report.follow_up.note is 'The plan office''s note.';

------------------------------------------------------------------------------
-- Validation and storing, with status, unit multipliers and rules

create or replace function mestat.ingest_validate(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
as $$
#variable_conflict use_column
declare
	n integer;
	refused integer;
begin
	if to_regclass('pg_temp.ingest_row') is null then
		raise exception 'pg_temp.ingest_row does not exist: call mestat.ingest_begin() first' using errcode = '55000';
	end if;

	-- Status first: a missing-value status with no value is a reported-missing
	-- observation; the row rules read it as a deletion (nothing to check).
	update pg_temp.ingest_row r
	   set status = coalesce(nullif(upper(btrim(r.status)), ''), 'A'),
	       unit_mult = nullif(btrim(r.unit_mult), ''),
	       followup = coalesce(r.followup, false);
	update pg_temp.ingest_row r
	   set missing = (not coalesce(r.deleted, false) and nullif(btrim(r.value), '') is null
	                  and exists (select 1 from mestat.obs_status s where s.code = r.status and s.missing));
	update pg_temp.ingest_row r set deleted = true, value = null where r.missing;

	return query
	select x.seq, x.loc, x.field, x.status, x.reason from mestat.ingest_validate_rows(p_reporter, p_scheme) x
	 where not (x.field = 'value' and exists (select 1 from pg_temp.ingest_row m where m.seq = x.seq and m.missing));
	get diagnostics refused = row_count;
	update pg_temp.ingest_row r set deleted = false where r.missing;

	return query
	select r.seq, r.loc, 'status'::text, 422,
	       format('status "%s" is not an SDMX observation status; use A (normal), P (provisional), E (estimated), B (break '
	              'in series), F (forecast) or another code of CL_OBS_STATUS, or M/L for a value that is missing', r.status)
	  from pg_temp.ingest_row r
	 where not exists (select 1 from mestat.obs_status s where s.code = r.status)
	union all
	select r.seq, r.loc, 'status'::text, 422,
	       format('status %s means the value is missing, but the value %s was sent; send the value with another status, '
	              'or no value', r.status, r.value)
	  from pg_temp.ingest_row r
	  join mestat.obs_status s on s.code = r.status
	 where s.missing and not r.deleted and not r.missing and r.value is not null
	union all
	select r.seq, r.loc, 'unit_mult'::text, 422,
	       format('unit multiplier "%s" is not understood; send an integer power of ten from -15 to 15 (SDMX UNIT_MULT: '
	              '4 for 10 thousand, 8 for 100 million), or leave it out to send the value in the catalog unit', r.unit_mult)
	  from pg_temp.ingest_row r
	 where r.unit_mult is not null and r.unit_mult !~ '^[+-]?[0-9]{1,2}$'
	   or (r.unit_mult ~ '^[+-]?[0-9]{1,2}$' and abs(r.unit_mult::integer) > 15);
	get diagnostics n = row_count;
	-- What follows computes with the values: only on rows that passed so far.
	if n + refused > 0 then
		return;
	end if;

	-- Unit multipliers: the value in the catalog's unit, exactly.
	return query
	select r.seq, r.loc, 'unit_mult'::text, 422,
	       case
	       when i.value_type = 'percent' then
	            format('indicator "%s" is a percentage; a unit multiplier (%s) cannot apply to it; send the percentage itself',
	                   i.code, r.unit_mult)
	       else format('value %s in units of 10^%s is %s %s, not a whole number; indicator "%s" counts whole units; send '
	                   'the value in the catalog unit (%s)', r.value, r.unit_mult,
	                   trim_scale(r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult)), i.unit, i.code,
	                   i.unit)
	       end
	  from pg_temp.ingest_row r
	  join mestat.indicator i on i.code = r.indicator
	 where r.unit_mult is not null and r.value is not null and not r.deleted
	   and r.unit_mult::integer <> i.unit_mult
	   and (i.value_type = 'percent'
	        or (i.value_type = 'integer'
	            and r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult)
	                <> trunc(r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult))));
	get diagnostics n = row_count;
	if n > 0 then
		return;
	end if;
	update pg_temp.ingest_row r
	   set value = trim_scale(r.value::numeric * power(10::numeric, r.unit_mult::integer - i.unit_mult))::text
	  from mestat.indicator i
	 where i.code = r.indicator and r.unit_mult is not null and r.value is not null and not r.deleted
	   and r.unit_mult::integer <> i.unit_mult;

	-- Magnitude (010) and bounds, on the value in the catalog unit.
	return query
	select r.seq, r.loc, 'value'::text, 422,
	       case
	       when abs(r.value::numeric) >= 1e15 then
	            format('value %s is out of range: write numbers smaller than 1e15 in absolute value, in the indicator''s unit',
	                   r.value)
	       when r.value::numeric < i.min_value then
	            format('value %s (in %s, after the unit multiplier %s) is below the minimum %s for indicator "%s"',
	                   r.value, i.unit, r.unit_mult, i.min_value, i.code)
	       else format('value %s (in %s, after the unit multiplier %s) is above the maximum %s for indicator "%s"',
	                   r.value, i.unit, r.unit_mult, i.max_value, i.code)
	       end
	  from pg_temp.ingest_row r
	  join mestat.indicator i on i.code = r.indicator
	 where not r.deleted and r.value is not null
	   and (abs(r.value::numeric) >= 1e15
	        or (r.unit_mult is not null and (r.value::numeric < i.min_value or r.value::numeric > i.max_value)));
	get diagnostics n = row_count;
	if n > 0 then
		return;
	end if;

	-- Validation rules, on the values as they will be: judged once here;
	-- refuse ones answer now, warn ones are read by ingest_warnings.
	delete from pg_temp.ingest_rule_hit;
	insert into pg_temp.ingest_rule_hit select * from mestat.validation_check_staged();
	return query
	select r.seq, r.loc, 'value'::text, 422, v.message
	  from pg_temp.ingest_rule_hit v
	  join pg_temp.ingest_row r
	    on (r.reporter = v.reporter or r.reporter = v.other_reporter) and r.period = v.period and r.indicator = any (v.indicators)
	 where v.severity = 'refuse';
end
$$;
comment on function mestat.ingest_validate(text, text) is
	'Step 4 of an ingest (see 005_ingest.sql): returns one row per refused value of pg_temp.ingest_row, '
	'(seq, loc, field, status 403/409/422, reason for the clerk); no rows means the submission is valid. Reads the '
	'status (SDMX OBS_STATUS, default A; a missing-value status without a value is a reported-missing observation), runs '
	'mestat.ingest_validate_rows(), checks status codes and unit multipliers, converts values sent with a unit multiplier '
	'exactly to the catalog unit (a count that would not be whole, or a multiplier on a percentage, is refused), the '
	'magnitude rule (|value| < 1e15), and last the validation rules of severity refuse (mestat.validation_rule) on the '
	'values as they will be after the submission; each staged row of a violated rule is named.';

create or replace function mestat.ingest_apply(p_submission bigint)
returns table (new integer, revised integer, unchanged integer, deleted integer)
language plpgsql
set search_path = mestat, pg_temp
-- A handful of rows: compiling the plan with JIT would take longer than running it.
set jit = off
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

	perform pg_advisory_xact_lock(1835365237, hashtext(s_reporter));
	perform pg_advisory_xact_lock_shared(1835365236, 0);

	-- Defence in depth: these rows must have passed ingest_validate().
	select format('row %s (%s)', r.seq, r.loc) into bad
	  from pg_temp.ingest_row r
	 where r.reporter is distinct from s_reporter
	    or (not coalesce(r.deleted, false) and not coalesce(r.missing, false)
	        and not coalesce(r.value ~ '^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$', false))
	    or not exists (select 1 from mestat.obs_status st where st.code = coalesce(r.status, 'A'))
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
		       coalesce(r.missing, false) as miss, coalesce(r.status, 'A') as st,
		       case when not coalesce(r.deleted, false) and not coalesce(r.missing, false)
		            then btrim(r.value)::numeric end as v,
		       nullif(r.comment, '') as comment
		  from pg_temp.ingest_row r
	),
	judged as (
		select x.*,
		       case
		       when x.del then
		            case when c.id is not null and not c.deleted then 'deleted' else 'unchanged' end
		       when c.id is null or c.deleted then 'new'
		       when c.value is not distinct from x.v and c.status = x.st then 'unchanged'
		       else 'revised'
		       end as action
		  from row_ x
		  left join lateral (
			select o.id, o.value, o.deleted, o.status
			  from mestat.observation o
			 where o.reporter = x.reporter and o.indicator = x.indicator and o.period = x.period
			 order by o.id desc
			 limit 1
		  ) as c on true
	),
	stored as (
		insert into mestat.observation (indicator, reporter, period, value, deleted, comment, submission, status)
		select j.indicator, j.reporter, j.period, j.v, j.del, j.comment, p_submission,
		       case when j.del then 'A' else j.st end
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
	'value gets a version (new); a different value or status gets a version (revised); an equal value with the same '
	'status (numeric equality, 12.50 = 12.5) is counted unchanged and not stored; a reported-missing row (missing-value '
	'status) is stored without a value; deleted = true on a cell with a value stores a deletion (deleted), on a cell '
	'without one it is counted unchanged. Also writes the counts to submission.counts. Serialises ingests of one reporter '
	'(advisory lock). Raises SQLSTATE MS409 if a period was closed since validation (answer 409), 22023 if the rows were '
	'not validated.';

------------------------------------------------------------------------------
-- Rights

revoke all on function mestat.ingest_begin() from public;
grant execute on function mestat.ingest_begin() to mestat_daemon;
revoke all on function mestat.ingest_validate(text, text) from public;
grant execute on function mestat.ingest_validate(text, text) to mestat_daemon;
revoke all on function mestat.ingest_apply(bigint) from public;
grant execute on function mestat.ingest_apply(bigint) to mestat_daemon;
grant execute on function mestat.ingest_warnings(bigint) to mestat_daemon;
grant execute on function mestat.validation_check_staged() to mestat_daemon;
grant execute on function mestat.outliers_of_submission(bigint) to mestat_daemon;
grant execute on function mestat.rule_applies(mestat.validation_rule, text) to mestat_daemon, mestat_evaluator;
grant execute on function mestat.rule_violated(text, numeric, numeric, numeric, boolean, boolean, boolean, boolean)
	to mestat_daemon, mestat_evaluator;
grant execute on function mestat.rule_term_text(numeric, text, numeric) to mestat_daemon, mestat_evaluator;
grant execute on function mestat.rule_message(mestat.validation_rule, text, text, numeric, numeric, text, text)
	to mestat_daemon, mestat_evaluator;
grant execute on function mestat.number_text(numeric) to mestat_daemon, mestat_evaluator;
grant execute on function mestat.outlier_message(numeric, text, numeric, double precision, numeric, text, bigint, double precision) to mestat_daemon;
grant select on mestat.obs_status, mestat.validation_rule, mestat.validation_rule_term to mestat_daemon;
grant select, insert on mestat.follow_up to mestat_daemon;
grant select on report.validation_violations, report.follow_up to mestat_evaluator;
