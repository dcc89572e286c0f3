-- 002_catalog.sql: the catalog tables (reporter, indicator, period, target,
-- code_mapping, settings) and the functions that administer them.
-- The rows themselves come from the plan in 003_catalog_data.sql.

set local role mestat_owner;

-- Clause references are written as the plan numbers them: a chapter (一 … 十),
-- optionally a section in ASCII parentheses (七(八)), or a column (专栏1 … 专栏4).

------------------------------------------------------------------------------
-- Settings

create table mestat.setting (
	name text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
	value text not null,
	updated_at timestamptz not null default now(),
	updated_by text not null default session_user
);
comment on table mestat.setting is
	'Small key/value settings the database needs to know (e.g. due_days, set by mestatd at start through mestat.set_due_days()).';
comment on column mestat.setting.name is 'Setting name, e.g. due_days.';
comment on column mestat.setting.value is 'Setting value as text.';
comment on column mestat.setting.updated_at is 'When the value last changed.';
comment on column mestat.setting.updated_by is 'Database login that last changed the value.';

------------------------------------------------------------------------------
-- Reporters

create table mestat.reporter (
	code text primary key check (code ~ '^[0-9]{6}$'),
	name_zh text not null check (name_zh <> ''),
	name_en text not null check (name_en <> ''),
	kind text not null check (kind in ('province', 'autonomous_region', 'municipality',
	                                   'separate_plan_city', 'corps', 'ministry')),
	parent text references mestat.reporter (code),
	active boolean not null default true,
	check ((kind in ('separate_plan_city', 'corps')) = (parent is not null))
);
comment on table mestat.reporter is
	'Reporting units the plan was sent to: 31 provinces, autonomous regions and municipalities, the 5 cities with separate '
	'planning status (计划单列市), the Xinjiang Production and Construction Corps, and the ministry itself for national-only '
	'indicators. Codes are GB/T 2260 administrative division codes; the Corps and the ministry have none (see their rows).';
comment on column mestat.reporter.code is
	'Six-digit code: GB/T 2260 for provinces (110000 Beijing … 650000 Xinjiang) and cities (e.g. 440300 Shenzhen); '
	'660000 for the Xinjiang Production and Construction Corps (not in GB/T 2260; 66 is the province-level prefix '
	'commonly used for the Corps in national statistical and education systems); 000000 for the ministry.';
comment on column mestat.reporter.name_zh is 'Chinese name, e.g. 北京市.';
comment on column mestat.reporter.name_en is 'English name, e.g. Beijing.';
comment on column mestat.reporter.kind is
	'province, autonomous_region, municipality (the 31 province-level units), separate_plan_city, corps or ministry.';
comment on column mestat.reporter.parent is
	'For a separate-plan city or the Corps: the province whose territory contains it (Dalian → Liaoning, Corps → Xinjiang). '
	'National sums add only reporters without a parent (the 31 province-level units), so nothing is counted twice; '
	'this assumes provincial figures include the separate-plan cities and the Corps, as in NBS provincial statistics.';
comment on column mestat.reporter.active is 'False when the unit no longer reports; its history stays.';

------------------------------------------------------------------------------
-- Indicators

create table mestat.indicator (
	code text primary key check (code ~ '^[a-z][a-z0-9_]{2,62}$'),
	name_zh text not null check (name_zh <> ''),
	name_en text not null check (name_en <> ''),
	unit text not null check (unit <> ''),
	unit_zh text not null check (unit_zh <> ''),
	value_type text not null check (value_type in ('integer', 'decimal', 'percent')),
	measure text not null check (measure in ('stock', 'flow')),
	periodicity text not null check (periodicity in ('quarterly', 'annual')),
	aggregation text not null check (aggregation in ('sum', 'mean', 'none')),
	direction text not null check (direction in ('increase', 'decrease')),
	scope text not null check (scope in ('provincial', 'national_only')),
	min_value numeric,
	max_value numeric,
	numerator text references mestat.indicator (code),
	denominator text references mestat.indicator (code),
	clause text not null check (clause ~ '^([一二三四五六七八九十]+(\([一二三四五六七八九十]+\))?|专栏[1-4])$'),
	description text not null check (description <> ''),
	active boolean not null default true,
	check (min_value is null or max_value is null or min_value <= max_value),
	check ((numerator is null) = (denominator is null)),
	check (scope = 'provincial' or aggregation = 'none')
);
comment on table mestat.indicator is
	'What is measured. Every indicator cites the clause of the plan it follows; see mestat.target for the plan''s numbers.';
