#!/bin/bash
# db_catalog.sh: the catalog the migrations load from the plan (reporters,
# indicators, the plan's numbers as targets, periods) and its administration
# (target revisions, due days, closing periods, code mappings).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
q() { db_q postgres "$DB" "$1"; }
owner() { db_q postgres "$DB" "set role mestat_owner; $1"; }

# ---- reporters

expect_eq "38 reporters the plan was sent to, and 3 departments" "38|3" \
	"$(q "select count(*) filter (where kind <> 'department'), count(*) filter (where kind = 'department') from mestat.reporter")"
expect_eq "31 province-level reporters (22 provinces, 5 autonomous regions, 4 municipalities)" \
	"autonomous_region:5,municipality:4,province:22" \
	"$(q "select string_agg(kind || ':' || n, ',' order by kind) from (select kind, count(*) n from mestat.reporter
	      where kind in ('province', 'autonomous_region', 'municipality') group by kind) x")"
expect_eq "the 5 separate-plan cities with their GB/T 2260 codes" \
	"210200 Dalian,330200 Ningbo,350200 Xiamen,370200 Qingdao,440300 Shenzhen" \
	"$(q "select string_agg(code || ' ' || name_en, ',' order by code) from mestat.reporter where kind = 'separate_plan_city'")"
expect_eq "the Corps is reporter 660000, inside Xinjiang, its code explained in a comment" \
	"660000|新疆生产建设兵团|650000|t" \
	"$(q "select code, name_zh, parent, col_description('mestat.reporter'::regclass, 1) like '%660000%Corps%'
	      from mestat.reporter where kind = 'corps'")"
expect_eq "the ministry is reporter 000000" "000000|ministry" \
	"$(q "select code, kind from mestat.reporter where name_zh = '科学技术部'")"
expect_eq "province codes run from 110000 Beijing to 650000 Xinjiang" "110000 北京市|650000 新疆维吾尔自治区" \
	"$(q "select min(code) || ' ' || (array_agg(name_zh order by code))[1],
	             max(code) || ' ' || (array_agg(name_zh order by code desc))[1]
	        from mestat.reporter where parent is null and kind not in ('ministry', 'department')")"

# ---- indicators

n=$(q "select count(*) from mestat.indicator")
if [ "${n:-0}" -ge 30 ]; then ok "at least 30 indicators ($n)"; else not_ok "at least 30 indicators" "got ${n:-none}"; fi
expect_eq "every indicator has a unit in English and Chinese, an aggregation and a description" "0" \
	"$(q "select count(*) from mestat.indicator where coalesce(unit, '') = '' or coalesce(unit_zh, '') = ''
	      or aggregation is null or coalesce(description, '') = ''")"
expect_eq "indicators cover chapters 二 and 四 to 七 and the columns 专栏1-4" \
	"二 四 五 六 七 专栏1 专栏2 专栏3 专栏4" \
	"$(q "select string_agg(s, ' ' order by o) from (
	        select distinct case when clause like '专栏%' then clause else substr(clause, 1, 1) end as s,
	               case when clause like '专栏%' then 100 + right(clause, 1)::int
	                    else position(substr(clause, 1, 1) in '一二三四五六七八九十') end as o
	          from mestat.indicator) x where s in ('二', '四', '五', '六', '七', '专栏1', '专栏2', '专栏3', '专栏4')")"
expect_eq "every section of chapters 四 to 七 has an indicator" "" \
	"$(q "select string_agg(c, ' ') from unnest(array['四(一)','四(二)','四(三)','五(一)','五(二)','五(三)','五(四)',
	        '七(一)','七(二)','七(三)','七(四)','七(五)','七(六)','七(七)','七(八)']) c
	      where not exists (select 1 from mestat.indicator i where i.clause = c)")"
