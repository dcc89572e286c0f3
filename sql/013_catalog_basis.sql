-- 013_catalog_basis.sql: the catalog says only what the plan says.
--
-- Every target carries its basis: plan_number (the plan states the number),
-- plan_direction (the plan asks for a direction in words, quoted in
-- plan_words) or monitoring (the plan sets no target: the indicator is
-- followed, its trend shown, no class of progress). The rows 003 loaded are
-- re-read against the plan clause by clause; where 003 had invented a target
-- (a "completed by 2020" the plan never sets, a direction for every survey
-- indicator) the row is corrected here, as the owner, once.
--
-- Also: the plan's order as a sort key (一, 二(三), 三 … 十, then 专栏1-4);
-- target revisions (动态调整, 十(三)) cite the ministry's decision; the items
-- of the four columns (专栏) as catalog rows, so a column is assessed as the
-- coverage of its listed items; the indicators 003 missed; 2015 as a period,
-- so base-year values can be reported.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Plan order

create function mestat.clause_sort_key(p_clause text) returns integer
language sql
immutable
parallel safe
as $$
	select case
	       when p_clause ~ '^专栏[1-4]$' then 1100 + right(p_clause, 1)::integer
	       when p_clause ~ '^[一二三四五六七八九十]' then
	            100 * position(left(p_clause, 1) in '一二三四五六七八九十')
	            + coalesce(position(substring(p_clause from '\(([一二三四五六七八九十])\)') in '一二三四五六七八九十'), 0)
	       end
$$;
comment on function mestat.clause_sort_key(text) is
	'Position of a clause in the plan: chapter × 100 + section (一 = 100, 二(三) = 203, 七(八) = 708, 十 = 1000), '
	'the columns after the chapters (专栏1 = 1101 … 专栏4 = 1104). Sorting by it lists indicators in the plan''s order, '
	'not in code-point order.';

alter table mestat.indicator add column sort_key integer generated always as (mestat.clause_sort_key(clause)) stored;
comment on column mestat.indicator.sort_key is
	'Plan order of the indicator''s clause (mestat.clause_sort_key): sort by (sort_key, code) to list indicators as the '
	'plan does.';

------------------------------------------------------------------------------
-- 2015, the base year, as a period: the ministry and the provinces can report
-- base-year values (the S&T contribution of 2015, …). Reporting is expected
-- from 2016 on only; completeness and timeliness leave 2015 out.

do $$ begin perform mestat.add_periods(2015, 2015); end $$;
comment on table mestat.period is
	'Reporting periods: quarters (YYYYQn) and years (YYYY). 2015 is the base year: values may be reported for it (the '
	'base of direction targets), none are expected. A closed period accepts no more values (409).';

------------------------------------------------------------------------------
-- The basis of a target, the plan's words, and the decision of a revision

alter table mestat.target
	add column basis text check (basis in ('plan_number', 'plan_direction', 'monitoring')),
	add column plan_words text,
	add column decision_ref text check (decision_ref <> ''),
	add column decision_date date,
	add column threshold_factor numeric not null default 1 check (threshold_factor > 0),
	alter column clause drop not null,
	add constraint target_cites_source check (clause is not null or decision_ref is not null),
	add constraint target_decision_dated check ((decision_ref is null) = (decision_date is null)),
	add constraint target_direction_words check (basis is distinct from 'plan_direction' or coalesce(plan_words, '') <> '');
comment on column mestat.target.basis is
	'Why this target exists: plan_number (the plan states the number), plan_direction (the plan states a direction in '
	'words, quoted in plan_words, without a number), monitoring (the plan sets no target: the indicator is followed, its '
	'trend shown, no class of progress). Filled by trigger when not given: monitoring for a direction, plan_number for '
	'a target with a number.';
comment on column mestat.target.plan_words is
	'The plan''s own words that set the number or the direction, quoted in Chinese (for monitoring: the words the '
	'indicator follows, or NULL).';
