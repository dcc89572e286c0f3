#!/bin/bash
# quality_progress.sh: mestat.recompute_progress() and the status of the
# values it rests on, against hand-computed cases: a reported-missing value
# (status M) is no value, a break in series (status B) is never crossed by
# growth or a trend, and the note names a provisional value and a value under
# follow-up. Values go through the ingestion API (statuses as sent), read
# back by an evaluator login through report.progress_by_reporter.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/quality_lib.sh"

quality_db
# row INDICATOR REPORTER EXPRESSIONS: the reporter's row of report.progress_by_reporter, the expressions
# (separated by ';') joined with '|', '-' for NULL.
row() {
	db_q t_eval "$DB" "select array_to_string(array[$(sed -E 's/; */::text, /g; s/$/::text/' <<<"$3")], '|', '-')
	                     from report.progress_by_reporter where indicator = '$1' and reporter = '$2'"
}
note() { db_q t_eval "$DB" "select coalesce(note, '') from report.progress_by_reporter where indicator = '$1' and reporter = '$2'"; }
recompute() { db_q t_daemon "$DB" "select mestat.recompute_progress()" >/dev/null || not_ok "recompute_progress runs" "it failed"; }

# ---- a break in series: growth from the break on (service_st_investment:
# annual flow, a plan direction, growth from the 2015 value). Beijing's
# series breaks in 2017 (a new survey); Shanghai sends the same numbers with
# no break.
qsubmit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,service_st_investment,2015,100,,,,,
line 3,110000,service_st_investment,2016,110,,,,,
line 4,110000,service_st_investment,2017,200,new survey,,B,,
line 5,110000,service_st_investment,2018,220,,,,,
line 6,110000,service_st_investment,2019,242,,,,,
ROWS
qsubmit "$DB" 310000 "" >/dev/null <<'ROWS'
line 2,310000,service_st_investment,2015,100,,,,,
line 3,310000,service_st_investment,2016,110,,,,,
line 4,310000,service_st_investment,2017,200,,,,,
line 5,310000,service_st_investment,2018,220,,,,,
line 6,310000,service_st_investment,2019,242,,,,,
ROWS

# ---- a break in a quarterly flow (modern_service_value_added: a plan
# direction, growth of the sum of the last 4 quarters from 2015's): Beijing's
# series breaks in 2017Q1, so growth starts from the first sum wholly after
# the break, the 4 quarters to 2017Q4.
qsubmit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,modern_service_value_added,2015Q1,25,,,,,
line 3,110000,modern_service_value_added,2015Q2,25,,,,,
line 4,110000,modern_service_value_added,2015Q3,25,,,,,
line 5,110000,modern_service_value_added,2015Q4,25,,,,,
line 6,110000,modern_service_value_added,2016Q1,27.5,,,,,
line 7,110000,modern_service_value_added,2016Q2,27.5,,,,,
line 8,110000,modern_service_value_added,2016Q3,27.5,,,,,
line 9,110000,modern_service_value_added,2016Q4,27.5,,,,,
line 10,110000,modern_service_value_added,2017Q1,50,new accounts,,B,,
line 11,110000,modern_service_value_added,2017Q2,50,,,,,
line 12,110000,modern_service_value_added,2017Q3,50,,,,,
line 13,110000,modern_service_value_added,2017Q4,50,,,,,
line 14,110000,modern_service_value_added,2018Q1,55,,,,,
line 15,110000,modern_service_value_added,2018Q2,55,,,,,
line 16,110000,modern_service_value_added,2018Q3,55,,,,,
line 17,110000,modern_service_value_added,2018Q4,55,,,,,
line 18,110000,modern_service_value_added,2019Q1,60.5,,,,,
line 19,110000,modern_service_value_added,2019Q2,60.5,,,,,
line 20,110000,modern_service_value_added,2019Q3,60.5,,,,,
line 21,110000,modern_service_value_added,2019Q4,60.5,,,,,
ROWS

