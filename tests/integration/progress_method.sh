#!/bin/bash
# progress_method.sh: mestat.recompute_progress() against hand-computed
# fixtures, one per basis (plan number, plan direction, monitoring), kind of
# target and class, read back by an evaluator login through report.progress,
# report.progress_by_reporter and report.progress_history. k = quarters since
# the end of 2015 (a year is its Q4: 2018 is k 12), τ = k/20.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"

db_fresh
db_logins "$DB"
e() { db_q t_eval "$DB" "$1"; }
# nat INDICATOR: "class|ratio|expected|actual|period" of the national row (4 decimals).
nat() {
	e "select coalesce(class, '-'), coalesce(round(ratio, 4)::text, '-'), coalesce(round(expected_value, 4)::text, '-'),
	          coalesce(actual_value::text, '-'), coalesce(period, '-')
	     from report.progress where indicator = '$1'"
}
# growth INDICATOR [REPORTER]: "class|annual growth (6 decimals)|first period|first value|period|actual".
growth() {
	local view=progress where="indicator = '$1'"
	[ -n "${2:-}" ] && view=progress_by_reporter where="$where and reporter = '$2'"
	e "select coalesce(class, '-'), coalesce(round(annual_growth, 6)::text, '-'), coalesce(first_period, '-'),
	          coalesce(first_value::text, '-'), coalesce(period, '-'), coalesce(actual_value::text, '-')
	     from report.$view where $where"
}
byrep() {
	e "select coalesce(class, '-'), coalesce(round(ratio, 4)::text, '-'), coalesce(round(expected_value, 4)::text, '-'),
	          coalesce(actual_value::text, '-'), coalesce(period, '-')
	     from report.progress_by_reporter where indicator = '$1' and reporter = '$2'"
}

# trend INDICATOR [REPORTER]: "basis|method|class|trend|trend growth (6 decimals)|from|period|actual".
trend() {
	local view=progress where="indicator = '$1'"
	[ -n "${2:-}" ] && view=progress_by_reporter where="$where and reporter = '$2'"
	e "select basis, method, coalesce(class, '-'), coalesce(trend, '-'), coalesce(round(trend_growth, 6)::text, '-'),
	          coalesce(trend_from_period, '-'), coalesce(period, '-'), coalesce(actual_value::text, '-')
	     from report.$view where $where"
}

# ---- Test indicators and targets the catalog lacks, entered as the plan
# office would: a later version of a plan target is a revision and cites the
# ministry's decision.
pg_psql -d "$DB" >/dev/null <<'SQL'
set role mestat_owner;
insert into mestat.indicator (code, name_zh, name_en, unit, unit_zh, value_type, measure, periodicity, aggregation,
                              direction, scope, min_value, max_value, clause, description) values
	('test_cost_share', '测试成本占比', 'Test cost share', 'percent', '%', 'percent', 'stock', 'annual', 'none',
	 'decrease', 'national_only', 0, 100, '四(二)', 'Lower is better (test).'),
	('test_cost_share2', '测试成本占比二', 'Test cost share 2', 'percent', '%', 'percent', 'stock', 'annual', 'none',
	 'decrease', 'national_only', 0, 100, '四(二)', 'Lower is better (test).'),
	('test_mean_score', '测试平均分', 'Test mean score', 'points', '分', 'decimal', 'stock', 'quarterly', 'mean',
	 'increase', 'provincial', null, null, '七', 'Averaged over the provinces (test).'),
	('test_big', '测试大幅', 'Test greatly', 'count', '个', 'decimal', 'stock', 'annual', 'none',
	 'increase', 'national_only', 0, null, '九', 'A direction asked with 大幅 (test).'),
	('test_near', '测试近上限', 'Test near limit', 'percent', '%', 'percent', 'stock', 'annual', 'none',
	 'increase', 'national_only', 0, 100, '九', 'A percentage near 100 (test).'),
	('test_flat', '测试平缓', 'Test flat', 'count', '个', 'decimal', 'stock', 'annual', 'none',
	 'increase', 'national_only', 0, null, '九', 'A direction not met by 2020 (test).'),
	('test_quarter_count', '测试季度数', 'Test quarterly count', 'count', '个', 'integer', 'stock', 'quarterly', 'sum',
	 'increase', 'provincial', 0, null, '七', 'A national number over summed provinces (test).');