comment on column mestat.indicator.code is 'Short ASCII code used in submissions, e.g. tech_contract_turnover.';
comment on column mestat.indicator.name_zh is 'Chinese name as a statistics form would print it.';
comment on column mestat.indicator.name_en is 'English name.';
comment on column mestat.indicator.unit is 'Unit in English, e.g. "CNY 100 million", "count", "percent".';
comment on column mestat.indicator.unit_zh is 'Unit in Chinese, e.g. 亿元, 个, 家, %.';
comment on column mestat.indicator.value_type is
	'integer (whole counts; fractions rejected), decimal, or percent (a value in percent, 12.5 meaning 12.5 %).';
comment on column mestat.indicator.measure is
	'stock: a level at the end of the period (counts of institutions, capacities, rates); '
	'flow: an amount during the period (turnover, enrolments), so a year is the sum of its quarters.';
comment on column mestat.indicator.periodicity is
	'quarterly (periods YYYYQn) or annual (periods YYYY); a submission for the other kind of period is rejected.';
comment on column mestat.indicator.aggregation is
	'How reporters add up to the nation: sum, mean, or none (not added: national-only indicators, and rates, '
	'which are recomputed from numerator and denominator).';
comment on column mestat.indicator.direction is 'Which way is better: increase or decrease.';
comment on column mestat.indicator.scope is
	'provincial: reported by the provinces, separate-plan cities and the Corps; national_only: reported by the ministry '
	'(reporter kind ministry) alone.';
comment on column mestat.indicator.min_value is 'Smallest acceptable value (inclusive); NULL for no bound.';
comment on column mestat.indicator.max_value is 'Largest acceptable value (inclusive); NULL for no bound.';
comment on column mestat.indicator.numerator is
	'For a rate: the indicator whose sum is the numerator (value = 100 × numerator / denominator for percent).';
comment on column mestat.indicator.denominator is 'For a rate: the indicator whose sum is the denominator.';
comment on column mestat.indicator.clause is 'Clause of the plan the indicator follows, e.g. 七(二) or 专栏4.';
comment on column mestat.indicator.description is 'What to count and how, for the data officer filling the form.';
comment on column mestat.indicator.active is 'False when no longer collected: new values are refused, history stays.';

------------------------------------------------------------------------------
-- Periods

create table mestat.period (
	code text primary key check (code ~ '^[0-9]{4}(Q[1-4])?$'),
	kind text not null check (kind in ('quarter', 'year')),
	year integer not null,
	quarter integer check (quarter between 1 and 4),
	start_date date not null,
	end_date date not null,
	due_date date not null,
	closed boolean not null default false,
	closed_at timestamptz,
	closed_by text,
	check ((kind = 'quarter') = (quarter is not null)),
	check (code = year::text || coalesce('Q' || quarter::text, '')),
	check (start_date <= end_date and due_date >= end_date),
	check (closed = (closed_at is not null) and closed = (closed_by is not null))
);
comment on table mestat.period is
	'Reporting periods: quarters (YYYYQn) and years (YYYY) from 2016 on. A closed period accepts no more values (409).';
comment on column mestat.period.code is 'Canonical period code: 2018Q3 for a quarter, 2018 for a year.';
comment on column mestat.period.kind is 'quarter or year.';
comment on column mestat.period.year is 'Calendar year.';
comment on column mestat.period.quarter is 'Quarter 1-4; NULL for a year.';
comment on column mestat.period.start_date is 'First day of the period.';
comment on column mestat.period.end_date is 'Last day of the period.';
comment on column mestat.period.due_date is
	'Last day a report is on time: end_date + the due_days setting (default 30). Recomputed by mestat.set_due_days().';
comment on column mestat.period.closed is 'True when the plan office closed the period (mestat.close_period()).';
comment on column mestat.period.closed_at is 'When the period was closed; NULL while open. Set by trigger.';
comment on column mestat.period.closed_by is 'Who closed the period (person or office, as given to mestat.close_period()).';

create table mestat.period_event (
	id bigint generated always as identity primary key,
	period text not null references mestat.period (code),
	event text not null check (event in ('closed', 'reopened')),
	actor text not null,
	db_user text not null default session_user,
	at timestamptz not null default now()
);
comment on table mestat.period_event is 'Log of every closing and reopening of a period, written by a trigger on mestat.period.';
comment on column mestat.period_event.id is 'Event number.';
comment on column mestat.period_event.period is 'The period closed or reopened.';
comment on column mestat.period_event.event is 'closed or reopened.';
comment on column mestat.period_event.actor is 'Who did it (as given to close_period/reopen_period, else the database login).';
comment on column mestat.period_event.db_user is 'Database login of the session.';
comment on column mestat.period_event.at is 'When.';

