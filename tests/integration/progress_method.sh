#!/bin/bash
# progress_method.sh: mestat.recompute_progress() against hand-computed
# fixtures, one per kind of target and per class, read back by an evaluator
# login through report.progress, report.progress_by_reporter and
# report.progress_history. k = quarters since the end of 2015 (a year is its
# Q4: 2018 is k 12), τ = k/20.
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"
. "$TOP/tests/integration/progress_lib.sh"

db_fresh
db_logins "$DB"
e() { db_q t_eval "$DB" "$1"; }
# nat INDICATOR: "class|ratio|expected|actual|period" of the national row (4 decimals).
nat() {
	e "select class, coalesce(round(ratio, 4)::text, '-'), coalesce(round(expected_value, 4)::text, '-'),
	          coalesce(actual_value::text, '-'), coalesce(period, '-')
	     from report.progress where indicator = '$1'"
}
# growth INDICATOR [REPORTER]: "class|annual growth (6 decimals)|first period|first value|period|actual".
growth() {
	local view=progress where="indicator = '$1'"
	[ -n "${2:-}" ] && view=progress_by_reporter where="$where and reporter = '$2'"
	e "select class, coalesce(round(annual_growth, 6)::text, '-'), coalesce(first_period, '-'),
	          coalesce(first_value::text, '-'), coalesce(period, '-'), coalesce(actual_value::text, '-')
	     from report.$view where $where"
}
byrep() {
	e "select class, coalesce(round(ratio, 4)::text, '-'), coalesce(round(expected_value, 4)::text, '-'),
	          coalesce(actual_value::text, '-'), coalesce(period, '-')
	     from report.progress_by_reporter where indicator = '$1' and reporter = '$2'"
}

# ---- Targets the catalog lacks, entered as the plan office would (a new
# version dated after the plan's, so it is the one in force).
pg_psql -d "$DB" >/dev/null <<'SQL'
set role mestat_owner;
insert into mestat.indicator (code, name_zh, name_en, unit, unit_zh, value_type, measure, periodicity, aggregation,
                              direction, scope, clause, description) values
	('test_cost_share', '测试成本占比', 'Test cost share', 'percent', '%', 'percent', 'stock', 'annual', 'none',
	 'decrease', 'national_only', '四(二)', 'Lower is better (test).'),
	('test_cost_share2', '测试成本占比二', 'Test cost share 2', 'percent', '%', 'percent', 'stock', 'annual', 'none',
	 'decrease', 'national_only', '四(二)', 'Lower is better (test).'),
	('test_mean_score', '测试平均分', 'Test mean score', 'points', '分', 'decimal', 'stock', 'quarterly', 'mean',
	 'increase', 'provincial', '七', 'Averaged over the provinces (test).');
insert into mestat.target (indicator, scope, kind, baseline_value, target_value, target_upper, path, effective_from, clause, note) values
	('intl_standards', null, 'range', 0, 20, 40, 'linear', '2017-04-15', '二(三)', 'test: a range never reached'),
	('national_standards', null, 'point', 100, 200, null, 'linear', '2017-04-15', '二(三)', 'test: moving away'),
	('industry_solutions', null, 'point', 100, 200, null, 'geometric', '2017-04-15', '二(三)', 'test: geometric path'),
	('test_cost_share', null, 'point', 16, 14, null, 'linear', '2017-04-15', '四(二)', 'test: lower is better'),
	('test_cost_share2', null, 'point', 16, 14, null, 'linear', '2017-04-15', '四(二)', 'test: lower is better, reached'),
	('test_mean_score', null, 'direction', null, null, null, 'linear', '2017-04-15', '七', 'test: mean'),
	('shared_instruments', null, 'point', 1000, 2000, null, 'linear', '2017-04-15', '七(一)', 'test: national number'),
	('tech_contract_turnover', '110000', 'point', 90, 140, null, 'linear', '2017-04-15', '七(二)', 'test: Beijing''s own target'),
	('makerspaces', '110000', 'point', 100, 200, null, 'linear', '2017-04-15', '七(三)', 'test: Beijing''s own target'),
	('industry_st_platforms', null, 'point', 0, 4, null, 'linear', '2099-01-01', '七(八)', 'test: not yet in force');
