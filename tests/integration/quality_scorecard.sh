#!/bin/bash
# quality_scorecard.sh: report.data_quality on a small case computed by hand
# (docs/method.md, "Data quality scorecard"), and the helpers the progress
# note uses: mestat.quality_note (provisional, estimated, under follow-up)
# and mestat.series_break (no growth measured across a break, SDMX status B).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/quality_lib.sh"

quality_db
owner() { psql -X -q -At -F '|' -v ON_ERROR_STOP=1 -U postgres -d "$DB" -c "set role mestat_owner; $1"; }

# A small catalog, so that every component moves the score: four quarterly
# provincial indicators.
owner "update mestat.indicator set active = false
        where scope = 'provincial'
          and code not in ('incubators', 'makerspaces', 'tech_contracts', 'tech_contract_turnover')" >/dev/null

# Beijing, 2018: 4 cells with a value, 1 reported missing (status M).
qsubmit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,incubators,2018Q1,100,,,,,
line 3,110000,makerspaces,2018Q1,50,,,,,
line 4,110000,tech_contracts,2018Q1,5,,,P,,
line 5,110000,tech_contract_turnover,2018Q2,,,,M,,
ROWS
# Both Q1 values came before the due date (2018-04-30).
owner "update mestat.observation set recorded_at = '2018-04-20 10:00+08'
        where reporter = '110000' and period = '2018Q1' and indicator in ('incubators', 'makerspaces')" >/dev/null
qsubmit "$DB" 110000 "" >/dev/null <<'ROWS'
line 2,110000,incubators,2018Q1,110,revised,,,,
line 3,110000,makerspaces,2018Q2,600,,,,,
ROWS
owner "select mestat.recompute_progress()" >/dev/null || not_ok "recompute_progress runs beside reported-missing values" "it failed"
# The scorecard is as of the refresh that follows a progress run (mestatd runs both).
owner "select mestat.quality_refresh()" >/dev/null || not_ok "quality_refresh runs" "it failed"

nq=$(q "select count(*) from mestat.indicator where active and scope = 'provincial' and periodicity = 'quarterly'")
na=$(q "select count(*) from mestat.indicator where active and scope = 'provincial' and periodicity = 'annual'")
expected=$((4 * nq + na))
# received 5 (the missing one counts), on time 2, 4 cells, mean absolute
# revision (|110 - 100| / 100 + 0 + 0 + 0) / 4 = 0.025, one outlier
# (makerspaces 600 after 50, tenfold) not confirmed, one rule violation
# (tech_contracts without their turnover).
# score = 100 (0.40 C + 0.30 T + 0.30 C A), A = ((1 - 0.025) + (1 - 1/4) + (1 - 1/4)) / 3
score=$(awk -v e="$expected" 'BEGIN { c = 5 / e; printf "%.1f", 100 * (0.40 * c + 0.30 * 2 / e + 0.30 * c * ((1 - 0.025) + (1 - 1 / 4) + (1 - 1 / 4)) / 3) }')
expect_eq "the scorecard of a small case, computed by hand" \
	"$expected|5|2|4|1|0.0250|1|0|1|$score" \
	"$(db_q t_eval "$DB" "select expected, received, on_time, cells, revised, mean_abs_revision, outliers_flagged,
	                             outliers_confirmed, rule_violations, score
	                        from report.data_quality where reporter = '110000' and year = 2018")"
expect_eq "completeness counts the reported-missing value as received, not as silence" \
	"$(awk -v e="$expected" 'BEGIN { printf "%.4f", 5 / e }')" \
	"$(q "select completeness from report.data_quality where reporter = '110000' and year = 2018")"
id=$(q "select id from mestat.follow_up where reporter = '110000' and indicator = 'makerspaces'")
q "select mestat.resolve_follow_up($id, 'confirm', 'a new register')" >/dev/null
owner "select mestat.quality_refresh()" >/dev/null
score2=$(awk -v e="$expected" 'BEGIN { c = 5 / e; printf "%.1f", 100 * (0.40 * c + 0.30 * 2 / e + 0.30 * c * ((1 - 0.025) + 1 + (1 - 1 / 4)) / 3) }')
expect_eq "a confirmed outlier no longer lowers the score" "1|1|$score2" \
	"$(q "select outliers_flagged, outliers_confirmed, score from report.data_quality where reporter = '110000' and year = 2018")"
expect_eq "a reporter that sent nothing ranks below one that did" "1" \
	"$(q "select rank_in_year from report.data_quality where reporter = '110000' and year = 2018")"

# ---- what the progress note can say

expect_eq "quality_note: a provisional value is named" "rests on: provisional value 2018Q1" \
	"$(q "select mestat.quality_note('110000', 'tech_contracts', array['2018Q1'])")"
qsubmit "$DB" 120000 "" >/dev/null <<'ROWS'
line 2,120000,makerspaces,2018Q1,50,,,,,
line 3,120000,makerspaces,2018Q2,51,,,E,,
ROWS
qsubmit "$DB" 120000 "" >/dev/null <<'ROWS'
line 2,120000,makerspaces,2018Q3,900,,,,,
ROWS
expect_eq "quality_note: estimated values and values under follow-up, for one reporter" \
	"rests on: estimated value 2018Q2; under follow-up 2018Q3" \
	"$(q "select mestat.quality_note('120000', 'makerspaces', array['2018Q1', '2018Q2', '2018Q3'])")"
expect_eq "quality_note: nothing to say about normal values" "" \
	"$(q "select mestat.quality_note('120000', 'makerspaces', array['2018Q1'])")"
expect_eq "quality_note for a national figure names the reporters" "rests on: estimated value 2018Q2 120000" \
	"$(q "select mestat.quality_note(null, 'makerspaces', array['2018Q2'])")"

qsubmit "$DB" 120000 "" >/dev/null <<'ROWS'
line 2,120000,makerspaces,2019Q1,300,,,B,,
line 3,120000,makerspaces,2019Q2,310,,,,,
ROWS
expect_eq "series_break: growth to 2019Q2 is measured from the break in 2019Q1" "2019Q1" \
	"$(q "select mestat.series_break('120000', 'makerspaces', '2019Q2')")"
expect_eq "series_break: no break before it" "" "$(q "select mestat.series_break('120000', 'makerspaces', '2018Q4')")"

db_drop