comment on column mestat.target.decision_ref is
	'For a revision (动态调整, plan clause 十(三)): the number of the ministry''s decision that sets the new version, '
	'e.g. 国科发高〔2019〕12号. Required for every version after the first of an indicator and scope.';
comment on column mestat.target.decision_date is 'Date of the decision (decision_ref).';
comment on column mestat.target.threshold_factor is
	'Direction targets: the growth thresholds of mestat.class_threshold (method direction) are multiplied by this '
	'factor. 1 normally; 2 where the plan asks for more than growth (大幅提高, "greatly increase"): on track from 3 %/yr.';
comment on column mestat.target.clause is
	'Clause of the plan that sets the number; may be NULL for a revision that cites its decision (decision_ref) instead.';
comment on column mestat.target.kind is
	'point (reach target_value), range (reach [target_value, target_upper]: at or past the lower bound is achieved), '
	'at_least (reach target_value or more), direction (move in the indicator''s direction; no number).';
comment on table mestat.target is
	'Targets, versioned: a revision (动态调整, clause 十(三)) is a new row with a later effective_from citing its decision '
	'(decision_ref); old rows never change (mestat_daemon cannot write here; a trigger refuses UPDATE/DELETE). basis says '
	'whether the plan sets a number, a direction in words, or nothing (monitoring). Progress snapshots record the id of '
	'the version they used.';

create function mestat.target_check_revision() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
begin
	if new.basis is null then
		new.basis := case when new.kind = 'direction' then 'monitoring' else 'plan_number' end;
	end if;
	if new.decision_ref is null and exists (
		select 1 from mestat.target t
		 where t.indicator = new.indicator and t.scope is not distinct from new.scope
		   and t.effective_from < new.effective_from) then
		raise exception 'a target revision (动态调整) of % cites its decision: give decision_ref and decision_date',
			new.indicator using errcode = '23514';
	end if;
	return new;
end
$$;
comment on function mestat.target_check_revision() is
	'Trigger on mestat.target: fills basis when not given (monitoring for a direction, plan_number for a number) and '
	'refuses a later version of an indicator and scope (a revision) that does not cite its decision (decision_ref).';
create trigger target_check_revision before insert on mestat.target
	for each row execute function mestat.target_check_revision();

create or replace view mestat.current_target as
select distinct on (t.indicator, t.scope)
       t.id, t.indicator, t.scope, t.kind, t.baseline_year, t.baseline_value, t.target_year, t.target_value,
       t.target_upper, t.path, t.effective_from, t.clause, t.note,
       count(*) over (partition by t.indicator, t.scope)::integer as versions,
       coalesce(t.basis, case when t.kind = 'direction' then 'monitoring' else 'plan_number' end) as basis,
       t.plan_words, t.decision_ref, t.decision_date, t.threshold_factor
  from mestat.target t
 where t.effective_from <= current_date
 order by t.indicator, t.scope, t.effective_from desc, t.id desc;
comment on column mestat.current_target.basis is 'plan_number, plan_direction or monitoring (mestat.target.basis).';
comment on column mestat.current_target.plan_words is 'The plan''s words for the target, in Chinese.';
comment on column mestat.current_target.decision_ref is 'Decision that set a revised version; NULL for the plan''s own.';
comment on column mestat.current_target.decision_date is 'Date of that decision.';
comment on column mestat.current_target.threshold_factor is 'Factor on the direction thresholds (2 for 大幅).';
comment on column mestat.current_target.clause is 'Clause of the plan (NULL for a revision citing its decision instead).';

------------------------------------------------------------------------------
-- Labels of the bases and of the trend words (Chinese and English)