insert into mestat.target (indicator, scope, kind, baseline_value, target_value, target_upper, path, effective_from, clause,
                           basis, plan_words, threshold_factor, decision_ref, decision_date, note) values
	('intl_standards', null, 'range', 0, 20, 40, 'linear', '2017-04-15', null, 'plan_number', null, 1,
	 '测试〔2017〕1号', '2017-04-15', 'test: a range never reached'),
	('national_standards', null, 'point', 100, 200, null, 'linear', '2017-04-15', null, 'plan_number', null, 1,
	 '测试〔2017〕2号', '2017-04-15', 'test: moving away'),
	('industry_solutions', null, 'point', 100, 200, null, 'geometric', '2017-04-15', null, 'plan_number', null, 1,
	 '测试〔2017〕3号', '2017-04-15', 'test: geometric path'),
	('test_cost_share', null, 'point', 16, 14, null, 'linear', '2017-04-15', '四(二)', null, null, 1, null, null,
	 'test: lower is better'),
	('test_cost_share2', null, 'point', 16, 14, null, 'linear', '2017-04-15', '四(二)', null, null, 1, null, null,
	 'test: lower is better, reached'),
	('test_mean_score', null, 'direction', null, null, null, 'linear', '2017-04-15', '七', null, null, 1, null, null,
	 'test: mean'),
	('test_big', null, 'direction', null, null, null, 'linear', '2017-04-15', '九', 'plan_direction', '大幅提高（测试）', 2,
	 null, null, 'test: 大幅'),
	('test_near', null, 'direction', null, null, null, 'linear', '2017-04-15', '九', 'plan_direction', '提高（测试）', 1,
	 null, null, 'test: near the limit'),
	('test_flat', null, 'direction', null, null, null, 'linear', '2017-04-15', '九', 'plan_direction', '提高（测试）', 1,
	 null, null, 'test: not achieved'),
	('test_quarter_count', null, 'point', 310, 620, null, 'linear', '2017-04-15', '七', 'plan_number', '测试', 1, null, null,
	 'test: national number over summed provinces'),
	('shared_instruments', null, 'point', 1000, 2000, null, 'linear', '2017-04-15', null, 'plan_number', null, 1,
	 '测试〔2017〕4号', '2017-04-15', 'test: national number'),
	('tech_contract_turnover', '110000', 'point', 90, 140, null, 'linear', '2017-04-15', '七(二)', null, null, 1, null, null,
	 'test: Beijing''s own target'),
	('makerspaces', '110000', 'point', 100, 200, null, 'linear', '2017-04-15', '七(三)', null, null, 1, null, null,
	 'test: Beijing''s own target'),
	('industry_st_platforms', null, 'point', 0, 4, null, 'linear', '2099-01-01', null, 'plan_number', null, 1,
	 '测试〔2098〕1号', '2098-12-01', 'test: not yet in force');
SQL

