-- 058: whether national sums add a reporter up is one function,
-- mestat.added_nationally(active, parent, kind), where four statements
-- spelled the predicate out: the progress runs (twice, one of them a
-- statement parallel workers run, which cannot read the run's temporary
-- table of those reporters), the outlier scoring's comparison with the other
-- provinces and report.source_consistency. Its current definition is
-- sql/functions/added_nationally.sql; created here for its grants. It is
-- inlined where it is called, but PostgreSQL inlines a function only for a
-- role that may execute it: mestatd's role (the scoring runs as it) and the
-- evaluators' (report.source_consistency calls it as its reader).

set local role mestat_owner;

create function mestat.added_nationally(p_active boolean, p_parent text, p_kind text) returns boolean
language sql immutable parallel safe
as $$
	select p_active and p_parent is null and p_kind not in ('ministry', 'department')
$$;

grant execute on function mestat.added_nationally(boolean, text, text) to mestat_daemon, mestat_evaluator;