create table mestat.assessment_label (
	kind text not null check (kind in ('basis', 'trend')),
	code text not null,
	label_zh text not null check (label_zh <> ''),
	label_en text not null check (label_en <> ''),
	reading_zh text not null,
	reading_en text not null,
	primary key (kind, code)
);
comment on table mestat.assessment_label is
	'How the bases of targets (basis) and the trend words of monitoring (trend) are named for evaluators, with the '
	'sentence that tells how to read a row of that kind, in Chinese and English.';
comment on column mestat.assessment_label.kind is 'basis or trend.';
comment on column mestat.assessment_label.code is 'plan_number, plan_direction, monitoring; or rising, stable, falling.';
comment on column mestat.assessment_label.label_zh is 'Short label in Chinese.';
comment on column mestat.assessment_label.label_en is 'Short label in English.';
comment on column mestat.assessment_label.reading_zh is 'How to read such a row, in Chinese.';
comment on column mestat.assessment_label.reading_en is 'How to read such a row, in English.';

insert into mestat.assessment_label (kind, code, label_zh, label_en, reading_zh, reading_en) values
	('basis', 'plan_number', '规划数值目标', 'Plan number',
	 '规划明确提出该数值目标，按基期到目标年的预期进度评价。',
	 'The plan states this number; progress is judged against the path from the baseline to the target year.'),
	('basis', 'plan_direction', '规划方向目标', 'Plan direction',
	 '规划以文字提出发展方向、未设数值，按基年以来的年均增速评价。',
	 'The plan asks for this direction in words, without a number; progress is judged by annual growth since the base year.'),
	('basis', 'monitoring', '监测指标（规划未设目标）', 'Monitoring (no plan target)',
	 '规划未对该指标设定目标：仅显示近四个季度的变化趋势，不作进展评价。',
	 'The plan sets no target for this indicator: only its trend over the last four quarters is shown, no progress class.'),
	('trend', 'rising', '上升', 'Rising',
	 '最近值比四个季度前高出稳定区间以上。', 'The latest value is above the value four quarters earlier by more than the stable band.'),
	('trend', 'stable', '平稳', 'Stable',
	 '最近值与四个季度前相比变化在稳定区间以内。', 'The latest value is within the stable band of the value four quarters earlier.'),
	('trend', 'falling', '下降', 'Falling',
	 '最近值比四个季度前低出稳定区间以上。', 'The latest value is below the value four quarters earlier by more than the stable band.');

insert into mestat.setting (name, value) values ('trend_stable_band', '0.01');

------------------------------------------------------------------------------
-- Indicators 003 missed, and slips

insert into mestat.indicator (code, name_zh, name_en, unit, unit_zh, value_type, measure, periodicity, aggregation,
                              direction, scope, min_value, max_value, clause, description) values
	('national_eng_research_centres', '支持建设的国家级现代服务业工程技术研究中心数',
	 'National modern-service engineering technology research centres supported',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of national-level modern service industry engineering technology research centres whose '
	 'construction the plan has supported since 2016, at year end: one of the three parts of national_centres_labs.'),
	('national_key_labs_service', '支持建设的现代服务业国家重点实验室数',
	 'State key laboratories for modern services supported',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of state key laboratories in modern service fields whose construction the plan has supported '
	 'since 2016, at year end: one of the three parts of national_centres_labs.'),
	('national_enterprise_tech_centres', '支持建设的国家级现代服务业企业技术中心数',
	 'National modern-service enterprise technology centres supported',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of national-level enterprise technology centres of modern service enterprises whose '
	 'construction the plan has supported since 2016, at year end: one of the three parts of national_centres_labs.'),
	('testing_platforms_national', '国家级检验检测公共服务平台数', 'National-level public inspection and testing service platforms',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '七(七)',
	 'Cumulative number of national-level public service platforms for inspection and testing (检验检测公共服务平台) '
	 'built since 2016, at year end.'),
	('testing_platforms_provincial', '省级检验检测公共服务平台数', 'Provincial-level public inspection and testing service platforms',
	 'count', '个', 'integer', 'stock', 'annual', 'sum', 'increase', 'provincial', 0, null, '七(七)',
	 'Cumulative number of provincial-level public service platforms for inspection and testing (检验检测公共服务平台) '
	 'built in the region since 2016, at year end.'),
	('talent_programme_service_share', '国家人才计划中现代服务业科技人才的比重',
	 'Share of modern-service S&T talent in national talent programmes',
	 'percent', '%', 'percent', 'stock', 'annual', 'none', 'increase', 'national_only', 0, 100, '九(二)',
	 'Modern-service S&T talent (finance, design, technology transfer and other modern service fields) selected by '
	 'national talent programmes (千人计划 and the like) in the year, as a percentage of all talent they selected that year.');