SQL

# ---- National-only indicators, reported yearly by the ministry.
pr_load "$DB" <<'ROWS'
000000,national_centres_labs,2016,3
000000,national_centres_labs,2018,12
000000,regional_st_platforms,2016,4
000000,regional_st_platforms,2019,18
000000,intl_standards,2016,2
000000,intl_standards,2020,8
000000,industry_st_platforms,2016,1
000000,industry_st_platforms,2018,2
000000,col1_demo_launched,2016,5
000000,col4_demo_launched,2016,2
000000,col4_demo_launched,2017,3
000000,col2_demo_launched,2017,0
000000,national_standards,2016,110
000000,national_standards,2017,90
000000,industry_solutions,2016,110
000000,industry_solutions,2018,150
000000,logistics_cost_gdp_ratio,2016,15
000000,logistics_cost_gdp_ratio,2018,14
000000,test_cost_share,2017,15.5
000000,test_cost_share,2019,15.2
000000,test_cost_share2,2016,15.8
000000,test_cost_share2,2020,13.9
000000,demo_cities,2016,7
000000,demo_cities,2018,9
000000,industrialization_demo_bases,2016,100
000000,industrialization_demo_bases,2018,102
000000,culture_tech_demo_bases,2016,200
000000,culture_tech_demo_bases,2020,201
000000,field_projects_deployed,2016,50
000000,field_projects_deployed,2017,40
000000,service_think_tanks,2016,3
ROWS

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
	# shared_instruments: a national number target, so Beijing is judged by direction.
	echo "110000,shared_instruments,2016Q4,100"; echo "110000,shared_instruments,2017Q4,110"
	# test_mean_score: averaged over those who reported (2 of 31).
	echo "110000,test_mean_score,2016Q4,10"; echo "110000,test_mean_score,2017Q4,20"
	echo "120000,test_mean_score,2016Q4,30"; echo "120000,test_mean_score,2017Q4,40"
	# incubators: every province 10, 11, 12 (Xinjiang misses 2018Q4); the
	# separate-plan cities and the Corps report 1000 each, which must not be added.
	for p in $(pr_provinces "$DB"); do
		echo "$p,incubators,2016Q4,10"; echo "$p,incubators,2017Q4,11"
		[ "$p" = 650000 ] || echo "$p,incubators,2018Q4,12"
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

# ---- Ranges [L, U]: the path aims at L.
expect_eq "range entered (12 in [10, 20] at 2018: E = 6, R = 2): achieved" "achieved|2.0000|6.0000|12|2018" \
	"$(nat national_centres_labs)"
expect_eq "range exceeded (18 > 15 at 2019: E = 8, R = 2.25): on_track, not achieved" "on_track|2.2500|8.0000|18|2019" \
	"$(nat regional_st_platforms)"
expect_match "... and the note says the upper bound is exceeded" 'above the range \[10, 15\]' \
	"$(e "select note from report.progress where indicator = 'regional_st_platforms'")"
expect_eq "range never reached (8 of [20, 40] at 2020: E = 20, R = 0.4): off_track" "off_track|0.4000|20.0000|8|2020" \
	"$(nat intl_standards)"

# ---- Point and at_least targets, each class.
expect_eq "point: 2 of 5 at 2018 (E = 3, R = 0.6667): at_risk" "at_risk|0.6667|3.0000|2|2018" "$(nat industry_st_platforms)"
expect_eq "at_least reached (5 of 5 at 2016): achieved" "achieved|5.0000|1.0000|5|2016" "$(nat col1_demo_launched)"
expect_eq "at_least: 3 of 7 at 2017 (E = 2.8, R = 1.0714): on_track" "on_track|1.0714|2.8000|3|2017" "$(nat col4_demo_launched)"
expect_eq "at_least: 0 of 3 at 2017 (E = 1.2, R = 0): off_track" "off_track|0.0000|1.2000|0|2017" "$(nat col2_demo_launched)"
expect_eq "point: 100 → 200 but 90 at 2017 (E = 140, R = −0.25): moving_away" "moving_away|-0.2500|140.0000|90|2017" \
	"$(nat national_standards)"
