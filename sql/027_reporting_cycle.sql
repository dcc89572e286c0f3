-- 027_reporting_cycle.sql: the quarterly reporting cycle of each reporter.
--
-- A reporter completes its period (every expected indicator has a value or a
-- reported-missing value); the plan office accepts it, which locks the
-- period for that reporter, or returns it with a reason, which opens it
-- again; mestat.reopen_quarter() undoes an acceptance or a lock, with a
-- reason. lock_days after the due date (0 = never) an open period is locked
-- by itself, like DHIS2's expiry days. A reporter may undo its own
-- completion until the plan office acts.
--
--   state      open ──complete──▶ complete ──accept──▶ accepted ─┐
--                ▲  ◀──uncomplete──┘  │                         │ reopen
--                │                    └──return──▶ returned     │
--                └──────────────────────────────────────────────┘
--   (returned behaves as open; lock_expired() turns open, returned and
--    complete into locked; reopen turns accepted or locked into open)
--
-- Every change is one row of mestat.reporting_event (append-only); the
-- current state of each reporter × period is mestat.reporting_state, kept in
-- the same transaction. Writes into an accepted or locked period are refused
-- (409) by mestat.ingest_lock_check() at validation, naming who accepted it
-- and when, and by a statement trigger on mestat.observation as a backstop
-- for an acceptance that commits between validation and storing.
--
-- Acceptance, return, reopening, locking and completion take the advisory
-- lock ('mest'+1, hashtext(reporter)) that mestat.ingest_apply() holds while
-- it stores a submission of that reporter: a state change waits for the
-- reporter's submission in flight, and the other way round.

set local role mestat_owner;

create table mestat.reporting_state (
	reporter text not null references mestat.reporter (code),
	period text not null references mestat.period (code),
	state text not null default 'open'
		check (state in ('open', 'complete', 'accepted', 'returned', 'locked')),
	completed_at timestamptz,
	completed_by text,
	accepted_at timestamptz,
	accepted_by text,
	returned_at timestamptz,
	returned_by text,
	return_reason text,
	locked_at timestamptz,
	locked_by text,
	changed_at timestamptz not null default now(),
	primary key (reporter, period)
);
comment on table mestat.reporting_state is
	'Where each reporter''s report of a period stands in the reporting cycle: open, complete (the reporter says it '
	'is), accepted (by the plan office; locked for that reporter), returned (with a reason; open again) or locked '
	'(lock_days after the due date). No row means open. Kept by the functions of 027_reporting_cycle.sql; the history '
	'is mestat.reporting_event.';
comment on column mestat.reporting_state.reporter is 'Reporter code.';
comment on column mestat.reporting_state.period is 'Period code (YYYYQn or YYYY).';
comment on column mestat.reporting_state.state is 'open, complete, accepted, returned or locked.';
comment on column mestat.reporting_state.completed_at is 'When the reporter last marked the period complete (NULL if it undid it).';
comment on column mestat.reporting_state.completed_by is 'Who completed it (the credential of the request).';
comment on column mestat.reporting_state.accepted_at is 'When the plan office accepted it (NULL unless accepted).';
comment on column mestat.reporting_state.accepted_by is 'Who accepted it.';
comment on column mestat.reporting_state.returned_at is 'When the plan office last returned it.';
comment on column mestat.reporting_state.returned_by is 'Who returned it.';
comment on column mestat.reporting_state.return_reason is 'Why it was returned: what the reporter is asked to fix.';
comment on column mestat.reporting_state.locked_at is 'When it was locked (by acceptance or by lock_days), NULL while writable.';
comment on column mestat.reporting_state.locked_by is 'Who locked it: the person who accepted it, or lock_days.';
comment on column mestat.reporting_state.changed_at is 'When the state last changed.';

