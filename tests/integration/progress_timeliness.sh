#!/bin/bash
# progress_timeliness.sh: completeness, timeliness and overdue reports as an
# evaluator reads them (report.completeness, report.timeliness,
# report.overdue) after mestat.recompute_progress(). 2018Q1 ends on
# 2018-03-31 and is due 30 days later, on 2018-04-30, Beijing time.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"

db_fresh
db_logins "$DB"
e() { db_q t_eval "$DB" "$1"; }
n_quarterly=$(db_q postgres "$DB" "select count(*) from mestat.indicator where active and scope = 'provincial' and periodicity = 'quarterly'")
n_annual_nat=$(db_q postgres "$DB" "select count(*) from mestat.indicator where active and scope = 'national_only' and periodicity = 'annual'")

expect_eq "2018Q1 is due on 2018-04-30" "2018-04-30" "$(db_q postgres "$DB" "select due_date from mestat.period where code = '2018Q1'")"

# Beijing: incubators on the due date late in the evening; makerspaces half a
# minute after midnight Beijing time (still 30 April in UTC); tech_contracts a
# day after; a revision after the due date does not make incubators late; an
# on-time value later deleted is not received.
# Hebei: every quarterly indicator, on time. Tianjin: nothing.
{
	echo "110000,incubators,2018Q1,40,2018-04-30 23:59:00+08"
	echo "110000,makerspaces,2018Q1,12,2018-05-01 00:00:30+08"
	echo "110000,tech_contracts,2018Q1,7,2018-05-01 12:00:00+08"
	echo "110000,incubators,2018Q1,41,2018-06-01 10:00:00+08"
	echo "110000,express_parcels,2018Q1,100,2018-04-10 10:00:00+08"
	echo "110000,express_parcels,2018Q1,,2018-04-11 10:00:00+08"
	for i in $(db_q postgres "$DB" "select code from mestat.indicator where active and scope = 'provincial' and periodicity = 'quarterly'"); do
		echo "130000,$i,2018Q1,1,2018-04-15 09:00:00+08"
	done
	echo "000000,national_centres_labs,2018,5,2019-01-20 09:00:00+08"
} | pr_load "$DB"
pr_recompute "$DB" >/dev/null

tl() { e "select expected, received, on_time, late, not_received, timeliness from report.timeliness where reporter = '$1' and period = '$2'"; }
expect_eq "on the due date (23:59 Beijing) is on time; after midnight Beijing and a day after are late" \
	"$n_quarterly|3|1|2|$((n_quarterly - 3))|$(db_q postgres "$DB" "select round(1::numeric / $n_quarterly, 4)")" "$(tl 110000 2018Q1)"
expect_eq "... so the day is Beijing's: the value at 00:00:30+08 is late though it is still 30 April in UTC" "2018-04-30" \
	"$(db_q postgres "$DB" "select (recorded_at at time zone 'UTC')::date from mestat.observation
	      where reporter = '110000' and indicator = 'makerspaces'")"
expect_eq "a whole report on time: timeliness 1" "$n_quarterly|$n_quarterly|$n_quarterly|0|0|1.0000" "$(tl 130000 2018Q1)"
expect_eq "nothing received: timeliness 0" "$n_quarterly|0|0|0|$n_quarterly|0.0000" "$(tl 120000 2018Q1)"

cp() { e "select expected, received, missing, completeness from report.completeness where reporter = '$1' and period = '$2'"; }
expect_eq "completeness counts cells with a value (a deleted value is missing)" \
	"$n_quarterly|3|$((n_quarterly - 3))|$(db_q postgres "$DB" "select round(3::numeric / $n_quarterly, 4)")" "$(cp 110000 2018Q1)"
expect_eq "a whole report is complete" "$n_quarterly|$n_quarterly|0|1.0000" "$(cp 130000 2018Q1)"
expect_eq "the ministry is expected the national-only annual indicators for a year" \
	"$n_annual_nat|1|$((n_annual_nat - 1))" \
	"$(e "select expected, received, missing from report.completeness where reporter = '000000' and period = '2018'")"
expect_eq "the ministry is not expected provincial quarterly indicators" "0" \
	"$(e "select count(*) from report.completeness where reporter = '000000' and period_kind = 'quarter'")"
expect_eq "every active reporter but the ministry has a row for each quarter that has ended" "37" \
	"$(e "select count(*) from report.completeness where period = '2018Q1'")"