# ---- National-only indicators, reported yearly by the ministry (2015: the base year).
{
	cat <<'ROWS'
000000,national_centres_labs,2016,3
000000,national_centres_labs,2018,12
000000,regional_st_platforms,2016,4
000000,regional_st_platforms,2019,18
000000,intl_standards,2016,2
000000,intl_standards,2020,8
000000,industry_st_platforms,2016,1
000000,industry_st_platforms,2018,2
000000,national_standards,2016,110
000000,national_standards,2017,90
000000,industry_solutions,2016,110
000000,industry_solutions,2018,150
000000,test_cost_share,2017,15.5
000000,test_cost_share,2019,15.2
000000,test_cost_share2,2016,15.8
000000,test_cost_share2,2020,13.9
000000,st_contribution_service_va,2015,40
000000,st_contribution_service_va,2016,41
000000,st_contribution_service_va,2018,44
000000,talent_programme_service_share,2015,10
000000,talent_programme_service_share,2018,10.5
000000,test_big,2015,100
000000,test_big,2018,105
000000,test_near,2015,95
000000,test_near,2018,96
000000,test_flat,2015,100
000000,test_flat,2020,101
000000,service_think_tanks,2016,3
000000,logistics_cost_gdp_ratio,2016,15
000000,logistics_cost_gdp_ratio,2017,14.5
000000,logistics_cost_gdp_ratio,2018,14
000000,demo_cities,2016,7
000000,demo_cities,2017,8
000000,demo_cities,2018,9
000000,industrialization_demo_bases,2016,100
000000,industrialization_demo_bases,2017,102
000000,industrialization_demo_bases,2018,102
000000,culture_tech_demo_bases,2016,200
000000,culture_tech_demo_bases,2020,201
000000,field_projects_deployed,2016,50
000000,field_projects_deployed,2017,40
000000,col1_demo_launched,2017,5
000000,col1_item1_projects,2017,5
000000,col1_item2_projects,2017,0
000000,col1_item3_projects,2017,0
000000,col1_item4_projects,2017,0
000000,col1_item5_projects,2017,0
000000,col1_demo_completed,2016,0
000000,col1_demo_completed,2017,2
000000,col2_item1_projects,2017,0
000000,col2_item2_projects,2017,0
000000,col2_item3_projects,2017,0
000000,col4_item1_projects,2017,1
000000,col4_item2_projects,2017,2
000000,col4_item3_projects,2017,1
ROWS
} | pr_load "$DB"

# ---- Provincial indicators.
# tech_contract_turnover, a flow: Beijing against its own target, seasonal quarters.
# Tianjin misses 2017Q1, so only the windows ending 2016Q4 and 2018Q1 are whole.
# Hebei has 3 quarters: no whole window. Shanxi: strong seasons, flat years.
{
	echo "110000,tech_contract_turnover,2016Q1,10"; echo "110000,tech_contract_turnover,2016Q2,20"
	echo "110000,tech_contract_turnover,2016Q3,30"; echo "110000,tech_contract_turnover,2016Q4,40"
	echo "110000,tech_contract_turnover,2017Q1,11"; echo "110000,tech_contract_turnover,2017Q2,22"
	echo "110000,tech_contract_turnover,2017Q3,33"; echo "110000,tech_contract_turnover,2017Q4,44"
	echo "120000,tech_contract_turnover,2016Q1,10"; echo "120000,tech_contract_turnover,2016Q2,20"
	echo "120000,tech_contract_turnover,2016Q3,30"; echo "120000,tech_contract_turnover,2016Q4,40"
	echo "120000,tech_contract_turnover,2017Q2,25"; echo "120000,tech_contract_turnover,2017Q3,35"
	echo "120000,tech_contract_turnover,2017Q4,45"; echo "120000,tech_contract_turnover,2018Q1,12"
	echo "130000,tech_contract_turnover,2016Q1,10"; echo "130000,tech_contract_turnover,2016Q2,20"
	echo "130000,tech_contract_turnover,2016Q3,30"
	for y in 2016 2017; do
		echo "140000,tech_contract_turnover,${y}Q1,5"; echo "140000,tech_contract_turnover,${y}Q2,10"
		echo "140000,tech_contract_turnover,${y}Q3,15"; echo "140000,tech_contract_turnover,${y}Q4,70"
	done
	# Beijing's makerspaces: one quarter only, against its own target.
	echo "110000,makerspaces,2016Q2,150"
	# shared_instruments: a national number, not divided among reporters: Beijing is monitoring.
	echo "110000,shared_instruments,2016Q4,100"; echo "110000,shared_instruments,2017Q4,110"
	# test_mean_score: averaged over those who reported (2 of 31): never complete.
	echo "110000,test_mean_score,2016Q4,10"; echo "110000,test_mean_score,2017Q4,20"
	echo "120000,test_mean_score,2016Q4,30"; echo "120000,test_mean_score,2017Q4,40"
	# incubators: every province 10, 11, 12 (Xinjiang misses 2018Q4); the
	# separate-plan cities and the Corps report 1000 each, which must not be added.
	# test_quarter_count: every province 10 then 12; 2018Q4 only 3 provinces so far.
	for p in $(pr_provinces "$DB"); do
		echo "$p,incubators,2016Q4,10"; echo "$p,incubators,2017Q4,11"
		[ "$p" = 650000 ] || echo "$p,incubators,2018Q4,12"
		echo "$p,test_quarter_count,2016Q4,10"; echo "$p,test_quarter_count,2017Q4,12"
		case $p in 110000|120000|130000) echo "$p,test_quarter_count,2018Q4,12" ;; esac
		# online_retail_share: from its parts 10/100 then 12/100 (%); the
		# provinces' own shares (50) must not be averaged.
		echo "$p,online_retail_sales,2016Q4,10"; echo "$p,retail_sales_total,2016Q4,100"
		echo "$p,online_retail_sales,2017Q4,12"; echo "$p,retail_sales_total,2017Q4,100"
		echo "$p,online_retail_share,2016Q4,50"; echo "$p,online_retail_share,2017Q4,50"
	done
	for c in 210200 330200 350200 370200 440300 660000; do
		for q in 2016Q4 2017Q4 2018Q4; do echo "$c,incubators,$q,1000"; done
		echo "$c,online_retail_sales,2017Q4,1000"; echo "$c,retail_sales_total,2017Q4,1000"
	done
} | pr_load "$DB"

