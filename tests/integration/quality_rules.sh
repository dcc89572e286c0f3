#!/bin/bash
# quality_rules.sh: validation rules as data (mestat.validation_rule), checked
# inside the submission's transaction against the values as they will be after
# it: a refuse rule answers 422 naming the rule and the values, a warn rule is
# accepted and reported in the warnings; report.validation_violations lists
# every current violation. Rules between indicators follow DHIS2's validation
# rules (left side, operator, right side, importance), with missing-value
# strategy "skip if any value is missing" for comparisons.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/quality_lib.sh"

quality_db

# ---- seeded rule, severity refuse, operator <=

out=$(qsubmit "$DB" 000000 "" <<'ROWS'
line 2,000000,col1_demo_launched,2018,3,,,,,
line 3,000000,col1_demo_completed,2018,4,,,,,
ROWS
)
expect_problem "refuse <=: more completed than launched projects in one submission is refused" 422 \
	'rule col1_completed_le_launched: .*col1_demo_completed 4 must be <= col1_demo_launched 3' "$out"
expect_eq "refuse <=: both rows of the violated rule are named" "2" "$(printf '%s\n' "$out" | grep -c '^problem|')"
expect_eq "refuse <=: nothing of the refused submission is stored" "0" "$(q "select count(*) from mestat.observation")"

out=$(qsubmit "$DB" 000000 "" <<'ROWS'
line 2,000000,col1_demo_launched,2018,3,,,,,
ROWS
)
expect_match "refuse <=: launched projects alone are accepted" '^counts\|1\|0\|0\|0' "$out"
out=$(qsubmit "$DB" 000000 "" <<'ROWS'
line 2,000000,col1_demo_completed,2018,4,,,,,
ROWS
)
expect_problem "refuse <=: the rule reads the stored value beside the staged one" 422 \
	'col1_demo_completed 4 must be <= col1_demo_launched 3' "$out"
out=$(qsubmit "$DB" 000000 "" <<'ROWS'
line 2,000000,col1_demo_completed,2018,3,,,,,
ROWS
)
expect_match "refuse <=: equal counts satisfy <=" '^counts\|1\|0\|0\|0' "$out"
out=$(qsubmit "$DB" 000000 "" <<'ROWS'
line 2,000000,col1_demo_launched,2018,2,,,,,
ROWS
)
expect_problem "refuse <=: revising the total below the stored part is refused too" 422 \
	'col1_demo_completed 3 must be <= col1_demo_launched 2' "$out"
out=$(qsubmit "$DB" 000000 "" <<'ROWS'
line 2,000000,col1_demo_launched,2018,2,,,,,
line 3,000000,col1_demo_completed,2018,,,t,,,
ROWS
)
expect_match "refuse <=: a deletion in the same submission counts as absent: not judged" '^counts\|0\|1\|0\|1' "$out"

# ---- seeded rule, severity warn, operator <=

out=$(qsubmit "$DB" 110000 "" <<'ROWS'
line 2,110000,online_retail_sales,2018Q3,500,,,,,
line 3,110000,retail_sales_total,2018Q3,400,,,,,
ROWS
)
expect_match "warn <=: a warn rule's violation is accepted" '^counts\|2\|0\|0\|0' "$out"
expect_match "warn <=: the warning names the rule and the values" \
	'"rule": "online_retail_le_retail_total".*online_retail_sales 500 must be <= retail_sales_total 400' "$out"
expect_match "warn both_or_neither: the share without the parts... is not asked here, the parts without the share is" \
	'"rule": "online_share_with_parts"' "$out"

# ---- each operator, custom rules

q "insert into mestat.validation_rule (name, left_side, operator, right_side, tolerance, severity, period_kind, first_period,
                                       message_zh, message_en) values
   ('t_lt', '{\"incubators\": 1}', '<', '{\"incubated_enterprises\": 1}', 0, 'refuse', 'quarter', null, '孵化器少于在孵企业', 'fewer incubators than incubated enterprises'),
   ('t_eq', '{\"shared_instruments\": 1}', '=', '{\"tech_transfer_institutions\": 1, \"ip_service_institutions\": 2}', 0.5, 'warn', 'quarter', null, '相等', 'equal'),
   ('t_ge', '{\"makerspaces\": 1}', '>=', '{\"inspection_bodies\": 1, \"st_consulting_institutions\": -1}', 0, 'refuse', 'quarter', null, '不少于', 'at least'),
   ('t_gt', '{\"fintech_enterprises\": 1}', '>', '{\"digital_life_pilots\": 1}', 0, 'warn', 'quarter', null, '多于', 'more than'),
   ('t_late', '{\"telemedicine_institutions\": 1}', '<', '{\"third_party_medical_centres\": 1}', 0, 'refuse', 'quarter', '2019Q1', '晚期', 'from 2019')" >/dev/null