current=$(db_q postgres "$DB" "select code from mestat.period where kind = 'quarter'
	and (now() at time zone 'Asia/Shanghai')::date between start_date and end_date")
expect_eq "the quarter under way ($current) has no row yet" "0" \
	"$(e "select count(*) from report.completeness where period = '$current'")"
expect_eq "reporter names come in Chinese and English" "北京市|Beijing|municipality" \
	"$(e "select reporter_name_zh, reporter_name_en, reporter_kind from report.completeness where reporter = '110000' and period = '2018Q1'")"

ov() { e "select expected, received, missing, coalesce(array_length(missing_indicators, 1)::text, 'all') from report.overdue where reporter = '$1' and period = '$2'"; }
expect_eq "an incomplete report past its due date is overdue, with what is missing" \
	"$n_quarterly|3|$((n_quarterly - 3))|$((n_quarterly - 3))" "$(ov 110000 2018Q1)"
expect_eq "... the missing list names the deleted value and none received" "t|f" \
	"$(e "select 'express_parcels' = any(missing_indicators), 'incubators' = any(missing_indicators)
	      from report.overdue where reporter = '110000' and period = '2018Q1'")"
expect_eq "a report with nothing received is overdue, every indicator missing" "$n_quarterly|0|$n_quarterly|all" "$(ov 120000 2018Q1)"
expect_eq "a complete report is not overdue" "" "$(ov 130000 2018Q1)"
expect_eq "days overdue count from the due date" "t" \
	"$(e "select days_overdue = (now() at time zone 'Asia/Shanghai')::date - date '2018-04-30'
	      from report.overdue where reporter = '120000' and period = '2018Q1'")"

# A late value arrives: the next run sees it.
echo "120000,incubators,2018Q1,5,2018-07-01 10:00:00+08" | pr_load "$DB"
pr_recompute "$DB" >/dev/null
expect_eq "a value received after the due date counts received and late at the next run" "$n_quarterly|1|0|1" \
	"$(e "select expected, received, on_time, late from report.timeliness where reporter = '120000' and period = '2018Q1'")"

# A year is due as its own period says (2018: its due_date, Beijing time):
# the ministry's second national-only annual indicator arrives a day after.
due_2018=$(db_q postgres "$DB" "select due_date from mestat.period where code = '2018'")
nat2=$(db_q postgres "$DB" "select code from mestat.indicator where active and scope = 'national_only' and periodicity = 'annual'
	and code <> 'national_centres_labs' order by code limit 1")
echo "000000,$nat2,2018,3,$(date -d "$due_2018 + 1 day" +%F) 12:00:00+08" | pr_load "$DB"
pr_recompute "$DB" >/dev/null
expect_eq "a year's value before its due date ($due_2018) is on time, one a day after is late" "2|1|1" \
	"$(e "select received, on_time, late from report.timeliness where reporter = '000000' and period = '2018'")"

# An indicator no longer collected is neither expected nor received: Beijing's
# on-time incubators of 2018Q1 no longer count.
db_q postgres "$DB" "update mestat.indicator set active = false where code = 'incubators'" >/dev/null
pr_recompute "$DB" >/dev/null
expect_eq "an inactive indicator's values are not received" "$((n_quarterly - 1))|2|0|2" \
	"$(e "select expected, received, on_time, late from report.timeliness where reporter = '110000' and period = '2018Q1'")"
db_q postgres "$DB" "update mestat.indicator set active = true where code = 'incubators'" >/dev/null

# Collector status.
db_q postgres "$DB" "insert into mestat.source_state (name, reporter, url, format, last_attempt, last_success, next_run, consecutive_failures)
	values ('beijing', '110000', 'https://stats.example.cn/q.json', 'json', now(), now(), now() + interval '1 hour', 0),
	       ('tianjin', '120000', 'https://tj.example.cn/q.csv', 'csv', now(), now() - interval '1 day', now() + interval '5 minutes', 3),
	       ('hebei', '130000', 'https://hb.example.cn/q.csv', 'csv', null, null, now(), 0)" >/dev/null
db_q postgres "$DB" "update mestat.source_state set last_error_class = 'timeout', last_error = 'no answer within 60 s' where name = 'tianjin'" >/dev/null
expect_eq "collector status: state, labels and reporter names per source" \
	"beijing|ok|正常|OK|北京市|Beijing||0
hebei|never_run|尚未运行|Never run|河北省|Hebei||0
tianjin|failing|失败|Failing|天津市|Tianjin|timeout|3" \
	"$(e "select source, state, state_zh, state_en, reporter_name_zh, reporter_name_en, last_error_class, consecutive_failures
	      from report.collector_status order by source")"
expect_eq "collector status shows last success and next run" "t|t" \
	"$(e "select last_success is not null, next_run > now() from report.collector_status where source = 'tianjin'")"

expect_match "the evaluator cannot read mestat.reporting_status itself" 'permission denied' \
	"$(db_err t_eval "$DB" "select * from mestat.reporting_status")"

db_drop