update mestat.indicator set
	description = 'Contribution of technical progress to the growth of modern service industry value added (科技进步贡献率), '
	              'in percent: the share of the average annual growth rate of value added (constant prices) over the '
	              'preceding five years that is not explained by the growth of capital and labour inputs, each weighted '
	              'by its output elasticity (the Solow residual of the production-function method the ministry uses for '
	              'the national 科技进步贡献率), estimated by the ministry''s statistics survey. The 2015 value, reported '
	              'for period 2015, is the base of the plan''s 大幅提高.'
 where code = 'st_contribution_service_va';

-- Digital publishing: the plan names it in column 3 (国家数字出版创新促进工程, 数字出版产业应用服务示范), not in 六(三).
update mestat.indicator set clause = '专栏3' where code = 'digital_publishing_revenue';
-- 检验检测: inspection and testing, as the plan writes it.
update mestat.indicator set
	name_en = 'Inspection, testing and certification bodies',
	description = 'Accredited inspection, testing and certification (检验检测认证) bodies at quarter end.'
 where code = 'inspection_bodies';
update mestat.indicator set
	description = 'Demonstration projects of column 4 launched so far: technology transfer, incubation platform, IP '
	              'services, S&T consulting platform, integrated inspection, testing and standardisation services '
	              '(集成化检验检测及标准化服务), regional comprehensive S&T service platform, typical-industry distributed S&T '
	              'service platform (7 listed).'
 where code = 'col4_demo_launched';

-- A province's figure includes its cities with separate planning status and,
-- for Xinjiang, the Corps: said on every provincial indicator.
update mestat.indicator set description = description
	|| ' A province''s figure includes its cities with separate planning status (计划单列市: Dalian in Liaoning, Ningbo '
	   'in Zhejiang, Xiamen in Fujian, Qingdao in Shandong, Shenzhen in Guangdong) and Xinjiang''s includes the Xinjiang '
	   'Production and Construction Corps (新疆生产建设兵团); these report their own figures too, which are not added again. '
	   '省级数据包含本省计划单列市，新疆数据包含新疆生产建设兵团。'
 where scope = 'provincial';

------------------------------------------------------------------------------
-- The columns (专栏1-4): their listed items, each an indicator the ministry
-- reports (projects launched under the item), so a column is assessed as the
-- number of its items with at least one launched project.

create table mestat.column_item (
	indicator text primary key references mestat.indicator (code),
	clause text not null check (clause ~ '^专栏[1-4]$'),
	item_no integer not null check (item_no > 0),
	column_indicator text not null references mestat.indicator (code),
	unique (clause, item_no)
);
comment on table mestat.column_item is
	'The items each column (专栏1-4) of the plan lists (5, 3, 10 and 7), one indicator each: projects launched under the '
	'item, reported by the ministry. The column''s coverage (column_indicator, e.g. col1_demo_launched) is assessed as '
	'the number of its items with at least one launched project, against the number of items listed.';
comment on column mestat.column_item.indicator is 'The item''s indicator (projects launched under the item).';
comment on column mestat.column_item.clause is 'The column: 专栏1 … 专栏4.';
comment on column mestat.column_item.item_no is 'Position of the item in the column''s list, from 1.';
comment on column mestat.column_item.column_indicator is 'The column''s indicator whose assessment is the coverage of its items.';

