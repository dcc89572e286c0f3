-- 052: the assessments (mestat.progress_snapshot_detail) are read without
-- parallel workers.
--
-- A whole read of report.progress_by_reporter is one range of the chain
-- index, in reporter order (040). At county scale (285,000 rows of about
-- 900 bytes) PostgreSQL preferred a parallel plan: each worker scanned the
-- whole table, sorted its third of the rows by reporter (spilling to disk
-- under the default work_mem) to join the reporters, and the leader merged
-- the wide rows back through Gather Merge; the workers, new processes each
-- time, also mapped the shared buffers they touched anew. Measured on that
-- database, four sessions of two reads each, the two settings alternating:
-- 1.23-1.34 s with workers against 0.80-0.82 s without (the first read of a
-- session 1.37-1.52 s against 1.18-1.20 s). In bench/progress no other
-- statement chose a parallel plan for the table (the progress runs write it,
-- the other views read a few rows by index). A whole read of
-- report.progress_history takes as long either way on a connection that has
-- read before (count(*) 0.36 s), and longer as a session's first read
-- (0.53 s against 0.37 s: one backend maps the pages three did).

set local role mestat_owner;

alter table mestat.progress_snapshot_detail set (parallel_workers = 0);