create table mestat.reporting_event (
	id bigint generated always as identity primary key,
	reporter text not null references mestat.reporter (code),
	period text not null references mestat.period (code),
	event text not null check (event in ('completed', 'uncompleted', 'accepted', 'returned', 'reopened', 'locked')),
	state text not null,
	actor text not null,
	reason text,
	at timestamptz not null default now()
);
comment on table mestat.reporting_event is
	'Append-only log of the reporting cycle: one row per change of mestat.reporting_state (completed, uncompleted, '
	'accepted, returned, reopened, locked). Never updated or deleted.';
comment on column mestat.reporting_event.id is 'Order of the events.';
comment on column mestat.reporting_event.reporter is 'Reporter code.';
comment on column mestat.reporting_event.period is 'Period code.';
comment on column mestat.reporting_event.event is 'completed, uncompleted, accepted, returned, reopened or locked.';
comment on column mestat.reporting_event.state is 'The state after the event.';
comment on column mestat.reporting_event.actor is 'Who: the reporter''s credential, the plan office member (mestat.actor or the database user), or lock_days.';
comment on column mestat.reporting_event.reason is 'The reason given (return, reopen), or the rule (lock_days).';
comment on column mestat.reporting_event.at is 'When.';
create index reporting_event_cell on mestat.reporting_event (reporter, period, id);

create function mestat.reporting_event_immutable() returns trigger
language plpgsql
as $$
begin
	raise exception 'mestat.reporting_event is append-only: its rows are never changed or deleted'
		using errcode = '42501';
end
$$;
comment on function mestat.reporting_event_immutable() is 'Trigger: refuses UPDATE and DELETE on mestat.reporting_event.';
create trigger reporting_event_immutable before update or delete on mestat.reporting_event
	for each statement execute function mestat.reporting_event_immutable();

------------------------------------------------------------------------------
-- Settings

create function mestat.set_lock_days(p_days integer) returns boolean
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
begin
	if p_days is null or p_days < 0 or p_days > 3660 then
		raise exception 'lock_days must be a number of days from 0 (never) to 3660, got %', p_days using errcode = '22023';
	end if;
	insert into mestat.setting as s (name, value) values ('lock_days', p_days::text)
	on conflict (name) do update
		set value = excluded.value, updated_at = now(), updated_by = session_user
		where s.value is distinct from excluded.value;
	return found;
end
$$;
comment on function mestat.set_lock_days(integer) is
	'mestatd at start and reload (its lock_days setting): a period still open lock_days after its due date is locked '
	'for each reporter by mestat.lock_expired(); 0 never locks. SECURITY DEFINER.';

create function mestat.lock_date(p_period text) returns date
language sql stable
set search_path = mestat, pg_temp
as $$
	select p.due_date + s.days
	  from mestat.period p
	  cross join (select coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0) as days) s
	 where p.code = p_period and s.days > 0
$$;
comment on function mestat.lock_date(text) is
	'The day after which period p_period is locked by lock_days (due date + lock_days), NULL when lock_days is 0.';

------------------------------------------------------------------------------
-- What a reporter is expected to send, and what is missing

create function mestat.expected_indicators(p_reporter text, p_period text)
returns table (indicator text, name_zh text, name_en text, received boolean)
language sql stable
set search_path = mestat, pg_temp
as $$
	select i.code, i.name_zh, i.name_en,
	       exists (select 1
	                 from (select o.deleted from mestat.observation o
	                        where o.reporter = r.code and o.indicator = i.code and o.period = p.code
	                        order by o.id desc limit 1) last
	                where not last.deleted)
	  from mestat.reporter r
	  join mestat.period p on p.code = p_period
	  join mestat.indicator i
	    on i.active
	   and (i.scope = 'national_only') = (r.kind = 'ministry')
	   and (case i.periodicity when 'quarterly' then 'quarter' else 'year' end) = p.kind
	 where r.code = p_reporter
	 order by i.code