snap1=$(pr_recompute "$DB")
expect_match "the daemon's login runs mestat.recompute_progress() and gets a snapshot id" '^[0-9]+$' "$snap1"

# ---- Every row says its basis; monitoring never shows a class.
expect_eq "every national row has a basis with Chinese and English labels and a reading note in both" "0" \
	"$(e "select count(*) from report.progress where basis is null or basis_zh is null or basis_en is null
	      or coalesce(reading_zh, '') = '' or coalesce(reading_en, '') = ''")"
expect_eq "a monitoring row never shows a progress class, nationally or per reporter" "0|0" \
	"$(e "select (select count(*) from report.progress where basis = 'monitoring' and (class is not null or class_en is not null)),
	             (select count(*) from report.progress_by_reporter where basis = 'monitoring' and class is not null)")"
expect_eq "... nor the words 'on track' or 'achieved'" "0" \
	"$(e "select count(*) from report.progress_history where basis = 'monitoring'
	      and (note ~* 'on.track|achieved' or reading_en ~* 'on.track|achieved' or reading_zh ~ '按计划|实现')")"
expect_eq "every row the plan sets has a class" "0" \
	"$(e "select count(*) from report.progress_history where basis <> 'monitoring' and class is null")"

# ---- Monitoring: trend over the last four quarters (a year: the year before).
expect_eq "monitoring, 12th Five-Year Plan figure beside it: demo cities 8 → 9, rising 12.5 %, no class" \
	"monitoring|trend|-|rising|0.125000|2017|2018|9" "$(trend demo_cities)"
expect_eq "... the 12th Five-Year Plan's 7 shown for information, in the plan's words" "7|批准建设北京、武汉、上海等7个示范城市|上升|Rising" \
	"$(e "select baseline_value, plan_words, trend_zh, trend_en from report.progress where indicator = 'demo_cities'")"
expect_eq "monitoring: 102 → 102, stable" "monitoring|trend|-|stable|0.000000|2017|2018|102" "$(trend industrialization_demo_bases)"
expect_eq "monitoring: 50 → 40, falling 20 %" "monitoring|trend|-|falling|-0.200000|2016|2017|40" "$(trend field_projects_deployed)"
expect_eq "monitoring, lower is better: the trend says only which way the value went (14.5 → 14, falling)" \
	"monitoring|trend|-|falling|-0.034483|2017|2018|14" "$(trend logistics_cost_gdp_ratio)"