out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,incubators,2018Q3,10,,,,,
line 3,120000,incubated_enterprises,2018Q3,10,,,,,
ROWS
)
expect_problem "refuse <: equal sides break a strict <" 422 'rule t_lt: fewer incubators .*incubators 10 must be < incubated_enterprises 10' "$out"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,incubators,2018Q3,10,,,,,
line 3,120000,incubated_enterprises,2018Q3,11,,,,,
ROWS
)
expect_match "refuse <: a strictly smaller left side passes" '^counts\|2\|0\|0\|0' "$out"

out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,shared_instruments,2018Q3,8,,,,,
line 3,120000,tech_transfer_institutions,2018Q3,2,,,,,
line 4,120000,ip_service_institutions,2018Q3,3,,,,,
ROWS
)
expect_match "warn =: coefficients are applied (2 + 2×3 = 8) and equality holds: no warning" '^warnings\|\[\]$' \
	"$(printf '%s\n' "$out" | grep '^warnings')"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,shared_instruments,2018Q3,9,,,,,
ROWS
)
expect_match "warn =: a difference beyond the tolerance is warned, with the sum of the right side" \
	'"rule": "t_eq".*shared_instruments 9 must be = ip_service_institutions 3 \+ tech_transfer_institutions 2 = 8|"rule": "t_eq".*shared_instruments 9 must be = 2×ip_service_institutions 3 \+ tech_transfer_institutions 2 = 8' "$out"

out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2018Q3,3,,,,,
line 3,120000,inspection_bodies,2018Q3,9,,,,,
line 4,120000,st_consulting_institutions,2018Q3,5,,,,,
ROWS
)
expect_problem "refuse >=: a negative coefficient subtracts (3 >= 9 - 5 is false)" 422 'rule t_ge: .*makerspaces 3 must be >=' "$out"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,makerspaces,2018Q3,4,,,,,
line 3,120000,inspection_bodies,2018Q3,9,,,,,
line 4,120000,st_consulting_institutions,2018Q3,5,,,,,
ROWS
)
expect_match "refuse >=: 4 >= 9 - 5 passes" '^counts\|3\|0\|0\|0' "$out"

out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,fintech_enterprises,2018Q3,7,,,,,
line 3,120000,digital_life_pilots,2018Q3,7,,,,,
ROWS
)
expect_match "warn >: equal sides break a strict > and are accepted with a warning" \
	'^counts\|2\|0\|0\|0.*"rule": "t_gt"' "$(printf '%s' "$out" | tr '\n' ' ')"

out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,telemedicine_institutions,2018Q3,9,,,,,
line 3,120000,third_party_medical_centres,2018Q3,1,,,,,
ROWS
)
expect_match "a rule starting in 2019Q1 does not apply to 2018Q3" '^counts\|2\|0\|0\|0' "$out"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,telemedicine_institutions,2019Q3,9,,,,,
line 3,120000,third_party_medical_centres,2019Q3,1,,,,,
ROWS
)
expect_problem "the same rule applies to 2019Q3" 422 'rule t_late' "$out"

out=$(qsubmit "$DB" 130000 "" <<'ROWS'
line 2,130000,incubators,2018Q3,50,,,,,
ROWS
)
expect_match "a comparison with a missing side is not judged (the total may come later)" '^counts\|1\|0\|0\|0' "$out"

out=$(qsubmit "$DB" 130000 "" <<'ROWS'
line 2,130000,tech_contracts,2018Q3,50,,,,,
ROWS
)
expect_match "warn both_or_neither: contracts without their turnover are warned" '"rule": "tech_contracts_with_turnover"' "$out"

# ---- seeded rule between two reporters: a province is not below its
# separate-plan city (warn)

out=$(qsubmit "$DB" 210000 "" <<'ROWS'
line 2,210000,incubators,2018Q3,50,,,,,
ROWS
)
expect_match "a province's value without its city's: no warning" 'warnings\|\[\]$' "$out"
out=$(qsubmit "$DB" 210200 "" <<'ROWS'
line 2,210200,incubators,2018Q3,80,,,,,
ROWS
)
expect_match "a separate-plan city (大连) above its province (辽宁) is warned, naming both and their values" \
	'"rule": "province_ge_city_incubators".*210000 ≥ 210200 2018Q3: incubators 50 must be >= incubators 80' "$out"
expect_match "... and stored" '^counts\|1\|0\|0\|0' "$out"
out=$(qsubmit "$DB" 210000 "" <<'ROWS'
line 2,210000,incubators,2018Q3,60,,,,,
ROWS
)
expect_match "the province's own submission is judged against the city's stored value" \
	'"rule": "province_ge_city_incubators".*incubators 60 must be >= incubators 80' "$out"
