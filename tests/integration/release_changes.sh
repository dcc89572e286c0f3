#!/bin/bash
# release_changes.sh: what a release says changed since the previous one,
# against a scenario made by hand between two releases: the ministry revises
# its 2018 count of industry S&T platforms from 2 to 3 (one revision of an earlier
# period) which moves that target from at risk to on track (one class
# moving), and Beijing, late with 2020Q2, sends the whole quarter (one
# province catching up). Plus a revised target side by side with the
# original, and the growth an at-risk target needs.
. "$TOP/tests/lib.sh"

db=$(t_newdb)
conf=$T_TMP/mestatd.conf
log=$T_TMP/mestatd.log
t_conf "$conf" "$db" "recompute_interval = 1h"
t_up "$conf" "$log"
url=https://127.0.0.1:$T_PORT
wait_for() {
	local limit=$1 start=$SECONDS
	while [ $((SECONDS - start)) -lt "$limit" ]; do
		[ "$(q "$2")" = t ] && return 0
		sleep 0.3
	done
	echo timeout
}
mtok=$(q "select mestat.create_token('000000')")
push() { # push AUTH-ARGS... BODY: prints the HTTP status
	local body=${*: -1}
	t_curl "${@:1:$#-1}" -H 'Content-Type: application/json' -d "$body" "$url/api/v1/submissions" | tail -n 1
}
ministry() { push -H "Authorization: Bearer $mtok" "$1"; }
doc() { q "select body::jsonb #>> '$2' from mestat.release where period = '$1' order by revision desc limit 1"; }

# Before the first release: the ministry counts 1 platform in 2016 and 2 in
# 2018; the target is 5 by 2020 from 0 in 2015, so 3 were expected by 2018:
# 2/3 of the way, at risk (0.60 <= R < 0.95).
expect_eq "the ministry reports 2016" 201 \
	"$(ministry '{"reporter":"000000","period":"2016","values":[{"indicator":"industry_st_platforms","value":1}]}')"
expect_eq "the ministry reports 2018" 201 \
	"$(ministry '{"reporter":"000000","period":"2018","values":[{"indicator":"industry_st_platforms","value":2}]}')"
q "select mestat.publish_release('2020Q3')" >/dev/null
w=$(wait_for 40 "select exists (select 1 from mestat.release where period = '2020Q3')")
expect_eq "the plan office publishes 2020Q3 early" "" "$w"
expect_eq "in 2020Q3 industry S&T platforms are at risk" "at_risk" \
	"$(q "select item->>'class' from report.release_items
	        where period = '2020Q3' and section = 'progress' and indicator = 'industry_st_platforms'")"
expect_eq "Beijing is overdue with 2020Q2 in 2020Q3's release" "1" \
	"$(q "select count(*) from report.release_items where period = '2020Q3' and section = 'overdue'
	        and reporter = '110000' and item->>'period' = '2020Q2'")"
expect_eq "the first release has nothing to compare with" "|0" "$(doc 2020Q3 '{changes,since}')|$(doc 2020Q3 '{changes,classes}' | jq length)"

# Between the releases.
expect_eq "the ministry revises 2018: 2 becomes 3" 201 \
	"$(ministry '{"reporter":"000000","period":"2018","values":[{"indicator":"industry_st_platforms","value":3}]}')"
values=$(q "select string_agg(format('{\"indicator\":\"%s\",\"value\":%s}', code, 10 + row_number), ',')
              from (select code, row_number() over (order by code) from mestat.indicator
                     where active and scope = 'provincial' and periodicity = 'quarterly') as x")
expect_eq "Beijing sends its whole 2020Q2, late" 201 \
	"$(push --cert "$T_CERTS/client-110000.crt" --key "$T_CERTS/client-110000.key" \
		"{\"reporter\":\"110000\",\"period\":\"2020Q2\",\"values\":[$values]}")"
q "select mestat.publish_release('2020Q4')" >/dev/null
w=$(wait_for 40 "select exists (select 1 from mestat.release where period = '2020Q4')")
expect_eq "the plan office publishes 2020Q4" "" "$w"

# What 2020Q4 says changed.
expect_eq "changes are counted since 2020Q3 revision 1" '{"period":"2020Q3","revision":1}' \
	"$(doc 2020Q4 '{changes,since}' | jq -cS .)"
expect_eq "exactly one target moved: industry S&T platforms, at risk to on track" \
	'[{"from":"at_risk","indicator":"industry_st_platforms","to":"on_track"}]' \
	"$(doc 2020Q4 '{changes,classes}' | jq -cS '[.[] | {indicator, from, to}]')"
expect_eq "... with its values before and after" "2|3" \
	"$(doc 2020Q4 '{changes,classes}' | jq -r '.[0] | "\(.from_value)|\(.to_value)"')"
expect_eq "one value of an earlier period was revised, by the ministry" '1|[{"count":1,"reporter":"000000"}]' \
	"$(doc 2020Q4 '{changes,revisions,count}')|$(doc 2020Q4 '{changes,revisions,by_reporter}' | jq -cS '[.[] | {reporter, count}]')"
expect_eq "... the largest change is that one: 2018, 2 to 3 (+50 %)" "industry_st_platforms|2018|2|3|0.5" \
	"$(doc 2020Q4 '{changes,revisions,largest}' | jq -r '.[0] | [.indicator, .period, .old_value, .new_value, .relative_change] | join("|")')"
expect_eq "Beijing caught up with 2020Q2" '[{"periods":["2020Q2"],"reporter":"110000"}]' \
	"$(doc 2020Q4 '{changes,reporting,caught_up}' | jq -cS '[.[] | {reporter, periods}]')"
expect_eq "nobody fell behind (no due date passed between the releases)" '[]' \
	"$(doc 2020Q4 '{changes,reporting,fell_behind}' | jq -c .)"
expect_eq "report.release_items lists the class change" "industry_st_platforms|on_track" \
	"$(q "select indicator || '|' || class from report.release_items where period = '2020Q4' and section = 'class_change'")"

# A revised target side by side with the original, and what it takes.
q "insert into mestat.target (indicator, kind, baseline_value, target_value, effective_from, clause, note,
                               decision_ref, decision_date)
   values ('industry_st_platforms', 'point', 0, 8, current_date - 1, '专栏1', 'raised by the mid-term review',
           '国科发高〔2019〕1号', current_date - 1)" >/dev/null
q "select mestat.publish_release('2020Q4', 'the target for industry S&T platforms was raised to 8')" >/dev/null
w=$(wait_for 40 "select exists (select 1 from mestat.release where period = '2020Q4' and revision = 2)")
expect_eq "a correction after the target revision is published" "" "$w"
expect_eq "the revised target: original 5 (on track) beside revised 8 (at risk: 3 of 4.8 expected)" \
	"industry_st_platforms|5|on_track|8|at_risk" \
	"$(doc 2020Q4 '{target_revisions}' | jq -r '.[0] | [.indicator, .original.target_value, .original.class, .revised.target_value, .revised.class] | join("|")')"
expect_eq "what it takes: 3 in 2018 to 8 by the end of 2020, 8 quarters: 13.0 % a quarter" \
	"industry_st_platforms|8|0.13" \
	"$(doc 2020Q4 '{what_it_takes}' | jq -r '.[] | select(.indicator == "industry_st_platforms") | [.indicator, .quarters_left, (.quarterly_growth_needed * 1000 | round / 1000)] | join("|")')"

t_stop
expect_eq "mestatd stops cleanly" 0 "$T_RC"