expect_match "monitoring without the value four quarters earlier: no trend, saying so" \
	'^monitoring\|trend\|-\|-\|-\|-\|2020\|201\|trend needs the value four quarters before 2020$' \
	"$(trend culture_tech_demo_bases)|$(e "select note from report.progress where indicator = 'culture_tech_demo_bases'")"
expect_eq "the columns' completed projects are monitoring: the plan sets no completion date" "monitoring|trend|-|rising" \
	"$(trend col1_demo_completed | cut -d'|' -f1-4)"

# ---- Plan numbers: ranges [L, U], at or past L is achieved.
expect_eq "range entered (12 in [10, 20] at 2018: E = 6, R = 2): achieved" "achieved|2.0000|6.0000|12|2018" \
	"$(nat national_centres_labs)"
expect_eq "range exceeded (18 > 15 at 2019: E = 8, R = 2.25): achieved, not downgraded" "achieved|2.2500|8.0000|18|2019" \
	"$(nat regional_st_platforms)"
expect_match "... and the note says the upper bound is passed" 'above the range \[10, 15\]: past the upper bound \(still achieved\)' \
	"$(e "select note from report.progress where indicator = 'regional_st_platforms'")"
expect_eq "... basis plan_number, in the plan's words" "plan_number|规划数值目标|Plan number|建设10~15个区域综合科技服务平台" \
	"$(e "select basis, basis_zh, basis_en, plan_words from report.progress where indicator = 'regional_st_platforms'")"

# ---- After the target year: achieved or not_achieved.
expect_eq "range never reached, the 2020 value in (8 of [20, 40]: E = 20, R = 0.4): not_achieved" \
	"not_achieved|0.4000|20.0000|8|2020" "$(nat intl_standards)"
expect_eq "... labelled 未实现 / Not achieved, the note says the target year is over" "未实现|Not achieved|t" \
	"$(e "select class_zh, class_en, note like '%target year 2020 is over%' from report.progress where indicator = 'intl_standards'")"
expect_eq "lower is better: 13.9 ≤ 14 at 2020: achieved, the point passed is noted" "achieved|1.0500|14.0000|13.9|2020|beyond the target 14" \
	"$(nat test_cost_share2)|$(e "select note from report.progress where indicator = 'test_cost_share2'")"

# ---- Point and at_least targets, each class.
expect_eq "point: 2 of 5 at 2018 (E = 3, R = 0.6667): at_risk" "at_risk|0.6667|3.0000|2|2018" "$(nat industry_st_platforms)"
expect_eq "point: 100 → 200 but 90 at 2017 (E = 140, R = −0.25): moving_away" "moving_away|-0.2500|140.0000|90|2017" \
	"$(nat national_standards)"
expect_eq "geometric path: 150 at 2018 (E = 100·2^0.6 = 151.5717, R = 0.9695): on_track" \
	"on_track|0.9695|151.5717|150|2018" "$(nat industry_solutions)"
expect_eq "lower is better, 16 → 14: 15.2 at 2019 (E = 14.4, R = 0.5): off_track" "off_track|0.5000|14.4000|15.2|2019" \
	"$(nat test_cost_share)"

# ---- The columns: coverage of the listed items, not a count of projects.
expect_eq "column 1: five projects under one item are one item of five (at 2017: E = 2, R = 0.5): off_track" \
	"off_track|0.5000|2.0000|1|2017" "$(nat col1_demo_launched)"
expect_eq "... the note counts items and projects" "1 of 5 listed items have a launched project (5 projects)" \
	"$(e "select note from report.progress where indicator = 'col1_demo_launched'")"
expect_eq "column 4: 3 of 7 items at 2017 (E = 2.8, R = 1.0714): on_track" "on_track|1.0714|2.8000|3|2017" "$(nat col4_demo_launched)"
expect_eq "column 2: 0 of 3 items at 2017 (E = 1.2, R = 0): off_track" "off_track|0.0000|1.2000|0|2017" "$(nat col2_demo_launched)"
expect_eq "the items themselves are not rows of report.progress" "0" \
	"$(e "select count(*) from report.progress where indicator like 'col%item%'")"