out=$(qsubmit "$DB" 210000 "" <<'ROWS'
line 2,210000,incubators,2018Q3,120,,,,,
ROWS
)
expect_match "a province value at or above the city's: no warning" 'warnings\|\[\]$' "$out"
qsubmit "$DB" 370000 "" >/dev/null <<'ROWS'
line 2,370000,incubators,2018Q3,10,,,,,
ROWS
qsubmit "$DB" 370200 "" >/dev/null <<'ROWS'
line 2,370200,incubators,2018Q3,15,,,,,
ROWS
expect_eq "the violation is listed under the province, with the city beside it" "370000|370200|10|15" \
	"$(db_q t_eval "$DB" "select reporter, other_reporter, left_value, right_value from report.validation_violations
	                      where rule = 'province_ge_city_incubators'")"

# ---- administration and the report view

expect_match "a rule naming an unknown indicator is refused" 'not an indicator code' \
	"$(db_err postgres "$DB" "insert into mestat.validation_rule (name, left_side, operator, right_side, severity, message_zh, message_en)
	                        values ('t_bad', '{\"nope\": 1}', '<', '{\"incubators\": 1}', 'warn', 'x', 'x')")"
expect_eq "report.validation_violations lists every current violation, for the evaluator" \
	"online_retail_le_retail_total|110000|2018Q3
online_share_with_parts|110000|2018Q3
province_ge_city_incubators|370000|2018Q3
t_eq|120000|2018Q3
t_gt|120000|2018Q3
tech_contracts_with_turnover|130000|2018Q3" \
	"$(db_q t_eval "$DB" "select rule, reporter, period from report.validation_violations order by rule, reporter")"
q "update mestat.validation_rule set active = false where name = 't_gt'" >/dev/null
expect_eq "an inactive rule is not listed" "0" \
	"$(db_q t_eval "$DB" "select count(*) from report.validation_violations where rule = 't_gt'")"

# ---- the rules' terms are kept expanded (mestat.rule_term, 045): a change in
# SQL is what the next submission judges
terms_match() {
	q "with want as (select vr.name as rule, s.side, s.key as indicator, s.value::numeric as coefficient
	                   from mestat.validation_rule vr,
	                        lateral (select 'left' as side, key, value from jsonb_each_text(vr.left_side)
	                                 union all select 'right', key, value from jsonb_each_text(vr.right_side)) s),
	        have as (select t.rule, t.side, t.indicator, t.coefficient from mestat.validation_rule_term t)
	   select count(*) from ((select * from have except select * from want)
	                         union all (select * from want except select * from have)) d"
}
expect_eq "the stored terms are every rule's sides, one row per indicator" "0" "$(terms_match)"
q "update mestat.validation_rule set right_side = '{\"makerspaces\": 1}' where name = 't_lt'" >/dev/null
expect_eq "after a rule's side is changed, the stored terms follow it" "0" "$(terms_match)"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,incubators,2018Q4,10,,,,,
line 3,120000,makerspaces,2018Q4,10,,,,,
ROWS
)
expect_problem "the next submission is judged on the changed side" 422 'rule t_lt: .*incubators 10 must be < makerspaces 10' "$out"
q "delete from mestat.validation_rule where name = 't_lt'" >/dev/null
expect_eq "a deleted rule leaves no term" "0" "$(q "select count(*) from mestat.validation_rule_term where rule = 't_lt'")"
expect_eq "... and the other rules' terms stay" "0" "$(terms_match)"
out=$(qsubmit "$DB" 120000 "" <<'ROWS'
line 2,120000,incubators,2018Q4,10,,,,,
line 3,120000,makerspaces,2018Q4,10,,,,,
ROWS
)
expect_match "... and the same submission is then accepted" '^counts\|2\|0\|0\|0' "$out"

# Two sessions changing rules at once: the second rebuilds the terms after the
# first has committed (else its insert would meet the first's rows).
(q "begin; update mestat.validation_rule set tolerance = 1 where name = 't_eq'; select pg_sleep(1); commit;" \
	>/dev/null 2>"$T_TMP/rule_a.err") &
sleep 0.3
q "update mestat.validation_rule set right_side = '{\"digital_life_pilots\": 2}' where name = 't_gt'" \
	>/dev/null 2>"$T_TMP/rule_b.err"
wait
expect_eq "two sessions changing rules at once both commit" "" "$(cat "$T_TMP/rule_a.err" "$T_TMP/rule_b.err")"
expect_eq "... and the stored terms hold both changes" "0|2" \
	"$(q "select $(terms_match | tr -d '\n'), coefficient from mestat.validation_rule_term where rule = 't_gt' and side = 'right'")"

db_drop