expect_eq "survey indicators named in the brief exist" "" \
	"$(q "select string_agg(c, ' ') from unnest(array['tech_contract_turnover','incubators','ip_service_institutions',
	        'inspection_bodies','ecommerce_turnover','express_parcels','fintech_enterprises','online_course_enrolments',
	        'telemedicine_institutions','connected_vehicle_users','digital_publishing_revenue']) c
	      where not exists (select 1 from mestat.indicator i where i.code = c)")"
expect_eq "technology contract turnover: CNY 100 million, decimal flow, quarterly, summed, provincial, 七(二)" \
	"亿元|decimal|flow|quarterly|sum|increase|provincial|七(二)" \
	"$(q "select unit_zh, value_type, measure, periodicity, aggregation, direction, scope, clause
	      from mestat.indicator where code = 'tech_contract_turnover'")"
expect_eq "national-only indicators are not added up across reporters" "0" \
	"$(q "select count(*) from mestat.indicator where scope = 'national_only' and aggregation <> 'none'")"
expect_eq "counts are integers bounded below by 0" "0" \
	"$(q "select count(*) from mestat.indicator where unit = 'count' and (value_type <> 'integer' or min_value is distinct from 0)")"
expect_eq "percentages are bounded to 0..100" "0" \
	"$(q "select count(*) from mestat.indicator where value_type = 'percent' and (min_value <> 0 or max_value <> 100)")"
expect_eq "a rate names the indicators it is recomputed from" "online_retail_sales/retail_sales_total" \
	"$(q "select numerator || '/' || denominator from mestat.indicator where code = 'online_retail_share'")"
expect_eq "at least one indicator is better when it decreases" "t" \
	"$(q "select bool_or(direction = 'decrease') from mestat.indicator")"

# ---- the plan's numbers