$$;
comment on function mestat.expected_indicators(text, text) is
	'The indicators reporter p_reporter is expected to send for period p_period (the cells of report.completeness: '
	'every active provincial indicator of the period''s kind, national-only ones for the ministry) and whether each '
	'has a current value; a reported-missing value (status M, L…) counts as received.';

------------------------------------------------------------------------------
-- State changes

-- cycle_actor: who acts, as given, else mestat.actor, else the database user.
create function mestat.cycle_actor(p_by text) returns text
language sql stable
as $$
	select coalesce(nullif(btrim(p_by), ''), nullif(current_setting('mestat.actor', true), ''), session_user::text)
$$;
comment on function mestat.cycle_actor(text) is
	'Who acts in the reporting cycle: p_by if given, else the setting mestat.actor, else the database user.';

-- cycle_row: the reporter × period's state row, created open and locked FOR
-- UPDATE, after the reporter's ingest lock.
create function mestat.cycle_row(p_reporter text, p_period text) returns mestat.reporting_state
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
begin
	if not exists (select 1 from mestat.reporter where code = p_reporter) then
		raise exception 'unknown reporter "%"', p_reporter using errcode = '22023';
	end if;
	if not exists (select 1 from mestat.period where code = p_period) then
		raise exception 'unknown period "%" (write quarters as 2018Q3, years as 2018)', p_period using errcode = '22023';
	end if;
	perform pg_advisory_xact_lock(1835365237, hashtext(p_reporter));
	insert into mestat.reporting_state (reporter, period) values (p_reporter, p_period) on conflict do nothing;
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period for update;
	return st;
end
$$;
comment on function mestat.cycle_row(text, text) is
	'Internal: the state row of p_reporter × p_period (created open), locked for update after the reporter''s ingest '
	'advisory lock.';

create function mestat.cycle_log(p_reporter text, p_period text, p_event text, p_state text, p_actor text,
                                 p_reason text, p_at timestamptz)
returns void
language sql
set search_path = mestat, pg_temp
as $$
	insert into mestat.reporting_event (reporter, period, event, state, actor, reason, at)
	values (p_reporter, p_period, p_event, p_state, p_actor, p_reason, p_at);
	update mestat.reporting_state set state = p_state, changed_at = p_at
	 where reporter = p_reporter and period = p_period;
$$;
comment on function mestat.cycle_log(text, text, text, text, text, text, timestamptz) is
	'Internal: log one event and set the state it leads to.';