create temp table items (clause text, n integer, name_zh text, name_en text) on commit drop;
insert into items values
	('专栏1', 1, '网络定制服务技术研发与应用示范', 'network customisation services'),
	('专栏1', 2, '网络交易服务技术研发与应用示范', 'network trading services'),
	('专栏1', 3, '跨境电商体验平台研发与应用示范', 'cross-border e-commerce experience platform'),
	('专栏1', 4, '智能物流终端服务技术研发与应用示范', 'smart logistics terminal services'),
	('专栏1', 5, '“金融+”平台研发与应用示范', '"finance+" platform'),
	('专栏2', 1, '健康养老跨界服务应用示范', 'health and elderly-care cross-sector services'),
	('专栏2', 2, '汽车及机器人后服务平台研发与应用示范', 'automobile and robot after-service platform'),
	('专栏2', 3, '数字教育众筹众创平台研发与应用示范', 'digital-education crowdfunding and crowd-creation platform'),
	('专栏3', 1, '文化资源数字化技术集成与应用示范', 'cultural resource digitisation'),
	('专栏3', 2, '文化艺术展演技术集成系统装备与应用', 'performing-arts technology systems and equipment'),
	('专栏3', 3, '专业内容知识服务众智平台与应用模式创新', 'professional content knowledge-service platform'),
	('专栏3', 4, '出版融合发展示范引导与应用', 'publishing convergence'),
	('专栏3', 5, '国家数字出版创新促进工程', 'national digital publishing innovation programme'),
	('专栏3', 6, '数字出版产业应用服务示范', 'digital publishing industry services'),
	('专栏3', 7, '影视媒体融合服务技术集成与应用', 'film and media convergence services'),
	('专栏3', 8, '文化旅游综合服务云平台与服务示范', 'cultural tourism service cloud'),
	('专栏3', 9, '文化创意技术集成及产业化应用示范', 'cultural creativity technology'),
	('专栏3', 10, '艺术品认证鉴定服务平台的研发和应用示范', 'artwork authentication platform'),
	('专栏4', 1, '技术转移服务应用示范', 'technology transfer services'),
	('专栏4', 2, '创业孵化综合服务平台应用示范', 'incubation service platform'),
	('专栏4', 3, '知识产权服务应用示范', 'intellectual property services'),
	('专栏4', 4, '科技咨询专业服务平台研发与应用示范', 'S&T consulting platform'),
	('专栏4', 5, '集成化检验检测及标准化服务应用示范', 'integrated inspection, testing and standardisation services'),
	('专栏4', 6, '区域综合科技服务平台研发与应用示范', 'regional comprehensive S&T service platform'),
	('专栏4', 7, '典型行业分布式科技服务平台研发与应用示范', 'typical-industry distributed S&T service platform');

insert into mestat.indicator (code, name_zh, name_en, unit, unit_zh, value_type, measure, periodicity, aggregation,
                              direction, scope, min_value, max_value, clause, description)
select format('col%s_item%s_projects', right(it.clause, 1), it.n),
       it.clause || '第' || it.n || '项「' || it.name_zh || '」已启动项目数',
       format('Column %s item %s (%s): projects launched', right(it.clause, 1), it.n, it.name_en),
       'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, it.clause,
       format('Projects launched so far under item %s of %s, %s (%s), at year end. The column''s coverage counts the '
              'items with at least one.', it.n, it.clause, it.name_zh, it.name_en)
  from items it;
insert into mestat.column_item (indicator, clause, item_no, column_indicator)
select format('col%s_item%s_projects', right(it.clause, 1), it.n), it.clause, it.n,
       format('col%s_demo_launched', right(it.clause, 1))
  from items it;

