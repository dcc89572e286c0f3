#!/bin/bash
# db_snapshot_key.sh: the assessments (mestat.progress_snapshot_detail) and
# the completeness rows (mestat.reporting_status) name an existing snapshot,
# checked by statement triggers since 051 instead of foreign keys, with what
# the foreign keys did: a row naming no snapshot is refused with SQLSTATE
# 23503, inserted or moved; deleting a snapshot deletes its rows, truncating
# the snapshots empties both tables, and an id that rows name cannot change;
# a snapshot named by an uncommitted insert cannot be deleted until that
# transaction ends, and an insert that waited for a delete of its snapshot
# is refused. Since 053 an assessment also names its snapshot's chain (the
# snapshot's base, or the snapshot itself), which the one unique index on
# (chain, reporter, indicator, snapshot, period) leads with: a row naming
# another chain is refused, inserted or moved, and a snapshot's base cannot
# change while assessments name it (23503, as a foreign key on (snapshot,
# chain) would refuse them), nor while an uncommitted insert names it (the
# insert locks it FOR SHARE); two rows of one (snapshot, indicator, reporter,
# period) are refused by that index (23505).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
sq() { db_owner "$DB" "$1"; }
state() { db_state "$DB" "$1"; }
snap() { sq "insert into mestat.progress_snapshot (note) values ('test') returning id"; }
detail() { echo "insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter) values ($1, $1, 'i$2', 'r$2')"; }
status() { echo "insert into mestat.reporting_status (reporter, period, expected, received, on_time, snapshot, computed_at) values ('r$2', '2016Q1', 3, 1, 1, $1, now())"; }
count() { sq "select (select count(*) from mestat.progress_snapshot_detail where snapshot = $1) || ' ' || (select count(*) from mestat.reporting_status where snapshot = $1)"; }

s1=$(snap)
s2=$(snap)
expect_eq "rows naming existing snapshots are stored, several in one statement" ok \
	"$(state "$(detail "$s1" 1); $(detail "$s1" 2); $(status "$s1" 1);
	          insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter)
	          values ($s1, $s1, 'i3', 'r3'), ($s2, $s2, 'i3', 'r3');
	          insert into mestat.reporting_status (reporter, period, expected, received, on_time, snapshot, computed_at)
	          values ('r2', '2016Q1', 3, 1, 1, $s1, now()), ('r3', '2016Q1', 3, 1, 1, $s2, now())")"
expect_eq "... all of them" "3 2 1 1" "$(count "$s1") $(count "$s2")"
expect_eq "an assessment naming no snapshot is refused (23503)" 23503 "$(state "$(detail 999999 4)")"
expect_eq "a completeness row naming no snapshot is refused (23503)" 23503 "$(state "$(status 999999 4)")"
expect_eq "one bad row among good ones refuses the whole statement" "23503 3 2" \
	"$(state "insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter)
	          values ($s1, $s1, 'i5', 'r5'), (999999, 999999, 'i5', 'r5')") $(count "$s1")"
expect_eq "a row moved to no snapshot is refused (23503)" 23503 \
	"$(state "update mestat.reporting_status set snapshot = 999999 where snapshot = $s1")"
expect_eq "a row moved to another snapshot and its chain is kept" "ok 2 1" \
	"$(state "update mestat.progress_snapshot_detail set snapshot = $s2, chain = $s2
	          where snapshot = $s1 and indicator = 'i2'") $(count "$s2")"
expect_eq "an assessment naming a chain other than its snapshot's is refused (23503)" 23503 \
	"$(state "insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter)
	          values ($s1, $s2, 'i9', 'r9')")"
expect_eq "... one such row among good ones refuses the whole statement" "23503 2 2" \
	"$(state "insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter)
	          values ($s1, $s1, 'i9', 'r9'), ($s1, $s2, 'i10', 'r10')") $(count "$s1")"
expect_eq "... moved to another snapshot without its chain (23503)" 23503 \
	"$(state "update mestat.progress_snapshot_detail set snapshot = $s2 where snapshot = $s1 and indicator = 'i1'")"
expect_eq "... or to another chain (23503)" 23503 \
	"$(state "update mestat.progress_snapshot_detail set chain = $s2 where snapshot = $s1 and indicator = 'i1'")"
si=$(sq "insert into mestat.progress_snapshot (note, kind, base) values ('test', 'incremental', $s1) returning id")
expect_eq "an incremental snapshot's rows name its base as their chain" ok \
	"$(state "insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter)
	          values ($si, $s1, 'i1', 'r1')")"
expect_eq "... not the snapshot itself (23503)" 23503 \
	"$(state "insert into mestat.progress_snapshot_detail (snapshot, chain, indicator, reporter)
	          values ($si, $si, 'i2', 'r2')")"
expect_eq "a snapshot's base cannot change while assessments name it (23503)" 23503 \
	"$(state "update mestat.progress_snapshot set base = $s2 where id = $si")"
expect_eq "two assessments of one snapshot, indicator, reporter and period are refused (23505)" 23505 \
	"$(state "$(detail "$s2" 3)")"
national="insert into mestat.progress_snapshot_detail (snapshot, chain, indicator) values ($si, $s1, 'i3')"
expect_eq "... the national row too (a NULL reporter is not distinct)" "ok 23505" \
	"$(state "$national") $(state "$national")"
expect_eq "deleting an incremental snapshot deletes its rows, not its base's" "0 2" \
	"$(sq "delete from mestat.progress_snapshot where id = $si")$(count "$si" | cut -d' ' -f1) $(count "$s1" | cut -d' ' -f1)"
expect_eq "a named snapshot's id cannot change (23503)" 23503 \
	"$(state "update mestat.progress_snapshot set id = default where id = $s1")"
s3=$(snap)
expect_eq "... an unnamed one's can" ok "$(state "update mestat.progress_snapshot set id = default where id = $s3")"
expect_eq "deleting a snapshot deletes its rows, and no other's" "0 0 2 1" \
	"$(sq "delete from mestat.progress_snapshot where id = $s1")$(count "$s1") $(count "$s2")"

# Concurrency: an uncommitted insert naming a snapshot holds it.
s4=$(snap)
db_hold "$DB" 4 inserting "$(detail "$s4" 6)"
holder=$DB_HELD
expect_eq "a snapshot an uncommitted insert names cannot be deleted meanwhile (lock timeout)" 55P03 \
	"$(state "set lock_timeout = '500ms'; delete from mestat.progress_snapshot where id = $s4")"
expect_eq "... nor its base changed, which the uncommitted row's chain rests on (lock timeout)" 55P03 \
	"$(state "set lock_timeout = '500ms'; update mestat.progress_snapshot set base = $s2 where id = $s4")"
wait "$holder"
expect_eq "... and its row is there once that transaction commits" "1 0" "$(count "$s4")"
# ... and an insert that waited for a delete of its snapshot is refused.
db_hold "$DB" 2 deleting "delete from mestat.progress_snapshot where id = $s4"
deleter=$DB_HELD
expect_eq "an insert naming a snapshot deleted while it waited is refused (23503)" 23503 \
	"$(state "set statement_timeout = '20s'; $(detail "$s4" 7)")"
wait "$deleter"
expect_eq "... and the deleted snapshot's rows are gone" "0 0" "$(count "$s4")"

sq "$(status "$s2" 8)"
expect_eq "truncating the snapshots empties both tables" "0 0" \
	"$(sq "truncate mestat.progress_snapshot;
	       select (select count(*) from mestat.progress_snapshot_detail) || ' ' || (select count(*) from mestat.reporting_status)")"

db_drop