-- cycle_locked_reason: why writes into a locked or accepted period are
-- refused, in words a clerk can act on; NULL when writable.
create function mestat.cycle_locked_reason(st mestat.reporting_state) returns text
language sql stable
set search_path = mestat, pg_temp
as $$
	select case st.state
	       when 'accepted' then
	            format('%s of reporter %s was accepted by %s on %s and is locked; ask the plan office to reopen it '
	                   '(mestat.reopen_quarter) before changing its values', st.period, st.reporter, st.accepted_by,
	                   to_char(st.accepted_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI "Beijing time"'))
	       when 'locked' then
	            format('%s of reporter %s was locked by %s on %s; ask the plan office to reopen it '
	                   '(mestat.reopen_quarter) before changing its values', st.period, st.reporter, st.locked_by,
	                   to_char(st.locked_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI "Beijing time"'))
	       end
$$;
comment on function mestat.cycle_locked_reason(mestat.reporting_state) is
	'The refusal message for a write into an accepted or locked period (who and when), NULL when it is writable.';

create function mestat.complete_quarter(p_reporter text, p_period text, p_by text default null)
returns jsonb
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
	missing jsonb;
	n_expected integer;
begin
	if not exists (select 1 from mestat.period where code = p_period) then
		return jsonb_build_object('status', 422, 'error',
			format('unknown period "%s"; write quarters as 2018Q3 and years as 2018', p_period));
	end if;
	if exists (select 1 from mestat.period where code = p_period and start_date > current_date) then
		return jsonb_build_object('status', 422, 'error', format('period %s has not begun; it cannot be complete', p_period));
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state in ('accepted', 'locked') then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'error', mestat.cycle_locked_reason(st));
	end if;
	if st.state = 'complete' then
		return jsonb_build_object('status', 200, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'completed_at', st.completed_at, 'completed_by', st.completed_by,
		                          'message', 'already complete');
	end if;
	select count(*), coalesce(jsonb_agg(jsonb_build_object('indicator', e.indicator, 'name_zh', e.name_zh,
	                                                      'name_en', e.name_en) order by e.indicator)
	                                    filter (where not e.received), '[]')
	  into n_expected, missing
	  from mestat.expected_indicators(p_reporter, p_period) e;
	if jsonb_array_length(missing) > 0 then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
			'error', format('%s of reporter %s is not complete: %s of %s expected indicators have no value (%s); send '
			                'them, or send them with status M (missing) or L (not collected) and no value, then '
			                'complete again', p_period, p_reporter, jsonb_array_length(missing), n_expected,
			                (select string_agg(m->>'indicator', ', ') from jsonb_array_elements(missing) m)),
			'missing', missing);
	end if;
	update mestat.reporting_state set completed_at = now(), completed_by = actor
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'completed', 'complete', actor, null, now());
	return jsonb_build_object('status', 201, 'reporter', p_reporter, 'period', p_period, 'state', 'complete',
	                          'completed_at', now(), 'completed_by', actor,
	                          'return_reason', case when st.state = 'returned' then st.return_reason end);
end
$$;
comment on function mestat.complete_quarter(text, text, text) is
	'A reporter (POST /api/v1/completions, DHIS2 completeDataSetRegistrations) marks period p_period complete, on '
	'behalf of p_by. Returns a JSON answer with its HTTP status: 201 completed; 200 already complete; 409 with '
	'"missing" (indicator, name_zh, name_en) when an expected indicator has no current value (a reported-missing '
	'value counts), or when the period is accepted or locked (who, when); 422 an unknown period or one not begun. '
	'SECURITY DEFINER.';

create function mestat.uncomplete_quarter(p_reporter text, p_period text, p_by text default null)
returns jsonb
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	if not exists (select 1 from mestat.period where code = p_period) then
		return jsonb_build_object('status', 422, 'error',
			format('unknown period "%s"; write quarters as 2018Q3 and years as 2018', p_period));
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state in ('accepted', 'locked') then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'error', mestat.cycle_locked_reason(st) || '; its completion cannot be undone');
	end if;
	if st.state <> 'complete' then
		return jsonb_build_object('status', 409, 'reporter', p_reporter, 'period', p_period, 'state', st.state,
		                          'error', format('%s of reporter %s is not complete (%s); there is no completion to undo',
		                                          p_period, p_reporter, st.state));
	end if;
	update mestat.reporting_state set completed_at = null, completed_by = null
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'uncompleted', 'open', actor, null, now());
	return jsonb_build_object('status', 200, 'reporter', p_reporter, 'period', p_period, 'state', 'open',
	                          'message', 'completion undone');
end
$$;
comment on function mestat.uncomplete_quarter(text, text, text) is
	'A reporter (DELETE /api/v1/completions) undoes its completion of p_period while the plan office has not acted: '
	'200 open again; 409 when it is not complete, or already accepted or locked. SECURITY DEFINER.';

create function mestat.accept_quarter(p_reporter text, p_period text, p_by text default null)
returns mestat.reporting_state
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state <> 'complete' then
		raise exception 'accept_quarter: % of reporter % is %, not complete; only a completed period can be accepted',
			p_period, p_reporter, st.state using errcode = '55000';
	end if;
	update mestat.reporting_state
	   set accepted_at = now(), accepted_by = actor, locked_at = now(), locked_by = actor
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'accepted', 'accepted', actor, null, now());
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period;
	return st;
