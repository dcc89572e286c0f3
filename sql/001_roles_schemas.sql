-- 001_roles_schemas.sql: the three mestat roles, the two schemas and who may use them.
--
-- How migrations run: `mestatd --migrate` applies every sql/NNN_*.sql file not yet
-- recorded in public.mestat_migration, in name order, each file sent whole and
-- wrapped in BEGIN/COMMIT by the runner. So no file here contains BEGIN, COMMIT
-- or psql meta-commands, and everything in one file lands or nothing does.
--
-- Roles are cluster-wide while a migration runs per database, so the roles are
-- created only when missing (another database of the same cluster may have
-- created them first, even concurrently). Everything else is created as
-- mestat_owner (SET LOCAL ROLE below, and at the top of every later file), so
-- mestat_owner owns every schema, table, view, function and sequence.
--
--   mestat_owner      owns everything; the plan office works as this role.
--   mestat_daemon     what mestatd runs as: reads the catalog, writes
--                     submissions, observations and collector state.
--   mestat_evaluator  reads the views in schema report, nothing else.
--
-- Login roles are made members of these by the operator, e.g.
--   CREATE ROLE mestatd LOGIN IN ROLE mestat_daemon;

do $$
declare
	r record;
begin
	for r in
		select *
		  from (values
			('mestat_owner', 'mestat: owns every schema, table, view and function of mestat; the plan office works as this role.'),
			('mestat_daemon', 'mestat: the role mestatd runs as; reads the catalog, records submissions, observations and collector state.'),
			('mestat_evaluator', 'mestat: read-only access to the evaluator views in schema report.')
		       ) as v(name, note)
	loop
		if not exists (select 1 from pg_roles where rolname = r.name) then
			begin
				execute format('create role %I nologin', r.name);
				execute format('comment on role %I is %L', r.name, r.note);
			exception when duplicate_object or unique_violation then
				null;	-- created meanwhile by the migration of another database
			end;
		end if;
	end loop;
end
$$;

-- Database-level rights. mestat_daemon needs TEMPORARY: mestat.ingest_begin()
-- creates the session temp table pg_temp.ingest_row. (PUBLIC has TEMPORARY by
-- default; this keeps working where an administrator revoked that.) When the
-- runner is neither superuser nor database owner these grants only warn.
do $$
begin
	execute format('grant connect, create, temporary on database %I to mestat_owner', current_database());
	execute format('grant connect, temporary on database %I to mestat_daemon', current_database());
	execute format('grant connect on database %I to mestat_evaluator', current_database());
end
$$;

create schema mestat authorization mestat_owner;
create schema report authorization mestat_owner;

set local role mestat_owner;

revoke all on schema mestat from public;
revoke all on schema report from public;
grant usage on schema mestat to mestat_daemon;
grant usage on schema report to mestat_evaluator;

-- Functions of mestat_owner are not callable by everybody: each grant of
-- EXECUTE is explicit (to mestat_daemon for what mestatd calls). Later
-- migrations adding a function mestatd calls must GRANT EXECUTE for it.
alter default privileges for role mestat_owner revoke execute on functions from public;

-- Every view later added to schema report is readable by evaluators.
alter default privileges for role mestat_owner in schema report grant select on tables to mestat_evaluator;

comment on schema mestat is
	'mestat: monitoring statistics of the 13th Five-Year Modern Service Industry S&T Innovation Plan (国科发高〔2017〕91号). '
	'Catalog (reporter, indicator, target, period, code_mapping), submissions and their observation versions, collector state, '
	'progress snapshots. Owned by mestat_owner; mestatd works here as mestat_daemon.';
comment on schema report is
	'Evaluator views over schema mestat (progress, completeness, timeliness, latest values, submission log, collector status). '
	'Readable by mestat_evaluator, which has no access to schema mestat itself.';