expect_eq "geometric path: 150 at 2018 (E = 100·2^0.6 = 151.5717, R = 0.9695): on_track" \
	"on_track|0.9695|151.5717|150|2018" "$(nat industry_solutions)"

# ---- Lower is better.
expect_eq "lower is better, 16 → 14: 15.2 at 2019 (E = 14.4, R = 0.5): off_track" "off_track|0.5000|14.4000|15.2|2019" \
	"$(nat test_cost_share)"
expect_eq "lower is better: 13.9 ≤ 14 at 2020: achieved" "achieved|1.0500|14.0000|13.9|2020" "$(nat test_cost_share2)"
expect_eq "direction decrease: 15 → 14 in 2 years, 3.3908 %/yr down: on_track" "on_track|0.033908|2016|15|2018|14" \
	"$(growth logistics_cost_gdp_ratio)"

# ---- Direction-only targets: annualised growth from the first value.
expect_eq "direction: 7 → 9 in 2 years (13.39 %/yr): on_track" "on_track|0.133893|2016|7|2018|9" "$(growth demo_cities)"
expect_eq "direction: 100 → 102 in 2 years (0.995 %/yr): at_risk" "at_risk|0.009950|2016|100|2018|102" \
	"$(growth industrialization_demo_bases)"
expect_eq "direction: 200 → 201 in 4 years (0.125 %/yr): off_track" "off_track|0.001248|2016|200|2020|201" \
	"$(growth culture_tech_demo_bases)"
expect_eq "direction: 50 → 40 in a year (−20 %/yr): moving_away" "moving_away|-0.200000|2016|50|2017|40" \
	"$(growth field_projects_deployed)"
expect_eq "the thresholds are rows of mestat.class_threshold, read at each run" "on_track|at_risk|off_track|moving_away" \
	"$(db_q postgres "$DB" "select string_agg(class, '|' order by lower_bound desc nulls last) from mestat.class_threshold where method = 'direction'")"

# ---- Too few values.
expect_eq "one value only: insufficient_data" "insufficient_data|-|2016|3|2016|3" "$(growth service_think_tanks)"
expect_eq "no value at all: insufficient_data, saying so" "insufficient_data|no value yet" \
	"$(e "select class, note from report.progress where indicator = 'st_contribution_service_va'")"
expect_eq "a value 2 quarters after the baseline is too early for a ratio: insufficient_data" "insufficient_data|-|110.0000|150|2016Q2" \
	"$(byrep makerspaces 110000)"

# ---- Flows: the rolling sum of the last 4 quarters.
expect_eq "flow against Beijing's own target: 2017 sums to 110 (E = 90 + 50·0.4 = 110, R = 1): on_track" \
	"on_track|1.0000|110.0000|110|2017Q4" "$(byrep tech_contract_turnover 110000)"
expect_eq "... with Beijing's own target version" "point|90|140" \
	"$(e "select target_kind, baseline_value, target_value from report.progress_by_reporter
	      where indicator = 'tech_contract_turnover' and reporter = '110000'")"
expect_eq "flow with a missing quarter: only whole windows count (100 at 2016Q4, 117 at 2018Q1, 1.17^0.8 − 1 = 13.38 %/yr)" \
	"on_track|0.133832|2016Q4|100|2018Q1|117" "$(growth tech_contract_turnover 120000)"
expect_eq "flow with 3 quarters: no whole year yet, insufficient_data" "insufficient_data|-|-|-|-|-" \
	"$(growth tech_contract_turnover 130000)"
expect_eq "seasonal quarters (5, 10, 15, 70) twice: the year sums are flat, growth 0: off_track" \
	"off_track|0.000000|2016Q4|100|2017Q4|100" "$(growth tech_contract_turnover 140000)"
expect_match "a reporter without its own target is judged by direction when the national target has a number" \
	'^on_track\|0\.100000\|direction\|judged by direction' \
	"$(e "select class, round(annual_growth, 6), method, note from report.progress_by_reporter
	      where indicator = 'shared_instruments' and reporter = '110000'")"