end
$$;
comment on function mestat.accept_quarter(text, text, text) is
	'Plan office: accept the completed period p_period of reporter p_reporter (optionally on behalf of p_by). The '
	'period is then locked for that reporter: later writes are refused (409) naming who accepted it and when. '
	'Logged in mestat.reporting_event. Raises 55000 unless the period is complete. SECURITY DEFINER.';

create function mestat.return_quarter(p_reporter text, p_period text, p_reason text, p_by text default null)
returns mestat.reporting_state
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	if coalesce(btrim(p_reason), '') = '' then
		raise exception 'return_quarter: say why the period is returned (third argument): the reporter reads it'
			using errcode = '22023';
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state not in ('complete', 'accepted') then
		raise exception 'return_quarter: % of reporter % is %; only a completed or accepted period can be returned',
			p_period, p_reporter, st.state using errcode = '55000';
	end if;
	update mestat.reporting_state
	   set returned_at = now(), returned_by = actor, return_reason = p_reason, completed_at = null,
	       completed_by = null, accepted_at = null, accepted_by = null, locked_at = null, locked_by = null
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'returned', 'returned', actor, p_reason, now());
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period;
	return st;
end
$$;
comment on function mestat.return_quarter(text, text, text, text) is
	'Plan office: return the completed (or accepted) period p_period to reporter p_reporter with reason p_reason '
	'(shown to the reporter). The period is open again for that reporter until it completes it again. Logged. '
	'SECURITY DEFINER.';

create function mestat.reopen_quarter(p_reporter text, p_period text, p_reason text, p_by text default null)
returns mestat.reporting_state
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	st mestat.reporting_state;
	actor text := mestat.cycle_actor(p_by);
begin
	if coalesce(btrim(p_reason), '') = '' then
		raise exception 'reopen_quarter: say why the period is reopened (third argument)' using errcode = '22023';
	end if;
	st := mestat.cycle_row(p_reporter, p_period);
	if st.state not in ('accepted', 'locked') then
		raise exception 'reopen_quarter: % of reporter % is %, not accepted or locked; nothing to reopen',
			p_period, p_reporter, st.state using errcode = '55000';
	end if;
	update mestat.reporting_state
	   set completed_at = null, completed_by = null, accepted_at = null, accepted_by = null, locked_at = null,
	       locked_by = null
	 where reporter = p_reporter and period = p_period;
	perform mestat.cycle_log(p_reporter, p_period, 'reopened', 'open', actor, p_reason, now());
	select * into st from mestat.reporting_state where reporter = p_reporter and period = p_period;
	return st;
end
$$;
comment on function mestat.reopen_quarter(text, text, text, text) is
	'Plan office: reopen the accepted or locked period p_period of reporter p_reporter, with reason p_reason: writable '
	'and open again (to be completed again). Logged. SECURITY DEFINER.';

create function mestat.lock_expired(p_now timestamptz default now()) returns integer
language plpgsql
security definer
set search_path = mestat, pg_temp
as $$
declare
	days integer := coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0);
	today date := (p_now at time zone 'Asia/Shanghai')::date;
	c record;
	n integer := 0;
begin
	if days = 0 then
		return 0;
	end if;
	for c in
		select r.code as reporter, p.code as period
		  from mestat.reporter r
		  cross join mestat.period p
		  left join mestat.reporting_state s on s.reporter = r.code and s.period = p.code
		 where r.active and p.due_date + days < today
		   and coalesce(s.state, 'open') in ('open', 'complete', 'returned')
		 order by r.code, p.start_date, p.kind
	loop
		perform mestat.cycle_row(c.reporter, c.period);
		update mestat.reporting_state set locked_at = p_now, locked_by = 'lock_days'
		 where reporter = c.reporter and period = c.period and state in ('open', 'complete', 'returned');
		if found then
			perform mestat.cycle_log(c.reporter, c.period, 'locked', 'locked', 'lock_days',
			                         format('lock_days = %s: %s days after the due date', days, days), p_now);
			n := n + 1;
		end if;
	end loop;
	return n;