# ---- Plan directions: growth from the 2015 base, thresholds per target.
expect_eq "from the 2015 base: 40 → 44 in 3 years (3.2280 %/yr; from the first value 2016 it would be 3.59 %)" \
	"on_track|0.032280|2015|40|2018|44" "$(growth st_contribution_service_va)"
expect_eq "... 大幅: on track from 3 %/yr × near-limit 1 − 0.4^4.44 = 0.982894: 2.9487 %/yr" "plan_direction|0.029487" \
	"$(e "select basis, round(growth_threshold, 6) from report.progress where indicator = 'st_contribution_service_va'")"
expect_eq "大幅 asks more: 100 → 105 in 3 years (1.6396 %/yr) is at_risk with the factor 2" "at_risk|0.016396|2015|100|2018|105" \
	"$(growth test_big)"
expect_eq "... the same growth is on_track where the plan asks only for an increase" "on_track|0.016396|2015|10|2018|10.5" \
	"$(growth talent_programme_service_share | sed 's/\.0*|/|/g; s/\.0*$//')"
expect_eq "near the 100 % limit (95 → 96: 0.3497 %/yr) the thresholds shrink × 1 − 0.95^4.44 = 0.20367: on_track" \
	"on_track|0.003497|0.003055" \
	"$(e "select class, round(annual_growth, 6), round(growth_threshold, 6) from report.progress where indicator = 'test_near'")"
expect_eq "a direction over by 2020 (100 → 101 in 5 years, 0.1992 %/yr < 1.5): not_achieved" "not_achieved|0.001992|2015|100|2020|101" \
	"$(growth test_flat)"
expect_eq "a count formed under the plan grows from its 2015 base of 0: the sign of the change decides" "on_track|-|2015|0|2016|3" \
	"$(growth service_think_tanks)"
expect_eq "no value at all: insufficient_data, saying so" "insufficient_data|no value yet" \
	"$(e "select class, note from report.progress where indicator = 'testing_platforms_national'")"

# ---- Reporters.
expect_eq "a value 2 quarters after the baseline is too early for a ratio: insufficient_data" "insufficient_data|-|110.0000|150|2016Q2" \
	"$(byrep makerspaces 110000)"
expect_eq "flow against Beijing's own target: 2017 sums to 110 (E = 90 + 50·0.4 = 110, R = 1): on_track" \
	"on_track|1.0000|110.0000|110|2017Q4" "$(byrep tech_contract_turnover 110000)"
expect_eq "... with Beijing's own target version, a number" "point|90|140|plan_number" \
	"$(e "select target_kind, baseline_value, target_value, basis from report.progress_by_reporter
	      where indicator = 'tech_contract_turnover' and reporter = '110000'")"
expect_eq "flow with a missing quarter: the window 4 quarters earlier is not whole, so no trend" \
	"monitoring|trend|-|-|-|-|2018Q1|117" "$(trend tech_contract_turnover 120000)"
expect_eq "flow with 3 quarters: no whole year yet, nothing to show" "monitoring|trend|-|-|-|-|-|-" \
	"$(trend tech_contract_turnover 130000)"
expect_eq "seasonal quarters (5, 10, 15, 70) twice: the year sums are flat: stable" \
	"monitoring|trend|-|stable|0.000000|2016Q4|2017Q4|100" "$(trend tech_contract_turnover 140000)"
expect_match "a national number is not divided among reporters: Beijing's row is monitoring, trend only" \
	'^monitoring\|trend\|-\|rising\|0\.100000\|2016Q4\|2017Q4\|110\|the national point target is not divided' \
	"$(trend shared_instruments 110000)|$(e "select note from report.progress_by_reporter
	      where indicator = 'shared_instruments' and reporter = '110000'")"

# ---- National values: assessed at the latest complete period.
expect_eq "a part-reported national quarter has no class; the previous complete quarter keeps its assessment (2017Q4: 372, E = 434, R = 0.5)" \
	"off_track|0.5000|434.0000|372|2017Q4" "$(nat test_quarter_count)"