t() { q "select kind, coalesce(baseline_value::text, '-'), coalesce(target_value::text, '-'),
	coalesce(target_upper::text, '-'), target_year, clause from mestat.target where indicator = '$1' and scope is null"; }
expect_eq "二(三): 10-20 national centres, labs and enterprise technology centres (range)" \
	"range|0|10|20|2020|二(三)" "$(t national_centres_labs)"
expect_eq "七(八): 10-15 regional comprehensive S&T service platforms (range)" \
	"range|0|10|15|2020|七(八)" "$(t regional_st_platforms)"
expect_eq "七(八): 5 typical-industry distributed S&T service platforms (point)" \
	"point|0|5|-|2020|七(八)" "$(t industry_st_platforms)"
expect_eq "一: 238 projects deployed in the 12th FYP (baseline, direction)" \
	"direction|238|-|-|2020|一" "$(t field_projects_deployed)"
expect_eq "一: 7 demonstration cities (baseline)" "direction|7|-|-|2020|一" "$(t demo_cities)"
expect_eq "一: 62 industrialization demonstration bases (baseline)" \
	"direction|62|-|-|2020|一" "$(t industrialization_demo_bases)"
expect_eq "一: 34 culture-technology fusion demonstration bases (baseline)" \
	"direction|34|-|-|2020|一" "$(t culture_tech_demo_bases)"
expect_eq "二(三): S&T contribution to modern-service value added greatly increased (direction)" \
	"direction|-|-|-|2020|二(三)" "$(t st_contribution_service_va)"
expect_eq "专栏1-4: coverage of the 5, 3, 10 and 7 listed items" \
	"col1_demo_launched at_least 5 专栏1,col2_demo_launched at_least 3 专栏2,col3_demo_launched at_least 10 专栏3,col4_demo_launched at_least 7 专栏4" \
	"$(q "select string_agg(indicator || ' ' || kind || ' ' || target_value || ' ' || clause, ',' order by indicator)
	      from mestat.target where indicator like 'col%launched'")"
expect_eq "... the items are catalog rows, one indicator each, in the column's order" "专栏1:5 专栏2:3 专栏3:10 专栏4:7" \
	"$(q "select string_agg(clause || ':' || n, ' ' order by clause) from (select clause, count(*) n from mestat.column_item
	      where column_indicator = 'col' || right(clause, 1) || '_demo_launched' group by clause) x")"
expect_eq "... digital publishing is two of column 3's items" "5 国家数字出版创新促进工程|6 数字出版产业应用服务示范" \
	"$(q "select string_agg(c.item_no || ' ' || substring(i.name_zh from '「(.*)」'), '|' order by c.item_no)
	      from mestat.column_item c join mestat.indicator i on i.code = c.indicator
	     where c.clause = '专栏3' and i.name_zh like '%数字出版%'")"
expect_eq "专栏1-4: the plan sets no completion date, so completed projects are monitoring without a number" \
	"monitoring direction - 4" \
	"$(q "select string_agg(distinct basis || ' ' || kind || ' ' || coalesce(target_value::text, '-'), ',') || ' ' || count(*)
	      from mestat.target where indicator like 'col%completed'")"
expect_eq "every indicator but the columns' items has a target in force, citing a clause" "0" \
	"$(q "select count(*) from mestat.indicator i where not exists (select 1 from mestat.current_target t
	      where t.indicator = i.code and t.scope is null and t.clause <> '')
	      and not exists (select 1 from mestat.column_item c where c.indicator = i.code)")"

# ---- the basis of every target, read against the plan clause by clause

b() { q "select string_agg(indicator, ' ' order by indicator) from mestat.target where scope is null and basis = '$1'"; }
expect_eq "numbers the plan states: the two ranges, the 5 platforms and the four columns' lists" \
	"col1_demo_launched col2_demo_launched col3_demo_launched col4_demo_launched industry_st_platforms national_centres_labs regional_st_platforms" \
	"$(b plan_number)"
expect_eq "directions the plan states in words" \
	"industry_solutions intl_standards modern_service_value_added national_standards service_st_investment service_think_tanks st_contribution_service_va talent_programme_service_share testing_platforms_national testing_platforms_provincial" \
	"$(b plan_direction)"
expect_eq "every target has a basis; every plan_number and plan_direction quotes the plan" "0|0" \
	"$(q "select count(*) filter (where basis is null), count(*) filter (where basis <> 'monitoring' and coalesce(plan_words, '') = '')
	      from mestat.target")"
expect_eq "the logistics-cost ratio has no invented 'decrease' target: monitoring" "monitoring|direction" \
	"$(q "select basis, kind from mestat.target where indicator = 'logistics_cost_gdp_ratio'")"
expect_eq "the 12th Five-Year Plan's figures are context: monitoring, the figure kept for information" \
	"culture_tech_demo_bases 34,demo_cities 7,field_projects_deployed 238,industrialization_demo_bases 62" \
	"$(q "select string_agg(indicator || ' ' || baseline_value, ',' order by indicator) from mestat.target
	      where basis = 'monitoring' and clause = '一'")"
expect_eq "大幅提高 asks for more than growth: thresholds doubled for the S&T contribution" "plan_direction|2|大幅提高科技在现代服务业增加值中的贡献度" \
	"$(q "select basis, threshold_factor, plan_words from mestat.target where indicator = 'st_contribution_service_va'")"
expect_match "the S&T contribution has a written definition and a 2015 base" 'Solow residual.*2015 value' \
	"$(q "select description from mestat.indicator where code = 'st_contribution_service_va'")"

# ---- rows 003 missed, slips, descriptions

expect_eq "九(二): the share of modern-service S&T talent in national talent programmes" "percent|national_only|九(二)|plan_direction" \
	"$(q "select i.value_type, i.scope, i.clause, t.basis from mestat.indicator i join mestat.target t on t.indicator = i.code
	      where i.code = 'talent_programme_service_share'")"
expect_eq "七(七): national and provincial public inspection and testing platforms" "national_only provincial" \
	"$(q "select string_agg(scope, ' ' order by scope) from mestat.indicator where clause = '七(七)' and code like 'testing_platforms%'")"
expect_eq "二(三): the 10-20 broken down into research centres, key laboratories and enterprise technology centres" "3|monitoring" \
	"$(q "select count(*), max(t.basis) from mestat.indicator i join mestat.target t on t.indicator = i.code
	      where i.code in ('national_eng_research_centres', 'national_key_labs_service', 'national_enterprise_tech_centres')")"
expect_eq "digital publishing belongs to 专栏3" "专栏3" "$(q "select clause from mestat.indicator where code = 'digital_publishing_revenue'")"
expect_eq "检验检测 is inspection and testing" "Inspection, testing and certification bodies" \
	"$(q "select name_en from mestat.indicator where code = 'inspection_bodies'")"
expect_eq "every provincial indicator says a province's figure includes its 计划单列市 and Xinjiang's the Corps" "0" \
	"$(q "select count(*) from mestat.indicator where scope = 'provincial'
	      and not (description like '%计划单列市%' and description like '%新疆生产建设兵团%')")"

# ---- the plan's order

expect_eq "clauses sort in the plan's order, the columns last" "一 二(三) 四(一) 七(一) 七(八) 八(一) 九(二) 专栏1 专栏4" \
	"$(q "select string_agg(clause, ' ' order by sort_key) from (select distinct clause, sort_key from mestat.indicator
	      where clause in ('专栏4', '七(八)', '一', '九(二)', '专栏1', '二(三)', '七(一)', '四(一)', '八(一)')) x")"
expect_eq "clause_sort_key: 十 after 九(三), 七(八) before 八" "1000 903 708 800" \
	"$(q "select concat_ws(' ', mestat.clause_sort_key('十'), mestat.clause_sort_key('九(三)'), mestat.clause_sort_key('七(八)'),
	      mestat.clause_sort_key('八'))")"

# ---- target revisions (动态调整)

first=$(q "select id from mestat.target where indicator = 'national_centres_labs'")
if owner "insert into mestat.target (indicator, kind, baseline_year, baseline_value, target_year, target_value,
	target_upper, effective_from, clause, note, decision_ref, decision_date) values ('national_centres_labs', 'range', 2015, 0,
	2020, 12, 20, '2019-01-01', null, 'test revision', '国科发高〔2018〕300号', '2018-12-20')" >"$T_TMP/rev.out" 2>&1; then
	ok "the owner can add a target revision"