end
$$;
comment on function mestat.lock_expired(timestamptz) is
	'mestatd (on its recompute schedule) or the plan office: lock every reporter''s period that is still open, complete '
	'or returned more than lock_days after its due date (Beijing time, as of p_now), like DHIS2''s expiry days. Returns '
	'how many were locked; 0 when lock_days is 0. Logged with actor lock_days. SECURITY DEFINER.';

------------------------------------------------------------------------------
-- Writes into accepted or locked periods

create function mestat.ingest_lock_check()
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql stable
set search_path = mestat, pg_temp
as $$
begin
	return query
	select r.seq, r.loc, 'period'::text, 409, mestat.cycle_locked_reason(s)
	  from pg_temp.ingest_row r
	  join mestat.reporting_state s on s.reporter = r.reporter and s.period = r.period
	 where s.state in ('accepted', 'locked')
	 order by r.seq;
end
$$;
comment on function mestat.ingest_lock_check() is
	'Step 4b of an ingest, after mestat.ingest_validate() (codes resolved): one row (seq, loc, field, 409, reason) per '
	'staged value in a period accepted or locked for its reporter, the reason naming who accepted or locked it and '
	'when. No rows: nothing is locked.';

create function mestat.observation_cycle_guard() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	why text;
begin
	if current_user = 'mestat_owner' then
		return null;
	end if;
	select mestat.cycle_locked_reason(s) into why
	  from (select distinct n.reporter, n.period from new_rows n) n
	  join mestat.reporting_state s on s.reporter = n.reporter and s.period = n.period
	 where s.state in ('accepted', 'locked')
	 limit 1;
	if why is not null then
		raise exception '%', why using errcode = 'MS409';
	end if;
	return null;
end
$$;
comment on function mestat.observation_cycle_guard() is
	'Statement trigger on mestat.observation: refuses (SQLSTATE MS409, answered 409) an INSERT with any row in a period '
	'accepted or locked for its reporter, unless run as mestat_owner.';
revoke all on function mestat.observation_cycle_guard() from public;
create trigger observation_cycle_guard after insert on mestat.observation
	referencing new table as new_rows
	for each statement execute function mestat.observation_cycle_guard();
comment on trigger observation_cycle_guard on mestat.observation is
	'Values cannot be added to a period accepted or locked for its reporter (mestat.accept_quarter, lock_days).';

------------------------------------------------------------------------------
-- DHIS2 complete data set registrations

-- DHIS2's payload: {"completeDataSetRegistrations": [{"dataSet", "period",
-- "organisationUnit", "attributeOptionCombo", "storedBy", "date",
-- "completed"}]}; "completed": false undoes a completion. The answer is
-- DHIS2's import summary in its web message.
create function mestat.complete_dhis2(p_reporter text, p_payload jsonb, p_by text default null)
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

------------------------------------------------------------------------------
-- The view

create view report.reporting_cycle as
select r.code as reporter,
       r.name_zh as reporter_name_zh,
       r.name_en as reporter_name_en,
       r.kind as reporter_kind,
       p.code as period,
       p.kind as period_kind,
       p.due_date,
       case when ld.days > 0 then p.due_date + ld.days end as lock_date,
       coalesce(s.state, 'open') as state,
       case coalesce(s.state, 'open')
       when 'open' then '未完成' when 'complete' then '已完成待审核' when 'accepted' then '已审核锁定'
       when 'returned' then '已退回' when 'locked' then '已锁定' end as state_zh,
       s.completed_at,
       s.completed_by,
       s.completed_at < ((p.due_date + 1)::timestamp at time zone 'Asia/Shanghai') as completed_on_time,
       (select min(e.at) from mestat.reporting_event e
         where e.reporter = r.code and e.period = p.code and e.event = 'completed') as first_completed_at,
       s.accepted_at,
       s.accepted_by,
       s.returned_at,
       s.returned_by,
       s.return_reason,
       s.locked_at,
       s.locked_by,
       (select count(*)::integer from mestat.reporting_event e where e.reporter = r.code and e.period = p.code)
           as events,
       s.changed_at
  from mestat.reporter r
  cross join mestat.period p
  cross join (select coalesce((select value::integer from mestat.setting where name = 'lock_days'), 0) as days) ld
  left join mestat.reporting_state s on s.reporter = r.code and s.period = p.code
 where r.active and p.start_date <= (now() at time zone 'Asia/Shanghai')::date;