update mestat.indicator set
	name_zh = replace(name_zh, '已启动项目数', '所列项目覆盖数'),
	name_en = replace(name_en, 'projects launched', 'listed items with a launched project'),
	unit = 'items', unit_zh = '项',
	description = description || ' Assessed as coverage: the number of the column''s listed items (mestat.column_item) '
	              'with at least one launched project; the value reported here is the total number of projects.'
 where code in ('col1_demo_launched', 'col2_demo_launched', 'col3_demo_launched', 'col4_demo_launched');

------------------------------------------------------------------------------
-- Re-reading the plan: the basis of every target 003 loaded. As the owner,
-- once: these rows misread the plan (numbers and directions it never set).

-- Numbers the plan states.
update mestat.target t set basis = 'plan_number', plan_words = w.words, note = w.note
  from (values
	('national_centres_labs', '支持建设10-20个国家级现代服务业工程技术研究中心、国家重点实验室和企业技术中心',
	 '二(三): a range 10-20, counted from the plan''s start (baseline 0); at or past 10 is achieved. The three parts are '
	 'followed as monitoring indicators.'),
	('regional_st_platforms', '建设10~15个区域综合科技服务平台',
	 '七(八): a range 10-15, built under the plan (baseline 0); at or past 10 is achieved.'),
	('industry_st_platforms', '建设……5个典型行业分布式科技服务平台',
	 '七(八): a point target of 5, built under the plan (baseline 0).')
  ) as w(indicator, words, note)
 where t.indicator = w.indicator and t.scope is null;

-- The columns: the plan lists the items to implement (实施…示范工程：…等)
-- within the plan period; coverage of the listed items, not a count of projects.
update mestat.target t set basis = 'plan_number', plan_words = w.words,
       note = w.clause || ': ' || w.n || ' items listed; achieved when each has at least one launched project. '
              '(…等: the list is not closed, but only the listed items are counted.)'
  from (values
	('col1_demo_launched', '专栏1', 5, '实施生产性服务业技术研发与应用示范工程：网络定制服务技术研发与应用示范……“金融+”平台研发与应用示范等'),
	('col2_demo_launched', '专栏2', 3, '实施新兴服务业技术研发与应用示范工程：健康养老跨界服务应用示范……数字教育众筹众创平台研发与应用示范等'),
	('col3_demo_launched', '专栏3', 10, '实施文化科技融合服务技术研发与应用示范工程：文化资源数字化技术集成与应用示范……艺术品认证鉴定服务平台的研发和应用示范等'),
	('col4_demo_launched', '专栏4', 7, '实施科技服务业技术研发与应用示范：技术转移服务应用示范……典型行业分布式科技服务平台研发与应用示范等')
  ) as w(indicator, clause, n, words)
 where t.indicator = w.indicator and t.scope is null and t.target_value = w.n;

-- "Completed by 2020" is not in the plan: the completed projects are followed.
update mestat.target set basis = 'monitoring', kind = 'direction', target_value = null, plan_words = null,
       note = 'The plan does not say the column''s projects are to be completed by 2020: completed projects are followed '
              'for information (no target).'
 where indicator like 'col%\_demo\_completed' and scope is null;

-- The 12th Five-Year Plan's figures: reported achievements, context only.
update mestat.target t set basis = 'monitoring', plan_words = w.words,
       note = 'The 12th Five-Year Plan''s figure (' || t.baseline_value || '), a reported achievement, shown beside the '
              'current count for information; the plan sets no number for 2020 (no class).'
  from (values
	('field_projects_deployed', '“十二五”期间，现代服务业领域共部署238个项目'),
	('demo_cities', '批准建设北京、武汉、上海等7个示范城市'),
	('industrialization_demo_bases', '62个现代服务业产业化示范基地'),
	('culture_tech_demo_bases', '34个文化与科技融合示范基地')
  ) as w(indicator, words)
 where t.indicator = w.indicator and t.scope is null;