else
	not_ok "the owner can add a target revision" "$(cat "$T_TMP/rev.out")"
fi
expect_eq "a target revision keeps the earlier version unchanged" "2|range|0|10|20|2017-04-14" \
	"$(q "select (select count(*) from mestat.target where indicator = 'national_centres_labs'),
	             kind, baseline_value, target_value, target_upper, effective_from from mestat.target where id = $first")"
expect_eq "the current target is the revision, marked as the second version, citing its decision" \
	"12|2||国科发高〔2018〕300号|2018-12-20" \
	"$(q "select target_value, versions, clause, decision_ref, decision_date from mestat.current_target
	      where indicator = 'national_centres_labs' and scope is null")"
expect_eq "a revision taking effect in the future is not yet current" "12" \
	"$(owner "insert into mestat.target (indicator, kind, baseline_value, target_value, target_upper, effective_from, clause,
	          decision_ref, decision_date) values ('national_centres_labs', 'range', 0, 15, 20, current_date + 30, '十(三)',
	          '国科发高〔2030〕1号', current_date);
	          select target_value from mestat.current_target where indicator = 'national_centres_labs' and scope is null")"
expect_match "a target row cannot be updated, even by a superuser who did not SET ROLE mestat_owner" \
	"keeps history" "$(db_err postgres "$DB" "update mestat.target set target_value = 11 where id = $first")"