expect_eq "... the part-reported quarter is shown with its coverage: 2018Q4, 36, 3 of 31" "t|31|31|2018Q4|36|3|31" \
	"$(e "select partial, reporters_reported, reporters_expected, latest_period, latest_value, latest_reporters_reported,
	      latest_reporters_expected from report.progress where indicator = 'test_quarter_count'")"
expect_match "... and the note names it and what is missing" '2018Q4 is part-reported \(3 of 31 province-level reporters, missing 140000, 150000.* and 18 more\).*assessed at 2017Q4' \
	"$(e "select note from report.progress where indicator = 'test_quarter_count'")"
expect_eq "a national sum adds the 31 province-level reporters only (310 → 341, rising 10 %), assessed at 2017Q4" \
	"monitoring|trend|-|rising|0.100000|2016Q4|2017Q4|341" "$(trend incubators)"
expect_eq "... 2018Q4 lacks Xinjiang: shown apart, 30 of 31, 360" "2018Q4|360|30|31" \
	"$(e "select latest_period, latest_value, latest_reporters_reported, latest_reporters_expected from report.progress where indicator = 'incubators'")"
expect_match "... and the note names the missing reporter" 'missing 650000' \
	"$(e "select note from report.progress where indicator = 'incubators'")"
expect_eq "a rate is recomputed from its parts (10 %, then 12 %), not averaged" "monitoring|trend|-|rising|0.200000|2016Q4|2017Q4|12" \
	"$(trend online_retail_share | sed 's/\.0*|/|/g; s/\.0*$//')"
expect_eq "... complete: every province reported both parts" "f|31|31" \
	"$(e "select partial, reporters_reported, reporters_expected from report.progress where indicator = 'online_retail_share'")"
expect_eq "a mean with only 2 of 31 reporters: no complete period yet, saying so" \
	"-|-|2017Q4|30|no complete period yet: 2017Q4 has 2 of 31 province-level reporters" \
	"$(e "select coalesce(class, '-'), coalesce(period, '-'), latest_period, round(latest_value), note
	      from report.progress where indicator = 'test_mean_score'")"
expect_eq "every active reporter but the ministry is assessed on each provincial indicator" "37|0" \
	"$(e "select count(distinct reporter), count(*) filter (where reporter = '000000') from report.progress_by_reporter")"

# ---- Labels and order.
expect_eq "classes carry Chinese and English labels" "按计划推进|On track" \
	"$(e "select class_zh, class_en from report.progress where indicator = 'industry_solutions'")"
expect_eq "indicators carry Chinese and English names" "区域综合科技服务平台数|Regional comprehensive S&T service platforms" \
	"$(e "select indicator_name_zh, indicator_name_en from report.progress where indicator = 'regional_st_platforms'")"
expect_eq "the national scope is labelled 全国 / National in the history" "全国|National" \
	"$(e "select distinct reporter_name_zh, reporter_name_en from report.progress_history where reporter is null")"
expect_eq "report.progress lists the plan's order: 一 first, the columns last" "一|专栏4" \
	"$(e "select (array_agg(clause))[1], (array_agg(clause))[count(*)] from report.progress")"

# ---- A target revised mid-plan (动态调整): a new version citing its decision;
# an older snapshot keeps the old one.
t_old=$(db_q postgres "$DB" "select id from mestat.target where indicator = 'industry_st_platforms' and effective_from = '2017-04-14'")
expect_eq "the target in force is used, not one dated in the future" "$t_old" \
	"$(e "select target_id from report.progress where indicator = 'industry_st_platforms'")"
t_new=$(db_q postgres "$DB" "set role mestat_owner; insert into mestat.target (indicator, kind, baseline_value, target_value,
	effective_from, clause, decision_ref, decision_date, note) values ('industry_st_platforms', 'point', 0, 3, '2019-06-01',
	null, '国科发高〔2019〕88号', '2019-05-20', 'test: revised to 3') returning id")