-- Periods are closed and reopened under an exclusive advisory lock that
-- mestat.ingest_apply() holds shared: a period never closes between the check
-- of an ingest and its commit. Key (1835365236 = 'mest', 0).
create function mestat.period_closed_changed() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	actor text := coalesce(nullif(current_setting('mestat.actor', true), ''), session_user);
begin
	if new.closed is not distinct from old.closed then
		return new;
	end if;
	perform pg_advisory_xact_lock(1835365236, 0);
	if new.closed then
		new.closed_at := now();
		new.closed_by := coalesce(nullif(new.closed_by, ''), actor);
		insert into mestat.period_event (period, event, actor) values (new.code, 'closed', new.closed_by);
	else
		new.closed_at := null;
		new.closed_by := null;
		insert into mestat.period_event (period, event, actor) values (new.code, 'reopened', actor);
	end if;
	return new;
end
$$;
comment on function mestat.period_closed_changed() is
	'Trigger: when period.closed changes, waits for ingests in flight (advisory lock), stamps closed_at/closed_by '
	'and logs the change in mestat.period_event.';
create trigger period_closed_changed before update of closed on mestat.period
	for each row execute function mestat.period_closed_changed();

create function mestat.add_periods(p_first_year integer, p_last_year integer) returns integer
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	due integer := coalesce((select value::integer from mestat.setting where name = 'due_days'), 30);
	n integer;
begin
	if p_first_year is null or p_last_year is null or p_first_year > p_last_year
	   or p_first_year < 2000 or p_last_year > 2100 then
		raise exception 'add_periods: years must be given with 2000 <= first <= last <= 2100, got % and %',
			p_first_year, p_last_year using errcode = '22023';
	end if;
	insert into mestat.period (code, kind, year, quarter, start_date, end_date, due_date)
	select y::text || coalesce('Q' || q::text, ''),
	       case when q is null then 'year' else 'quarter' end,
	       y, q, s, e, e + due
	  from generate_series(p_first_year, p_last_year) as y,
	       lateral (values (null::integer), (1), (2), (3), (4)) as qs(q),
	       lateral (select make_date(y, coalesce(3 * q - 2, 1), 1) as s) as st,
	       lateral (select (s + case when q is null then interval '1 year' else interval '3 months' end
	                        - interval '1 day')::date as e) as en
	on conflict (code) do nothing;
	get diagnostics n = row_count;
	return n;
end
$$;
comment on function mestat.add_periods(integer, integer) is
	'Owner: add the years and quarters of years p_first_year … p_last_year that are missing, due after the current '
	'due_days setting. Returns how many periods were added.';

create function mestat.set_due_days(p_days integer) returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	n integer;
begin
	if p_days is null or p_days < 0 or p_days > 366 then
		raise exception 'due_days must be a number of days from 0 to 366, got %', p_days using errcode = '22023';
	end if;
	insert into mestat.setting as s (name, value) values ('due_days', p_days::text)
	on conflict (name) do update
		set value = excluded.value, updated_at = now(), updated_by = session_user
		where s.value is distinct from excluded.value;
	update mestat.period set due_date = end_date + p_days where due_date <> end_date + p_days;
	get diagnostics n = row_count;
	return n;
end
$$;
comment on function mestat.set_due_days(integer) is
	'mestatd at start (its due_days setting): store the number of days after a period ends that a report is due, '
	'and recompute period.due_date = end_date + p_days. Returns how many periods changed. SECURITY DEFINER.';