expect_match "a target row cannot be deleted" "keeps history" \
	"$(db_err postgres "$DB" "delete from mestat.target where id = $first")"
expect_match "a range target needs an upper bound above its lower bound" "check constraint" \
	"$(db_err postgres "$DB" "set role mestat_owner; insert into mestat.target (indicator, kind, baseline_value,
	  target_value, target_upper, effective_from, clause, decision_ref, decision_date) values ('incubators', 'range', 0, 10, 5,
	  '2019-01-01', '七(三)', 'x', '2019-01-01')")"
expect_match "a revision that does not cite its decision is refused" "cites its decision" \
	"$(db_err postgres "$DB" "set role mestat_owner; insert into mestat.target (indicator, kind, baseline_value,
	  target_value, effective_from, clause) values ('industry_st_platforms', 'point', 0, 6, '2019-01-01', '十(三)')")"
expect_match "a target cites a clause or a decision" "target_cites_source" \
	"$(db_err postgres "$DB" "set role mestat_owner; insert into mestat.target (indicator, kind, baseline_value,
	  target_value, effective_from, clause) values ('incubators', 'point', 0, 6, '2017-04-14', null)")"

# ---- periods

expect_eq "quarters and years 2015 (the base year) to 2030" "quarter:64 2015Q1..2030Q4,year:16 2015..2030" \
	"$(q "select string_agg(kind || ':' || n || ' ' || lo || '..' || hi, ',' order by kind) from
	      (select kind, count(*) n, min(code) lo, max(code) hi from mestat.period group by kind) x")"
expect_eq "a quarter runs from its first to its last day" "2018-07-01|2018-09-30" \
	"$(q "select start_date, end_date from mestat.period where code = '2018Q3'")"
expect_eq "reports are due 30 days after the period ends by default" "2018-10-30|2019-01-30" \
	"$(q "select (select due_date from mestat.period where code = '2018Q3'), (select due_date from mestat.period where code = '2018')")"
expect_eq "set_due_days(45) reports how many periods it moved" "80" "$(q "select mestat.set_due_days(45)")"
expect_eq "set_due_days(45) moves every due date and is remembered" "2018-11-14|45" \
	"$(q "select (select due_date from mestat.period where code = '2018Q3'),
	             (select value from mestat.setting where name = 'due_days')")"
expect_eq "set_due_days with the same number changes nothing" "0" "$(q "select mestat.set_due_days(45)")"
# mestatd sets its three day counts in one transaction as each connection
# opens. When they are in force, that takes no row lock: a starting pool's
# connections do not wait for one another (lock_timeout turns a wait into an
# error here).
days="select mestat.set_due_days(45), mestat.set_release_days((select value::int from mestat.setting where name = 'release_days')),
      mestat.set_lock_days(coalesce((select value::int from mestat.setting where name = 'lock_days'), 0))"
q "$days" >/dev/null
psql -X -q -At -U postgres -d "$DB" -c "begin; $days; select pg_sleep(8); commit" >/dev/null 2>&1 &
holder=$!
holding() { test "$(q "select count(*) from pg_stat_activity where datname = current_database() and query like '%pg_sleep(8)%' and pid <> pg_backend_pid()")" = 1; }
t_until 5 holding || not_ok "a second session holds the day counts' transaction open" "it never showed in pg_stat_activity"
expect_eq "setting the day counts in force again does not wait for another connection doing the same" "0|f|f" \
	"$(q "set lock_timeout = '2s'; $days")"
q "select pg_terminate_backend(pid) from pg_stat_activity where query like '%pg_sleep(8)%' and pid <> pg_backend_pid()" >/dev/null
wait "$holder" 2>/dev/null
expect_match "set_due_days refuses a negative number" "due_days must be" "$(db_err postgres "$DB" "select mestat.set_due_days(-1)")"
expect_eq "add_periods adds the year and quarters of a new year" "5" "$(owner "select mestat.add_periods(2031, 2031)")"
expect_eq "periods added later are due after the current setting" "2031-05-15" \
	"$(q "select due_date from mestat.period where code = '2031Q1'")"