# ---- a break cuts the trend, and a reported-missing value is no value
# (incubators: quarterly stock, monitoring; tech_contracts: quarterly flow,
# assessed on the sum of the last 4 quarters).
qsubmit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,incubators,2018Q1,10,,,,,
line 3,110000,incubators,2018Q2,11,,,,,
line 4,110000,incubators,2018Q3,50,new register,,B,,
line 5,110000,incubators,2018Q4,55,,,,,
line 6,110000,incubators,2019Q1,60,,,,,
line 7,110000,incubators,2019Q2,,,,M,,
line 8,110000,tech_contracts,2018Q1,1,,,,,
line 9,110000,tech_contracts,2018Q2,2,,,,,
line 10,110000,tech_contracts,2018Q3,3,,,,,
line 11,110000,tech_contracts,2018Q4,4,,,,,
line 12,110000,tech_contracts,2019Q1,,,,L,,
ROWS
qsubmit "$DB" 310000 "" >/dev/null <<'ROWS'
line 2,310000,incubators,2018Q1,10,,,,,
line 3,310000,incubators,2018Q2,11,,,,,
line 4,310000,incubators,2018Q3,50,,,,,
line 5,310000,incubators,2018Q4,55,,,,,
line 6,310000,incubators,2019Q1,60,,,,,
ROWS

# ---- what a row rests on: a provisional value, a value under follow-up.
qsubmit "$DB" 310000 "" >/dev/null <<'ROWS'
line 2,310000,makerspaces,2018Q1,20,,,,,
line 3,310000,makerspaces,2018Q2,21,,,,,
line 4,310000,makerspaces,2018Q3,22,,,,,
line 5,310000,makerspaces,2018Q4,23,,,P,,
line 6,310000,shared_instruments,2018Q1,5,,,,,
line 7,310000,shared_instruments,2018Q2,5,,,,,
line 8,310000,shared_instruments,2018Q3,5,,,,,
ROWS
out=$(qsubmit "$DB" 310000 "" <<'ROWS'
line 2,310000,shared_instruments,2018Q4,500,,,,,
ROWS
)
expect_match "the tenfold value is held for follow-up (so the note below can fail)" 'shared_instruments' "$out"
# Beijing's tenfold value is held too, then corrected: the hold stays open on
# the version the correction replaced, which no row rests on any more.
qsubmit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,shared_instruments,2018Q1,5,,,,,
line 3,110000,shared_instruments,2018Q2,5,,,,,
line 4,110000,shared_instruments,2018Q3,5,,,,,
ROWS
out=$(qsubmit "$DB" 110000 "" <<'ROWS'
line 2,110000,shared_instruments,2018Q4,500,,,,,
ROWS
)
expect_match "Beijing's tenfold value is held as well" 'shared_instruments' "$out"
out=$(qsubmit "$DB" 110000 "" <<'ROWS'
line 2,110000,shared_instruments,2018Q4,6,corrected,,,,
ROWS
)
expect_match "the correction (6) is stored as a revision" '^counts\|0\|1\|0\|0' "$out"
expect_eq "... and its hold is still open after the correction (so the note below can fail)" "1" \
	"$(q "select count(*) from mestat.follow_up where reporter = '110000' and indicator = 'shared_instruments' and decision is null")"
recompute

# Beijing: growth from 2017 (200) to 2019 (242) over 8 quarters:
# (242 / 200)^(4/8) - 1 = 0.1; never from 2015's 100 across the break.
expect_eq "a break in series: growth is measured from the break (2017, 200), not from 2015" \
	"direction|0.100000|2017|200|2019|242" \
	"$(row service_st_investment 110000 "method; to_char(annual_growth, 'FM0.000000'); first_period; first_value; period; actual_value")"
expect_match "... and the note says so" 'break in series at 2017 \(status B\): growth measured from 2017' \
	"$(note service_st_investment 110000)"
# Shanghai, no break: (242 / 100)^(4/16) - 1.
expect_eq "the same numbers without a break grow from 2015 (100)" \
	"direction|$(awk 'BEGIN { printf "%.6f", exp(log(2.42) / 4) - 1 }')|2015|100|2019|242" \
	"$(row service_st_investment 310000 "method; to_char(annual_growth, 'FM0.000000'); first_period; first_value; period; actual_value")"