create function mestat.close_period(p_code text, p_by text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if coalesce(btrim(p_by), '') = '' then
		raise exception 'close_period: say who closes the period (second argument)' using errcode = '22023';
	end if;
	if not exists (select 1 from mestat.period where code = p_code) then
		raise exception 'close_period: unknown period "%"', p_code using errcode = '22023';
	end if;
	perform set_config('mestat.actor', p_by, true);
	update mestat.period set closed = true, closed_by = p_by where code = p_code and not closed;
	return found;
end
$$;
comment on function mestat.close_period(text, text) is
	'Plan office: close period p_code (no more values accepted: 409) on behalf of p_by. Logged in period_event. '
	'Returns false if it was already closed.';

create function mestat.reopen_period(p_code text, p_by text) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if coalesce(btrim(p_by), '') = '' then
		raise exception 'reopen_period: say who reopens the period (second argument)' using errcode = '22023';
	end if;
	if not exists (select 1 from mestat.period where code = p_code) then
		raise exception 'reopen_period: unknown period "%"', p_code using errcode = '22023';
	end if;
	perform set_config('mestat.actor', p_by, true);
	update mestat.period set closed = false where code = p_code and closed;
	return found;
end
$$;
comment on function mestat.reopen_period(text, text) is
	'Plan office: reopen period p_code on behalf of p_by. Logged in period_event. Returns false if it was open.';

------------------------------------------------------------------------------
-- History that is never rewritten (targets here, observations in 005)

create function mestat.refuse_history_change() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if current_user = 'mestat_owner' then
		if tg_level = 'STATEMENT' then
			return null;
		elsif tg_op = 'DELETE' then
			return old;
		end if;
		return new;
	end if;
	raise exception '%.% keeps history: % is refused; add a new row instead (only mestat_owner, after SET ROLE, may correct history)',
		tg_table_schema, tg_table_name, tg_op
		using errcode = '42501';
end
$$;
comment on function mestat.refuse_history_change() is
	'Trigger on append-only tables (target, observation): refuses UPDATE, DELETE and TRUNCATE unless the current role is '
	'mestat_owner itself (a superuser must SET ROLE mestat_owner first, deliberately).';

------------------------------------------------------------------------------
-- Targets (versioned: a revision is a new row)

create table mestat.target (
	id bigint generated always as identity primary key,
	indicator text not null references mestat.indicator (code),
	scope text references mestat.reporter (code),
	kind text not null check (kind in ('point', 'range', 'direction', 'at_least')),
	baseline_year integer not null default 2015,
	baseline_value numeric,
	target_year integer not null default 2020,
	target_value numeric,
	target_upper numeric,
	path text not null default 'linear' check (path in ('linear', 'geometric')),
	effective_from date not null,
	clause text not null check (clause ~ '^([一二三四五六七八九十]+(\([一二三四五六七八九十]+\))?|专栏[1-4])$'),
	note text,
	created_at timestamptz not null default now(),
	created_by text not null default session_user,
	unique nulls not distinct (indicator, scope, effective_from),
	check (target_year > baseline_year),
	check (case kind
	       when 'direction' then target_value is null and target_upper is null
	       when 'range' then target_value is not null and target_upper > target_value
	       else target_value is not null and target_upper is null
	       end),
	check (kind = 'direction' or baseline_value is not null),
	check (path = 'linear' or (kind <> 'direction' and baseline_value > 0 and target_value > 0))
);
comment on table mestat.target is
	'Targets of the plan, versioned: a revision (动态调整, clause 十(三)) is a new row with a later effective_from; '
	'old rows never change (mestat_daemon cannot write here; a trigger refuses UPDATE/DELETE). '
	'Progress snapshots record the id of the version they used.';
comment on column mestat.target.id is 'Target version id, recorded by progress snapshots.';
comment on column mestat.target.indicator is 'The indicator the target is for.';
comment on column mestat.target.scope is 'NULL for the national target, or the reporter code of a reporter-specific target.';
comment on column mestat.target.kind is
	'point (reach target_value), range (reach [target_value, target_upper]; the path aims at the lower bound), '
	'at_least (reach target_value or more), direction (move in the indicator''s direction; no number).';
comment on column mestat.target.baseline_year is 'Year whose end is the baseline (2015: end of the 12th Five-Year Plan).';
comment on column mestat.target.baseline_value is 'Value at the baseline; NULL when still to be measured (direction targets only).';
comment on column mestat.target.target_year is 'Year by whose end the target is to be met (2020).';
comment on column mestat.target.target_value is 'Target value, or the lower bound of a range; NULL for direction targets.';
comment on column mestat.target.target_upper is 'Upper bound of a range target; NULL otherwise.';
comment on column mestat.target.path is
	'Expected path from baseline to target: linear B + (T − B)·τ, or geometric B·(T/B)^τ for multiplicative targets.';
comment on column mestat.target.effective_from is 'Date from which this version applies (the plan: 2017-04-14).';
comment on column mestat.target.clause is 'Clause of the plan (or of the revision decision) that sets the number.';
comment on column mestat.target.note is 'How the plan''s words were read into this row.';
comment on column mestat.target.created_at is 'When the row was inserted.';
comment on column mestat.target.created_by is 'Database login that inserted the row.';

create trigger target_keeps_history before update or delete on mestat.target
	for each row execute function mestat.refuse_history_change();
create trigger target_keeps_history_truncate before truncate on mestat.target
	for each statement execute function mestat.refuse_history_change();

create view mestat.current_target as
select distinct on (t.indicator, t.scope)
       t.id, t.indicator, t.scope, t.kind, t.baseline_year, t.baseline_value, t.target_year, t.target_value,
       t.target_upper, t.path, t.effective_from, t.clause, t.note,
       count(*) over (partition by t.indicator, t.scope)::integer as versions
  from mestat.target t
 where t.effective_from <= current_date
 order by t.indicator, t.scope, t.effective_from desc, t.id desc;
comment on view mestat.current_target is
	'The target version in force today for each indicator and scope (latest effective_from not in the future).';
comment on column mestat.current_target.id is 'Target version id (mestat.target.id).';
comment on column mestat.current_target.indicator is 'Indicator code.';
comment on column mestat.current_target.scope is 'NULL for national, else reporter code.';
comment on column mestat.current_target.kind is 'point, range, at_least or direction.';
comment on column mestat.current_target.baseline_year is 'Baseline year.';
comment on column mestat.current_target.baseline_value is 'Baseline value.';
comment on column mestat.current_target.target_year is 'Target year.';
comment on column mestat.current_target.target_value is 'Target value or lower bound.';
comment on column mestat.current_target.target_upper is 'Upper bound of a range.';
comment on column mestat.current_target.path is 'linear or geometric.';
comment on column mestat.current_target.effective_from is 'Date this version took effect.';
comment on column mestat.current_target.clause is 'Clause of the plan.';
comment on column mestat.current_target.note is 'Reading note.';
comment on column mestat.current_target.versions is 'Number of versions of this target that take effect by today (1 = never revised).';

------------------------------------------------------------------------------
-- Code mapping (reporters' own codes → mestat codes)

create table mestat.code_mapping (
	reporter text not null references mestat.reporter (code),
	scheme text not null check (scheme ~ '^[a-z][a-z0-9_]*$'),
	their_code text not null check (their_code <> ''),
	our_code text not null check (our_code <> ''),
	created_at timestamptz not null default now(),
	created_by text not null default session_user,
	primary key (reporter, scheme, their_code)
);
comment on table mestat.code_mapping is
	'Per reporter: its own codes and what they mean in mestat. Schemes: dhis2_de (DHIS2 dataElement UID or code → indicator), '
	'dhis2_ou (DHIS2 orgUnit → reporter), sdmx (SDMX dimension value → indicator or reporter). A code without a mapping is '
	'read as a mestat code. Administered with mestat.add_code_mapping().';
comment on column mestat.code_mapping.reporter is 'The reporter whose submissions use these codes.';
comment on column mestat.code_mapping.scheme is 'dhis2_de, dhis2_ou, sdmx (others may be added).';
comment on column mestat.code_mapping.their_code is 'The code as the reporter sends it (e.g. DHIS2 UID fbfJHSPpUQD).';
comment on column mestat.code_mapping.our_code is 'The mestat indicator or reporter code it stands for.';
comment on column mestat.code_mapping.created_at is 'When the mapping was last set.';
comment on column mestat.code_mapping.created_by is 'Database login that set it.';

create function mestat.add_code_mapping(p_reporter text, p_scheme text, p_their_code text, p_our_code text)
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
	if p_scheme = 'dhis2_de' and not is_indicator then
		raise exception 'add_code_mapping: "%" is not a mestat indicator code', p_our_code using errcode = '22023';
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
	'Plan office: reporter p_reporter''s code p_their_code in scheme p_scheme (dhis2_de, dhis2_ou, sdmx) means mestat code '
	'p_our_code. Replaces an earlier mapping of the same code. Checks that p_our_code is an indicator (dhis2_de), a reporter '
	'(dhis2_ou) or either (sdmx).';

------------------------------------------------------------------------------
-- What mestatd may read

grant select on mestat.setting, mestat.reporter, mestat.indicator, mestat.period, mestat.period_event,
	mestat.target, mestat.current_target, mestat.code_mapping to mestat_daemon;
grant execute on function mestat.set_due_days(integer) to mestat_daemon;