# ---- National values.
expect_eq "a national sum adds the 31 province-level reporters only, flagged partial when one is missing" \
	"on_track|0.077632|2016Q4|310|2018Q4|360" "$(growth incubators)"
expect_eq "... partial, 30 of 31" "t|30|31" \
	"$(e "select partial, reporters_reported, reporters_expected from report.progress where indicator = 'incubators'")"
expect_match "... and the note names the missing reporter" 'missing 650000' \
	"$(e "select note from report.progress where indicator = 'incubators'")"
expect_eq "a rate is recomputed from its parts (10 %, then 12 %), not averaged" "on_track|0.200000|2016Q4|10|2017Q4|12" \
	"$(growth online_retail_share | sed 's/\.0*|/|/g; s/\.0*$//')"
expect_eq "... complete: every province reported both parts" "f|31|31" \
	"$(e "select partial, reporters_reported, reporters_expected from report.progress where indicator = 'online_retail_share'")"
expect_eq "a mean averages those who reported (20 → 30), partial" "on_track|0.500000|2016Q4|20|2017Q4|30|t" \
	"$(growth test_mean_score | sed 's/\.0*|/|/g; s/\.0*$//')|$(e "select partial from report.progress where indicator = 'test_mean_score'")"
expect_eq "every active reporter but the ministry is assessed on each provincial indicator" "37|0" \
	"$(e "select count(distinct reporter), count(*) filter (where reporter = '000000') from report.progress_by_reporter")"

# ---- Labels.
expect_eq "classes carry Chinese and English labels" "按计划推进|On track" \
	"$(e "select class_zh, class_en from report.progress where indicator = 'demo_cities'")"
expect_eq "indicators carry Chinese and English names" "区域综合科技服务平台数|Regional comprehensive S&T service platforms" \
	"$(e "select indicator_name_zh, indicator_name_en from report.progress where indicator = 'regional_st_platforms'")"
expect_eq "the national scope is labelled 全国 / National in the history" "全国|National" \
	"$(e "select distinct reporter_name_zh, reporter_name_en from report.progress_history where reporter is null")"

# ---- A target revised mid-plan (动态调整): a new version, an older snapshot keeps the old one.
t_old=$(db_q postgres "$DB" "select id from mestat.target where indicator = 'industry_st_platforms' and effective_from = '2017-04-14'")
expect_eq "the target in force is used, not one dated in the future" "$t_old" \
	"$(e "select target_id from report.progress where indicator = 'industry_st_platforms'")"
t_new=$(db_q postgres "$DB" "set role mestat_owner; insert into mestat.target (indicator, kind, baseline_value, target_value,
	effective_from, clause, note) values ('industry_st_platforms', 'point', 0, 3, '2019-06-01', '十(三)', 'test: revised to 3')
	returning id")
snap2=$(pr_recompute "$DB")
expect_eq "after the revision (T = 3: E = 1.8, R = 1.1111): on_track with the new version" \
	"$snap2|$t_new|3|on_track|1.1111" \
	"$(e "select snapshot, target_id, target_value, class, round(ratio, 4) from report.progress where indicator = 'industry_st_platforms'")"
expect_eq "the earlier snapshot keeps the old target id and numbers" "$t_old|5|3.0000|at_risk|0.6667" \
	"$(e "select target_id, target_value, round(expected_value, 4), class, round(ratio, 4) from report.progress_history
	      where indicator = 'industry_st_platforms' and reporter is null and snapshot = $snap1")"
expect_eq "report.progress shows the latest snapshot only" "1|$snap2" \
	"$(e "select count(*), max(snapshot) from report.progress where indicator = 'industry_st_platforms'")"
expect_eq "report.progress_history keeps every snapshot" "2" \
	"$(e "select count(distinct snapshot) from report.progress_history where indicator = 'industry_st_platforms' and reporter is null")"
expect_eq "a snapshot records the latest quarter with data" "2018Q4" \
	"$(e "select distinct as_of_period from report.progress where snapshot = $snap2")"

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