expect_eq "... and its note says nothing of a break" "" "$(note service_st_investment 310000 | grep -o 'break in series')"
# Beijing's quarterly flow: from the 4 quarters to 2017Q4 (4 × 50 = 200) to
# those to 2019Q4 (4 × 60.5 = 242), 8 quarters: (242 / 200)^(4/8) - 1 = 0.1;
# not from the 4 quarters to 2015Q4 (100), nor from 2017Q1's sum, which
# would add quarters before the break.
expect_eq "a break in a quarterly flow: growth from the first 4-quarter sum after it (2017Q4, 200)" \
	"direction|0.100000|2017Q4|200|2019Q4|242.0" \
	"$(row modern_service_value_added 110000 "method; to_char(annual_growth, 'FM0.000000'); first_period; first_value; period; actual_value")"
expect_match "... and the note says so" \
	'break in series at 2017Q1 \(status B\): growth measured from the 4 quarters to 2017Q4, not across the break' \
	"$(note modern_service_value_added 110000)"

# Beijing's incubators: the latest value is 2019Q1's 60 (2019Q2 was
# reported missing, status M); the trend would compare it with 2018Q1's 10,
# across the break of 2018Q3: none.
expect_eq "a reported-missing latest value is no value: assessed at 2019Q1 (60), not at 2019Q2" "2019Q1|60" \
	"$(row incubators 110000 "period; actual_value")"
expect_eq "a break in series cuts the trend: no trend from 2018Q1 to 2019Q1 across 2018Q3" "-|-|-" \
	"$(row incubators 110000 "trend; trend_growth; trend_from_period")"
expect_match "... and the note says so" 'break in series at 2018Q3 \(status B\): no trend across the break' \
	"$(note incubators 110000)"
# Shanghai, no break: (60 - 10) / 10 = 5.
expect_eq "the same series without a break has its trend: rising, (60 - 10) / 10" "rising|5.000000|2018Q1" \
	"$(row incubators 310000 "trend; to_char(trend_growth, 'FM0.000000'); trend_from_period")"
expect_eq "completeness still counts the reported-missing value as received" "1" \
	"$(q "select count(*) from mestat.reporting_status where reporter = '110000' and period = '2019Q2' and received >= 1")"

# Beijing's contracts: 2019Q1 reported missing (status L), so the last
# 4-quarter sum is 2018's 1 + 2 + 3 + 4 = 10; 2 + 3 + 4 (9) at 2019Q1 would
# be a sum with a quarter left out.
expect_eq "a 4-quarter sum never includes a reported-missing quarter: 2018Q4, 10" "2018Q4|10" \
	"$(row tech_contracts 110000 "period; actual_value")"

# Shanghai's makerspaces rest on a provisional 2018Q4; its shared instruments
# on a value under follow-up.
expect_match "the note names a provisional value the row rests on" 'rests on: provisional value 2018Q4' \
	"$(note makerspaces 310000)"
expect_match "the note names a value under follow-up the row rests on" 'rests on: under follow-up 2018Q4' \
	"$(note shared_instruments 310000)"
expect_eq "... and nothing of the kind for normal values" "" "$(note incubators 310000 | grep -o 'rests on')"
expect_eq "a hold on a version since corrected is not what the row rests on: Beijing's note names no follow-up" "" \
	"$(note shared_instruments 110000 | grep -o 'under follow-up')"
expect_eq "... and its row rests on the correction (6)" "2018Q4|6" "$(row shared_instruments 110000 "period; actual_value")"
id=$(q "select id from mestat.follow_up where reporter = '310000' and indicator = 'shared_instruments'")
q "select mestat.resolve_follow_up($id, 'confirm', 'a new programme')" >/dev/null
recompute
expect_eq "once the plan office confirms the value, the note no longer says it is under follow-up" "" \
	"$(note shared_instruments 310000 | grep -o 'under follow-up')"

db_drop