expect_eq "close_period returns true when it closed the period" "t" "$(q "select mestat.close_period('2016Q1', 'clerk Wang')")"
expect_eq "a closed period records who closed it and when" "t|clerk Wang|t" \
	"$(q "select closed, closed_by, closed_at is not null from mestat.period where code = '2016Q1'")"
expect_eq "closing a closed period again changes nothing" "f" "$(q "select mestat.close_period('2016Q1', 'clerk Li')")"
expect_eq "reopen_period returns true when it reopened the period" "t" "$(q "select mestat.reopen_period('2016Q1', 'director Zhao')")"
expect_eq "a reopened period is open again" "f||" \
	"$(q "select closed, closed_by, closed_at from mestat.period where code = '2016Q1'")"
expect_eq "closing and reopening are logged in period_event" "closed clerk Wang,reopened director Zhao" \
	"$(q "select string_agg(event || ' ' || actor, ',' order by id) from mestat.period_event where period = '2016Q1'")"
expect_eq "closing by a plain UPDATE is logged too" "closed postgres" \
	"$(q "update mestat.period set closed = true where code = '2016Q2';
	      select event || ' ' || actor from mestat.period_event where period = '2016Q2'")"
expect_match "close_period refuses an unknown period" 'unknown period "2016Q9"' \
	"$(db_err postgres "$DB" "select mestat.close_period('2016Q9', 'x')")"

# ---- code mappings

q "select mestat.add_code_mapping('110000', 'dhis2_de', 'fbfJHSPpUQD', 'tech_contract_turnover')" >/dev/null
expect_eq "add_code_mapping maps a DHIS2 dataElement UID to an indicator" "tech_contract_turnover" \
	"$(q "select our_code from mestat.code_mapping where reporter = '110000' and their_code = 'fbfJHSPpUQD'")"
q "select mestat.add_code_mapping('110000', 'dhis2_de', 'fbfJHSPpUQD', 'incubators')" >/dev/null
expect_eq "mapping the same code again replaces it" "1|incubators" \
	"$(q "select count(*), max(our_code) from mestat.code_mapping where reporter = '110000' and their_code = 'fbfJHSPpUQD'")"
expect_match "add_code_mapping refuses a dataElement mapped to an unknown indicator" "not a mestat indicator" \
	"$(db_err postgres "$DB" "select mestat.add_code_mapping('110000', 'dhis2_de', 'x1', 'no_such_indicator')")"
expect_match "add_code_mapping refuses an orgUnit mapped to an unknown reporter" "not a mestat reporter" \
	"$(db_err postgres "$DB" "select mestat.add_code_mapping('110000', 'dhis2_ou', 'x1', '999999')")"

# ---- progress thresholds

expect_eq "class thresholds: ratio 0.95/0.60/0/below, direction 1.5/0.5/0 %/yr/below" \
	"direction:on_track>=0.015,at_risk>=0.005,off_track>=0,moving_away>=-|ratio:on_track>=0.95,at_risk>=0.60,off_track>=0,moving_away>=-" \
	"$(q "select string_agg(m, '|' order by method) from (select method, method || ':' || string_agg(class || '>=' ||
	        coalesce(lower_bound::text, '-'), ',' order by lower_bound desc nulls last) m from mestat.class_threshold group by method) x")"
expect_eq "progress_class reads the thresholds" "on_track at_risk off_track moving_away on_track at_risk" \
	"$(q "select concat_ws(' ', mestat.progress_class('ratio', 0.95), mestat.progress_class('ratio', 0.6),
	        mestat.progress_class('ratio', 0), mestat.progress_class('ratio', -0.1),
	        mestat.progress_class('direction', 0.02), mestat.progress_class('direction', 0.01))")"

db_drop