snap2=$(pr_recompute "$DB")
expect_eq "after the revision (T = 3: E = 1.8, R = 1.1111): on_track with the new version" \
	"$snap2|$t_new|3|on_track|1.1111" \
	"$(e "select snapshot, target_id, target_value, class, round(ratio, 4) from report.progress where indicator = 'industry_st_platforms'")"
expect_eq "... the revision cites its decision instead of a plan clause, in both reading notes" \
	"国科发高〔2019〕88号|2019-05-20||t|t" \
	"$(e "select decision_ref, decision_date, target_clause, reading_en like '%Revised by decision 国科发高〔2019〕88号 of 2019-05-20%',
	      reading_zh like '%目标已按国科发高〔2019〕88号（2019-05-20）调整%' from report.progress where indicator = 'industry_st_platforms'")"
expect_eq "the earlier snapshot keeps the old target id and numbers" "$t_old|5|3.0000|at_risk|0.6667" \
	"$(e "select target_id, target_value, round(expected_value, 4), class, round(ratio, 4) from report.progress_history
	      where indicator = 'industry_st_platforms' and reporter is null and snapshot = $snap1")"
expect_eq "report.progress shows the latest snapshot only" "1|$snap2" \
	"$(e "select count(*), max(snapshot) from report.progress where indicator = 'industry_st_platforms'")"
expect_eq "report.progress_history keeps every snapshot" "2" \
	"$(e "select count(distinct snapshot) from report.progress_history where indicator = 'industry_st_platforms' and reporter is null")"
expect_eq "a snapshot records the latest quarter with data" "2018Q4" \
	"$(e "select distinct as_of_period from report.progress where snapshot = $snap2")"

# ---- docs/method.md and the views agree, row by row: every class, basis and
# trend label the views show is a row of the method's tables.
while IFS='|' read -r code zh en; do
	expect_match "docs/method.md lists $code as $zh / $en" "yes" \
		"$(grep -qF "| \`$code\` | $zh | $en |" "$TOP/docs/method.md" && echo yes || echo "no row '| \`$code\` | $zh | $en |'")"
done < <(e "select class, label_zh, label_en from mestat.progress_class_label order by sort_order" 2>/dev/null ||
	db_q postgres "$DB" "select class, label_zh, label_en from mestat.progress_class_label order by sort_order")
while IFS='|' read -r code zh en; do
	expect_match "docs/method.md lists $code as $zh / $en" "yes" \
		"$(grep -qF "| \`$code\` | $zh | $en |" "$TOP/docs/method.md" && echo yes || echo "no row '| \`$code\` | $zh | $en |'")"
done < <(db_q postgres "$DB" "select code, label_zh, label_en from mestat.assessment_label order by kind, code")
expect_eq "docs/method.md names the basis of every target of the catalog, as the catalog does" "" \
	"$(db_q postgres "$DB" "select indicator || ' ' || basis from mestat.target where scope is null
	      and effective_from = '2017-04-14' order by indicator" | while read -r ind basis; do
		grep -qE "^\| \`$ind\` \| $basis \|" "$TOP/docs/method.md" || printf '%s ' "$ind"
	done)"

# ---- Privileges and documentation.
expect_match "the evaluator cannot run the computation" 'permission denied' \
	"$(db_err t_eval "$DB" "select mestat.recompute_progress()")"
expect_eq "every progress view is owned by mestat_owner" "0" \
	"$(db_q postgres "$DB" "select count(*) from pg_class where relnamespace = 'report'::regnamespace
	      and relname like 'progress%' and relowner <> 'mestat_owner'::regrole")"
expect_eq "every report view and each of its columns has a comment" "" \
	"$(db_q postgres "$DB" "select string_agg(c.relname || coalesce('.' || a.attname, ''), ', ')
	      from pg_class c left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
	     where c.relnamespace = 'report'::regnamespace and c.relkind = 'v'
	       and (obj_description(c.oid, 'pg_class') is null or (a.attnum is not null and col_description(c.oid, a.attnum) is null))")"

db_drop