-- Directions the plan states in words.
update mestat.target t set basis = 'plan_direction', plan_words = w.words, threshold_factor = w.factor,
       baseline_value = w.base, note = w.note
  from (values
	('st_contribution_service_va', '大幅提高科技在现代服务业增加值中的贡献度', 2::numeric, null::numeric,
	 '二(三): greatly increase (大幅提高): growth from the 2015 value, thresholds doubled (on track from 3 %/yr), '
	 'adjusted near the 100 % limit.'),
	('intl_standards', '形成一批国际、国家标准和行业解决方案', 1, 0,
	 '二(三): form a batch (形成一批), no number: counted from the plan''s start (baseline 0); any growth is the direction asked.'),
	('national_standards', '形成一批国际、国家标准和行业解决方案', 1, 0,
	 '二(三): form a batch (形成一批), no number: counted from the plan''s start (baseline 0).'),
	('industry_solutions', '形成一批国际、国家标准和行业解决方案', 1, 0,
	 '二(三): form a batch (形成一批), no number: counted from the plan''s start (baseline 0).'),
	('modern_service_value_added', '全面提升现代服务业的规模、质量、效率和品质', 1, null,
	 '二(三): raise the scale (规模) of modern services, no number: growth from 2015 (or from the first value, stated).'),
	('service_think_tanks', '支持一批有条件的综合研究机构建设成为现代服务业新型智库', 1, 0,
	 '八(一): support a batch of new-type think tanks, no number: counted from the plan''s start (baseline 0).'),
	('service_st_investment', '继续加大财政支持力度……增加对现代服务业科技项目的投入', 1, null,
	 '九(一): increase public funding of modern-service S&T projects, no number: growth from 2015 (or the first value).')
  ) as w(indicator, words, factor, base, note)
 where t.indicator = w.indicator and t.scope is null;

-- Everything else the plan follows without a target.
update mestat.target t set basis = 'monitoring',
       note = 'The plan names this field (' || i.clause || ') but sets no target for the indicator: its trend is '
              'followed, no class of progress.'
  from mestat.indicator i
 where i.code = t.indicator and t.basis is null and t.kind = 'direction';

-- Targets of the indicators added here.
insert into mestat.target (indicator, kind, baseline_year, baseline_value, target_year, effective_from, clause,
                           basis, plan_words, note) values
	('national_eng_research_centres', 'direction', 2015, 0, 2020, '2017-04-14', '二(三)', 'monitoring', null,
	 'Part of the 10-20 of 二(三); the plan sets the total only, so the part is followed without a target.'),
	('national_key_labs_service', 'direction', 2015, 0, 2020, '2017-04-14', '二(三)', 'monitoring', null,
	 'Part of the 10-20 of 二(三); the plan sets the total only, so the part is followed without a target.'),
	('national_enterprise_tech_centres', 'direction', 2015, 0, 2020, '2017-04-14', '二(三)', 'monitoring', null,
	 'Part of the 10-20 of 二(三); the plan sets the total only, so the part is followed without a target.'),
	('testing_platforms_national', 'direction', 2015, 0, 2020, '2017-04-14', '七(七)', 'plan_direction',
	 '建设一批国家级、省级检验检测公共服务平台',
	 '七(七): build a batch (一批) of national-level platforms, no number: counted from the plan''s start (baseline 0).'),
	('testing_platforms_provincial', 'direction', 2015, 0, 2020, '2017-04-14', '七(七)', 'plan_direction',
	 '建设一批国家级、省级检验检测公共服务平台',
	 '七(七): build a batch (一批) of provincial-level platforms, no number: counted from the plan''s start (baseline 0).'),
	('talent_programme_service_share', 'direction', 2015, null, 2020, '2017-04-14', '九(二)', 'plan_direction',
	 '在“千人计划”等国家人才计划中增加现代服务业科技人才的比重',
	 '九(二): increase the share, no number: growth from the 2015 value (or the first value, stated), adjusted near '
	 'the 100 % limit.');