comment on view report.reporting_cycle is
	'Each active reporter × period that has begun: where its report stands in the reporting cycle (open, complete, '
	'accepted, returned, locked) with the times and people of each step. completed_on_time is DHIS2''s timeliness: '
	'completed by the end of the due date in Beijing time; report.timeliness measures cells by their first value '
	'instead (docs/method.md). The history of each row is in mestat.reporting_event.';
comment on column report.reporting_cycle.reporter is 'Reporter code.';
comment on column report.reporting_cycle.reporter_name_zh is 'Reporter name in Chinese.';
comment on column report.reporting_cycle.reporter_name_en is 'Reporter name in English.';
comment on column report.reporting_cycle.reporter_kind is 'Reporter kind.';
comment on column report.reporting_cycle.period is 'Period code.';
comment on column report.reporting_cycle.period_kind is 'quarter or year.';
comment on column report.reporting_cycle.due_date is 'Due date of the report (Beijing time).';
comment on column report.reporting_cycle.lock_date is 'Due date + lock_days: locked after that day if still not accepted; NULL when lock_days is 0.';
comment on column report.reporting_cycle.state is 'open, complete, accepted, returned or locked.';
comment on column report.reporting_cycle.state_zh is 'The state in Chinese.';
comment on column report.reporting_cycle.completed_at is 'When the reporter marked it complete (current completion).';
comment on column report.reporting_cycle.completed_by is 'Who completed it.';
comment on column report.reporting_cycle.completed_on_time is 'Completed by the end of the due date, Beijing time (DHIS2''s timeliness); NULL if not complete.';
comment on column report.reporting_cycle.first_completed_at is 'When it was first marked complete, even if undone or returned since.';
comment on column report.reporting_cycle.accepted_at is 'When the plan office accepted it.';
comment on column report.reporting_cycle.accepted_by is 'Who accepted it.';
comment on column report.reporting_cycle.returned_at is 'When it was last returned.';
comment on column report.reporting_cycle.returned_by is 'Who returned it.';
comment on column report.reporting_cycle.return_reason is 'Why it was returned.';
comment on column report.reporting_cycle.locked_at is 'When it was locked (acceptance or lock_days).';
comment on column report.reporting_cycle.locked_by is 'Who locked it (the person who accepted, or lock_days).';
comment on column report.reporting_cycle.events is 'How many events its history has (mestat.reporting_event).';
comment on column report.reporting_cycle.changed_at is 'When its state last changed.';

------------------------------------------------------------------------------
-- Rights

revoke all on mestat.reporting_state, mestat.reporting_event from public;
grant select on mestat.reporting_state, mestat.reporting_event to mestat_daemon;
grant execute on function mestat.set_lock_days(integer), mestat.complete_quarter(text, text, text),
	mestat.uncomplete_quarter(text, text, text), mestat.complete_dhis2(text, jsonb, text),
	mestat.lock_expired(timestamptz), mestat.ingest_lock_check(), mestat.cycle_locked_reason(mestat.reporting_state),
	mestat.lock_date(text), mestat.expected_indicators(text, text) to mestat_daemon;
grant select on report.reporting_cycle to mestat_evaluator;
