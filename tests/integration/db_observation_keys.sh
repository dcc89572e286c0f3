#!/bin/bash
# db_observation_keys.sh: the values (mestat.observation) name an existing
# indicator, reporter, period, status and submission, checked by statement
# triggers since 068 instead of five foreign keys, with what the foreign
# keys did: a value naming a row that is not there is refused with SQLSTATE
# 23503 (inserted, or corrected by mestat_owner), and the whole statement
# with it; a named row cannot be deleted or have its key changed, an
# unnamed one can; the status table cannot be truncated while values are
# stored; a row named by an uncommitted insert cannot be deleted until that
# transaction ends, and an insert that waited for a delete of its row is
# refused.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
sq() { db_owner "$DB" "$1"; }
state() { db_state "$DB" "$1"; }
message() { db_message "$DB" "$1"; }
ind=$(sq "select code from mestat.indicator where scope = 'provincial' and periodicity = 'quarterly' order by code limit 1")
sub() { db_accepted "$DB" "$1"; }
s1=$(sub 110000)
s2=$(sub 120000)
# value REPORTER PERIOD SUBMISSION [STATUS] [INDICATOR]: one value's insert.
value() {
	echo "insert into mestat.observation (indicator, reporter, period, value, status, submission)
	      values ('${5:-$ind}', '$1', '$2', 1, '${4:-A}', $3)"
}
count() { sq "select count(*) from mestat.observation"; }

expect_eq "values naming existing rows are stored, several in one statement" "ok 3" \
	"$(state "$(value 110000 2018Q1 "$s1"); insert into mestat.observation (indicator, reporter, period, value, status, submission)
	          values ('$ind', '110000', '2018Q2', 2, 'A', $s1), ('$ind', '120000', '2018Q2', 3, 'E', $s2)") $(count)"
expect_eq "a value naming no reporter is refused (23503)" 23503 "$(state "$(value 999999 2018Q3 "$s1")")"
expect_eq "... no indicator" 23503 "$(state "$(value 110000 2018Q3 "$s1" A no_such_indicator)")"
expect_eq "... no period" 23503 "$(state "$(value 110000 2031Q5 "$s1")")"
expect_eq "... no status" 23503 "$(state "$(value 110000 2018Q3 "$s1" Z)")"
expect_eq "... no submission" 23503 "$(state "$(value 110000 2018Q3 999999)")"
expect_eq "the refusal names the column and the key" \
	'insert or update on table "observation" names reporter "999999", which is not in mestat.reporter' \
	"$(message "$(value 999999 2018Q3 "$s1")")"
expect_eq "... for a status too" \
	'insert or update on table "observation" names status "Z", which is not in mestat.obs_status' \
	"$(message "$(value 110000 2018Q3 "$s1" Z)")"
expect_eq "one bad value among good ones refuses the whole statement" "23503 3" \
	"$(state "insert into mestat.observation (indicator, reporter, period, value, status, submission)
	          values ('$ind', '110000', '2018Q3', 4, 'A', $s1), ('$ind', '110000', '2018Q4', 4, 'A', 999999)") $(count)"
expect_eq "a value corrected to name no period is refused (23503)" 23503 \
	"$(state "update mestat.observation set period = '2031Q5' where submission = $s2")"
expect_eq "... corrected to name existing rows, it is kept" ok \
	"$(state "update mestat.observation set period = '2018Q3' where submission = $s2")"

expect_eq "a reporter that values name cannot be deleted (23503)" 23503 \
	"$(state "delete from mestat.submission where reporter = '120000'; delete from mestat.reporter where code = '120000'")"
expect_eq "... nor a submission" 23503 "$(state "delete from mestat.submission where id = $s2")"
expect_eq "... nor a status" 23503 "$(state "delete from mestat.obs_status where code = 'E'")"
expect_eq "... nor a period" 23503 "$(state "delete from mestat.period where code = '2018Q3'")"
s3=$(sub 110000)
expect_eq "a submission no value names can be deleted" ok "$(state "delete from mestat.submission where id = $s3")"
sq "insert into mestat.obs_status (code, name_en, name_zh) values ('Y', 'test', 'test')"
expect_eq "... a status too, and its code changed" "ok ok" \
	"$(state "update mestat.obs_status set code = 'X' where code = 'Y'") $(state "delete from mestat.obs_status where code = 'X'")"
expect_eq "a named status's code cannot change (23503)" 23503 "$(state "update mestat.obs_status set code = 'Y' where code = 'E'")"
expect_eq "... nor a named submission's id" 23503 "$(state "update mestat.submission set id = default where id = $s1")"
expect_eq "... nor a named reporter's code" 23503 "$(state "update mestat.reporter set code = '129999' where code = '120000'")"
expect_eq "a key deleted and given again in the same statement is kept (as NO ACTION had it)" ok \
	"$(state "with d as (delete from mestat.obs_status where code = 'E' returning *)
	          insert into mestat.obs_status select * from d")"
expect_eq "the status table cannot be truncated while values are stored (23503)" 23503 \
	"$(state "truncate mestat.obs_status")"
expect_eq "... and every value is still there" 3 "$(count)"

# Concurrency: an uncommitted insert naming a row holds it.
sq "insert into mestat.obs_status (code, name_en, name_zh) values ('W', 'test', 'test')"
db_hold "$DB" 4 inserting "$(value 110000 2019Q1 "$s1" W)"
holder=$DB_HELD
expect_eq "a status an uncommitted insert names cannot be deleted meanwhile (lock timeout)" 55P03 \
	"$(state "set lock_timeout = '500ms'; delete from mestat.obs_status where code = 'W'")"
wait "$holder"
expect_eq "... and once that transaction commits, it cannot be deleted at all (23503)" "4 23503" \
	"$(count) $(state "delete from mestat.obs_status where code = 'W'")"
# ... and an insert that waited for a delete of its row is refused.
sq "insert into mestat.obs_status (code, name_en, name_zh) values ('T', 'test', 'test')"
db_hold "$DB" 2 deleting "delete from mestat.obs_status where code = 'T'"
deleter=$DB_HELD
expect_eq "an insert naming a status deleted while it waited is refused (23503)" 23503 \
	"$(state "set statement_timeout = '20s'; $(value 110000 2019Q2 "$s1" T)")"
wait "$deleter"
expect_eq "... and nothing of it is stored" 4 "$(count)"

db_drop
