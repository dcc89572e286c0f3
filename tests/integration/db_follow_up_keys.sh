#!/bin/bash
# db_follow_up_keys.sh: the values held for follow-up (mestat.follow_up)
# name an existing submission, reporter, indicator and period, checked by
# the values' statement trigger since 070 instead of four foreign keys, with
# what the foreign keys did: a follow-up naming a row that is not there is
# refused with SQLSTATE 23503 (inserted, or updated), and the whole
# statement with it; a row that only follow-ups name cannot be deleted or
# have its key changed (nor its table truncated while values are stored); a
# row named by an uncommitted follow-up cannot be deleted until that
# transaction ends. The value held stays a foreign key (23503 for one that
# is not there; TRUNCATE ... CASCADE of the values takes the follow-ups
# along).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
sq() { db_owner "$DB" "$1"; }
state() { db_state "$DB" "$1"; }
message() { db_message "$DB" "$1"; }
ind=$(sq "select code from mestat.indicator where scope = 'provincial' and periodicity = 'quarterly' order by code limit 1")
sub() { db_accepted "$DB" "$1"; }
s1=$(sub 110000)
# The value every follow-up below holds: reporter 110000's, in 2018Q1.
obs=$(sq "insert into mestat.observation (indicator, reporter, period, value, submission)
          values ('$ind', '110000', '2018Q1', 1, $s1) returning id")
# A reporter, a period and a submission no value names, for the follow-ups
# to name alone.
sq "insert into mestat.reporter (code, name_en, name_zh, kind) values ('719999', 'Test', '测试', 'province')"
# period CODE QUARTER START END: a quarter of 2031.
period() {
	sq "insert into mestat.period (code, kind, year, quarter, start_date, end_date, due_date)
	    values ('$1', 'quarter', 2031, $2, '$3', '$4', '$4')"
}
period 2031Q1 1 2031-01-01 2031-03-31
s2=$(sub 719999)
# follow_up [SUBMISSION] [REPORTER] [PERIOD] [INDICATOR] [OBSERVATION]: one follow-up's insert.
follow_up() {
	echo "insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
	      values (${5:-$obs}, ${1:-$s1}, '${2:-110000}', '${4:-$ind}', '${3:-2018Q1}', 1, 'jump', 'test')"
}
count() { sq "select count(*) from mestat.follow_up"; }

expect_eq "follow-ups naming existing rows are stored, several in one statement" "ok 2" \
	"$(state "$(follow_up); $(follow_up "$s2" 719999 2031Q1)") $(count)"
expect_eq "a follow-up naming no reporter is refused (23503)" 23503 "$(state "$(follow_up "$s1" 999999)")"
expect_eq "... no indicator" 23503 "$(state "$(follow_up "$s1" 110000 2018Q1 no_such_indicator)")"
expect_eq "... no period" 23503 "$(state "$(follow_up "$s1" 110000 2031Q5)")"
expect_eq "... no submission" 23503 "$(state "$(follow_up 999999)")"
expect_eq "... no value held (still a foreign key)" 23503 "$(state "$(follow_up "$s1" 110000 2018Q1 "$ind" 999999)")"
expect_eq "the refusal names the table, the column and the key" \
	'insert or update on table "follow_up" names reporter "999999", which is not in mestat.reporter' \
	"$(message "$(follow_up "$s1" 999999)")"
expect_eq "one bad follow-up among good ones refuses the whole statement" "23503 2" \
	"$(state "insert into mestat.follow_up (observation, submission, reporter, indicator, period, value, kind, message)
	          values ($obs, $s1, '110000', '$ind', '2018Q1', 1, 'jump', 'a'),
	                 ($obs, $s1, '110000', '$ind', '2031Q5', 1, 'jump', 'b')") $(count)"
expect_eq "a follow-up updated to name no period is refused (23503)" 23503 \
	"$(state "update mestat.follow_up set period = '2031Q5' where reporter = '719999'")"
expect_eq "... a decision on it is kept" ok \
	"$(state "update mestat.follow_up set decision = 'confirmed', decided_at = now() where reporter = '719999'")"

# The rows only follow-ups name (719999, 2031Q1, s2): no value names them.
expect_eq "a reporter that only follow-ups name cannot be deleted (23503)" 23503 \
	"$(state "delete from mestat.submission where id = $s2; delete from mestat.reporter where code = '719999'")"
expect_eq "... nor a submission" 23503 "$(state "delete from mestat.submission where id = $s2")"
expect_eq "... nor a period" 23503 "$(state "delete from mestat.period where code = '2031Q1'")"
expect_eq "the refusal says follow-ups name it" \
	'update or delete on table "period" of period "2031Q1", which follow-ups (mestat.follow_up) name' \
	"$(message "delete from mestat.period where code = '2031Q1'")"
expect_eq "... nor a reporter's code changed" 23503 "$(state "update mestat.reporter set code = '719998' where code = '719999'")"
expect_eq "... nor a submission's id" 23503 "$(state "update mestat.submission set id = default where id = $s2")"
expect_eq "the period table cannot be truncated while values and their follow-ups are stored (23503)" 23503 \
	"$(state "truncate mestat.period cascade")"
expect_eq "once its follow-up is gone, the reporter, its submission and the period can go" "ok ok" \
	"$(state "delete from mestat.follow_up where reporter = '719999'") $(state "delete from mestat.submission where id = $s2;
	  delete from mestat.reporter where code = '719999'; delete from mestat.period where code = '2031Q1'")"

# Concurrency: an uncommitted follow-up naming a row holds it.
period 2031Q2 2 2031-04-01 2031-06-30
db_hold "$DB" 4 inserting "$(follow_up "$s1" 110000 2031Q2)"
holder=$DB_HELD
expect_eq "a period an uncommitted follow-up names cannot be deleted meanwhile (lock timeout)" 55P03 \
	"$(state "set lock_timeout = '500ms'; delete from mestat.period where code = '2031Q2'")"
wait "$holder"
expect_eq "... and once that transaction commits, it cannot be deleted at all (23503)" "2 23503" \
	"$(count) $(state "delete from mestat.period where code = '2031Q2'")"

expect_eq "TRUNCATE ... CASCADE of the values takes the follow-ups along (the value held is a foreign key)" "ok 0" \
	"$(state "truncate mestat.observation cascade") $(count)"

db_drop
