-- 003_catalog_data.sql: the catalog as the plan (国科发高〔2017〕91号, shared/plan/
-- modern-services-plan-2017.txt) defines it: who reports, what is measured,
-- the plan's numbers as targets, and the periods 2016-2030.
--
-- Clause references follow the plan's own numbering. Note that the overall
-- goals (总体目标, "10-20 个国家级…中心", "大幅提高科技…贡献度") are section
-- (三) of chapter 二 (指导思想、原则与目标), so they are cited 二(三);
-- chapter 三 has only sections (一) and (二).

set local role mestat_owner;

insert into mestat.setting (name, value) values ('due_days', '30');

------------------------------------------------------------------------------
-- Reporters: the addressees of the notice (各省、自治区、直辖市及计划单列市科技厅
-- （委、局），新疆生产建设兵团科技局) and the ministry.

insert into mestat.reporter (code, name_zh, name_en, kind, parent) values
	('110000', '北京市', 'Beijing', 'municipality', null),
	('120000', '天津市', 'Tianjin', 'municipality', null),
	('130000', '河北省', 'Hebei', 'province', null),
	('140000', '山西省', 'Shanxi', 'province', null),
	('150000', '内蒙古自治区', 'Inner Mongolia', 'autonomous_region', null),
	('210000', '辽宁省', 'Liaoning', 'province', null),
	('220000', '吉林省', 'Jilin', 'province', null),
	('230000', '黑龙江省', 'Heilongjiang', 'province', null),
	('310000', '上海市', 'Shanghai', 'municipality', null),
	('320000', '江苏省', 'Jiangsu', 'province', null),
	('330000', '浙江省', 'Zhejiang', 'province', null),
	('340000', '安徽省', 'Anhui', 'province', null),
	('350000', '福建省', 'Fujian', 'province', null),
	('360000', '江西省', 'Jiangxi', 'province', null),
	('370000', '山东省', 'Shandong', 'province', null),
	('410000', '河南省', 'Henan', 'province', null),
	('420000', '湖北省', 'Hubei', 'province', null),
	('430000', '湖南省', 'Hunan', 'province', null),
	('440000', '广东省', 'Guangdong', 'province', null),
	('450000', '广西壮族自治区', 'Guangxi', 'autonomous_region', null),
	('460000', '海南省', 'Hainan', 'province', null),
	('500000', '重庆市', 'Chongqing', 'municipality', null),
	('510000', '四川省', 'Sichuan', 'province', null),
	('520000', '贵州省', 'Guizhou', 'province', null),
	('530000', '云南省', 'Yunnan', 'province', null),
	('540000', '西藏自治区', 'Tibet (Xizang)', 'autonomous_region', null),
	('610000', '陕西省', 'Shaanxi', 'province', null),
	('620000', '甘肃省', 'Gansu', 'province', null),
	('630000', '青海省', 'Qinghai', 'province', null),
	('640000', '宁夏回族自治区', 'Ningxia', 'autonomous_region', null),
	('650000', '新疆维吾尔自治区', 'Xinjiang', 'autonomous_region', null),
	('210200', '大连市', 'Dalian', 'separate_plan_city', '210000'),
	('330200', '宁波市', 'Ningbo', 'separate_plan_city', '330000'),
	('350200', '厦门市', 'Xiamen', 'separate_plan_city', '350000'),
	('370200', '青岛市', 'Qingdao', 'separate_plan_city', '370000'),
	('440300', '深圳市', 'Shenzhen', 'separate_plan_city', '440000'),
	('660000', '新疆生产建设兵团', 'Xinjiang Production and Construction Corps', 'corps', '650000'),
	('000000', '科学技术部', 'Ministry of Science and Technology', 'ministry', null);

------------------------------------------------------------------------------
-- Indicators
--
-- National-only indicators (the ministry reports them, annually) carry the
-- plan's own numbers; provincial survey indicators follow each section of
-- chapters 四 to 九 and are reported quarterly unless the quantity only makes
-- sense yearly.

insert into mestat.indicator (code, name_zh, name_en, unit, unit_zh, value_type, measure, periodicity, aggregation,
                              direction, scope, min_value, max_value, clause, description) values
-- 二(三) overall goals
	('national_centres_labs',
	 '支持建设的国家级现代服务业工程技术研究中心、国家重点实验室和企业技术中心数',
	 'National modern-service engineering technology research centres, state key laboratories and enterprise technology centres supported',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of national-level modern service industry engineering technology research centres, state key '
	 'laboratories and enterprise technology centres whose construction the plan has supported since 2016, at year end.'),
	('st_contribution_service_va',
	 '科技在现代服务业增加值中的贡献度',
	 'Contribution of science and technology to modern-service value added',
	 'percent', '%', 'percent', 'stock', 'annual', 'none', 'increase', 'national_only', 0, 100, '二(三)',
	 'Share of the growth of modern service industry value added attributed to technical progress, estimated by the '
	 'ministry''s statistics survey for the year.'),
	('intl_standards',
	 '现代服务业领域形成的国际标准数',
	 'International standards formed in modern services',
	 'count', '项', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of international standards in modern service fields led or co-drafted by Chinese bodies since 2016.'),
	('national_standards',
	 '现代服务业领域形成的国家标准和行业标准数',
	 'National and industry standards formed in modern services',
	 'count', '项', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of national and industry standards in modern service fields issued since 2016.'),
	('industry_solutions',
	 '形成的现代服务业行业解决方案数',
	 'Industry solutions formed in key modern-service fields',
	 'count', '项', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '二(三)',
	 'Cumulative number of industry solutions (行业解决方案) delivered by projects under the plan since 2016.'),
	('modern_service_value_added',
	 '现代服务业增加值',
	 'Modern service industry value added',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '二(三)',
	 'Value added of the modern service industries in the quarter, current prices (scale of the industry, 规模).'),
-- 一 baselines of the 12th Five-Year Plan
	('field_projects_deployed',
	 '现代服务业领域部署项目数',
	 'Projects deployed in the modern services field',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '一',
	 'Cumulative number of national S&T projects deployed in the modern services field during the current five-year plan '
	 'period, at year end (the 12th Five-Year Plan deployed 238).'),
	('demo_cities',
	 '现代服务业创新发展示范城市数',
	 'Modern service industry innovation demonstration cities',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '一',
	 'Number of cities approved as modern service industry demonstration cities (Beijing, Wuhan, Shanghai and others: 7 by 2015).'),
	('industrialization_demo_bases',
	 '现代服务业产业化示范基地数',
	 'Modern service industrialization demonstration bases',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '一',
	 'Number of approved modern service industrialization demonstration bases at year end (62 by 2015).'),
	('culture_tech_demo_bases',
	 '国家文化和科技融合示范基地数',
	 'National culture and technology fusion demonstration bases',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '一',
	 'Number of approved culture and technology fusion demonstration bases at year end (34 by 2015).'),
-- 七(八) integrated S&T service platforms
	('regional_st_platforms',
	 '区域综合科技服务平台数',
	 'Regional comprehensive S&T service platforms',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '七(八)',
	 'Cumulative number of regional comprehensive S&T service platforms built under the plan since 2016.'),
	('industry_st_platforms',
	 '典型行业分布式科技服务平台数',
	 'Typical-industry distributed S&T service platforms',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '七(八)',
	 'Cumulative number of distributed S&T service platforms for typical industries built under the plan since 2016.'),
-- 专栏1-4 demonstration projects
	('col1_demo_launched', '专栏1生产性服务业技术研发与应用示范工程已启动项目数',
	 'Column 1 producer-services demonstration projects launched',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏1',
	 'Demonstration projects of column 1 launched so far: network customisation, network trading, cross-border '
	 'e-commerce experience platform, smart logistics terminals, "finance+" platform (5 listed).'),
	('col1_demo_completed', '专栏1生产性服务业技术研发与应用示范工程已完成项目数',
	 'Column 1 producer-services demonstration projects completed',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏1',
	 'Demonstration projects of column 1 completed and accepted so far.'),
	('col2_demo_launched', '专栏2新兴服务业技术研发与应用示范工程已启动项目数',
	 'Column 2 emerging-services demonstration projects launched',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏2',
	 'Demonstration projects of column 2 launched so far: health and elderly-care cross-sector services, automobile and '
	 'robot after-service platform, digital-education crowdfunding and crowd-creation platform (3 listed).'),
	('col2_demo_completed', '专栏2新兴服务业技术研发与应用示范工程已完成项目数',
	 'Column 2 emerging-services demonstration projects completed',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏2',
	 'Demonstration projects of column 2 completed and accepted so far.'),
	('col3_demo_launched', '专栏3文化科技融合服务技术研发与应用示范工程已启动项目数',
	 'Column 3 culture-technology fusion demonstration projects launched',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏3',
	 'Demonstration projects of column 3 launched so far: cultural resource digitisation, performing-arts systems, '
	 'professional content knowledge services, publishing convergence, national digital publishing innovation, digital '
	 'publishing services, film and media convergence, cultural tourism cloud, cultural creativity, artwork '
	 'authentication (10 listed).'),
	('col3_demo_completed', '专栏3文化科技融合服务技术研发与应用示范工程已完成项目数',
	 'Column 3 culture-technology fusion demonstration projects completed',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏3',
	 'Demonstration projects of column 3 completed and accepted so far.'),
	('col4_demo_launched', '专栏4科技服务业技术研发与应用示范已启动项目数',
	 'Column 4 S&T-services demonstration projects launched',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏4',
	 'Demonstration projects of column 4 launched so far: technology transfer, incubation platform, IP services, S&T '
	 'consulting platform, integrated inspection and standardisation, regional comprehensive S&T service platform, '
	 'typical-industry distributed S&T service platform (7 listed).'),
	('col4_demo_completed', '专栏4科技服务业技术研发与应用示范已完成项目数',
	 'Column 4 S&T-services demonstration projects completed',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '专栏4',
	 'Demonstration projects of column 4 completed and accepted so far.'),
-- 四(一) e-commerce
	('ecommerce_turnover', '电子商务交易额', 'E-commerce transaction volume',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '四(一)',
	 'Value of goods and services traded through e-commerce platforms by enterprises of the region in the quarter.'),
	('cross_border_ecommerce', '跨境电子商务交易额', 'Cross-border e-commerce transaction volume',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '四(一)',
	 'Value of cross-border e-commerce imports and exports of the region in the quarter.'),
	('online_retail_sales', '网上零售额', 'Online retail sales',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '四(一)',
	 'Retail sales of goods and services over the internet in the quarter (numerator of online_retail_share).'),
	('retail_sales_total', '社会消费品零售总额', 'Total retail sales of consumer goods',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '四(一)',
	 'Total retail sales of consumer goods in the quarter (denominator of online_retail_share).'),
-- 四(二) logistics
	('express_parcels', '快递业务量', 'Express parcel volume',
	 '10 thousand parcels', '万件', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '四(二)',
	 'Express parcels handled in the region in the quarter.'),
	('cold_chain_capacity', '冷库库容', 'Cold-storage capacity',
	 '10 thousand tonnes', '万吨', 'decimal', 'stock', 'annual', 'sum', 'increase', 'provincial', 0, null, '四(二)',
	 'Capacity of cold-chain storage in the region at year end (冷链储运系统).'),
	('logistics_cost_gdp_ratio', '社会物流总费用与国内生产总值的比率', 'Total social logistics cost as a share of GDP',
	 'percent', '%', 'percent', 'stock', 'annual', 'none', 'decrease', 'national_only', 0, 100, '四(二)',
	 'National logistics cost over GDP for the year: the efficiency the plan''s smart, green, efficient logistics aims at.'),
-- 四(三) finance
	('fintech_enterprises', '金融科技服务企业数', 'Financial technology service enterprises',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '四(三)',
	 'Enterprises providing financial IT services, third-party credit reporting or financial big-data analysis, at quarter end.'),
-- 五(一) digital life
	('digital_life_pilots', '数字生活社区（含农村）试点数', 'Digital-life community pilots (urban and rural)',
	 'count', '个', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '五(一)',
	 'Communities and rural areas running a digital-life service platform pilot at quarter end.'),
-- 五(二) health and elderly care
	('telemedicine_institutions', '开展远程医疗服务的医疗机构数', 'Medical institutions offering telemedicine',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '五(二)',
	 'Medical institutions providing remote consultation, imaging or diagnosis services at quarter end.'),
	('third_party_medical_centres', '第三方医学检验、影像和健康管理中心数', 'Third-party medical testing, imaging and health-management centres',
	 'count', '个', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '五(二)',
	 'Qualified third-party medical testing, medical imaging and health management centres at quarter end.'),
	('smart_elderly_care_institutions', '开展智慧健康养老服务的机构数', 'Institutions providing smart health and elderly-care services',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '五(二)',
	 'Elderly-care and nursing institutions using remote monitoring, intelligent devices or "health-care+" platforms at quarter end.'),
-- 五(三) digital education
	('online_course_enrolments', '在线课程学习人次', 'Online course enrolments',
	 '10 thousand enrolments', '万人次', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '五(三)',
	 'Enrolments in large-scale online courses offered by platforms of the region in the quarter.'),
-- 五(四) smart transport
	('connected_vehicle_users', '车联网服务用户数', 'Connected-vehicle service users',
	 '10 thousand users', '万户', 'decimal', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '五(四)',
	 'Users of connected-vehicle (车联网) information services registered in the region at quarter end.'),
-- 六 culture and technology
	('culture_tech_enterprises', '文化和科技融合企业数', 'Culture-technology fusion enterprises',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '六',
	 'High-tech enterprises in cultural fields (digital content, creative design, performing-arts equipment) at quarter end.'),
	('digital_publishing_revenue', '数字出版产业收入', 'Digital publishing revenue',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '六(三)',
	 'Operating revenue of digital publishing and professional content knowledge services in the quarter.'),
	('smart_museums', '智慧博物馆数', 'Smart museums',
	 'count', '个', 'integer', 'stock', 'annual', 'sum', 'increase', 'provincial', 0, null, '六(五)',
	 'Museums and heritage sites with intelligent display, protection and management systems at year end.'),
-- 七 S&T services
	('st_service_revenue', '科技服务业营业收入', 'S&T service industry revenue',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'annual', 'sum', 'increase', 'provincial', 0, null, '七',
	 'Operating revenue of S&T service enterprises (R&D, technology transfer, testing, incubation, IP, consulting, '
	 'S&T finance) in the year.'),
	('shared_instruments', '向社会开放共享的大型科研仪器数', 'Large research instruments open to the public',
	 'sets', '台（套）', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(一)',
	 'Large scientific instruments (over CNY 500 thousand) of labs and centres open to outside users at quarter end.'),
	('tech_contract_turnover', '技术合同成交额', 'Technology contract turnover',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(二)',
	 'Turnover of registered technology contracts (development, transfer, consulting, service) sold by the region in the quarter.'),
	('tech_contracts', '技术合同成交项数', 'Technology contracts concluded',
	 'count', '项', 'integer', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(二)',
	 'Number of registered technology contracts concluded in the quarter.'),
	('tech_transfer_institutions', '技术转移机构数', 'Technology transfer institutions',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(二)',
	 'Technology transfer centres, productivity promotion centres and technology exchanges operating at quarter end.'),
	('incubators', '科技企业孵化器数', 'Technology business incubators',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(三)',
	 'Technology business incubators (including university science parks) operating at quarter end.'),
	('makerspaces', '众创空间数', 'Maker spaces',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(三)',
	 'Maker spaces and other new-type start-up service organisations operating at quarter end.'),
	('incubated_enterprises', '在孵企业数', 'Enterprises in incubation',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(三)',
	 'Enterprises being incubated by incubators and maker spaces of the region at quarter end.'),
	('ip_service_institutions', '知识产权服务机构数', 'Intellectual property service institutions',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(四)',
	 'Patent, trademark and copyright agencies and other IP service institutions at quarter end.'),
	('st_consulting_institutions', '科技咨询服务机构数', 'S&T consulting institutions',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(五)',
	 'Institutions providing S&T consulting and knowledge services at quarter end.'),
	('venture_capital_invested', '创业投资金额', 'Venture capital invested',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(六)',
	 'Angel and venture capital invested in enterprises of the region in the quarter.'),
	('ip_pledge_financing', '知识产权质押融资额', 'Intellectual property pledge financing',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(六)',
	 'Loans granted against patent, trademark and copyright pledges in the quarter.'),
	('inspection_bodies', '检验检测认证机构数', 'Inspection, testing and certification bodies',
	 'count', '家', 'integer', 'stock', 'quarterly', 'sum', 'increase', 'provincial', 0, null, '七(七)',
	 'Accredited inspection, testing and certification bodies at quarter end.'),
-- 八 innovation system
	('enterprise_tech_centres', '现代服务业企业技术中心数（省级及以上）', 'Modern-service enterprise technology centres (provincial level and above)',
	 'count', '个', 'integer', 'stock', 'annual', 'sum', 'increase', 'provincial', 0, null, '八(三)',
	 'Enterprise technology centres of modern service enterprises recognised at provincial or national level, at year end.'),
	('service_think_tanks', '现代服务业新型智库数', 'New-type think tanks for modern services',
	 'count', '个', 'integer', 'stock', 'annual', 'none', 'increase', 'national_only', 0, null, '八(一)',
	 'Comprehensive research institutions supported as new-type think tanks for modern services, at year end.'),
-- 九 support system
	('service_st_investment', '现代服务业科技项目财政投入', 'Public funding of modern-service S&T projects',
	 'CNY 100 million', '亿元', 'decimal', 'flow', 'annual', 'sum', 'increase', 'provincial', 0, null, '九(一)',
	 'Government funding (all levels) of modern-service S&T projects in the region in the year.');

-- A rate recomputed from its parts when added up.
insert into mestat.indicator (code, name_zh, name_en, unit, unit_zh, value_type, measure, periodicity, aggregation,
                              direction, scope, min_value, max_value, numerator, denominator, clause, description) values
	('online_retail_share', '网上零售额占社会消费品零售总额比重', 'Online retail sales as a share of total retail sales',
	 'percent', '%', 'percent', 'stock', 'quarterly', 'none', 'increase', 'provincial', 0, 100,
	 'online_retail_sales', 'retail_sales_total', '四(一)',
	 'online_retail_sales / retail_sales_total × 100 for the quarter; national value recomputed from the parts.');

------------------------------------------------------------------------------
-- Targets: every number of the plan, effective from the plan's date.

insert into mestat.target (indicator, kind, baseline_year, baseline_value, target_year, target_value, target_upper,
                           effective_from, clause, note) values
	('national_centres_labs', 'range', 2015, 0, 2020, 10, 20, '2017-04-14', '二(三)',
	 '支持建设10-20个国家级现代服务业工程技术研究中心、国家重点实验室和企业技术中心: a range; counted from the plan''s start, so the baseline is 0.'),
	('regional_st_platforms', 'range', 2015, 0, 2020, 10, 15, '2017-04-14', '七(八)',
	 '建设10~15个区域综合科技服务平台: a range; built under the plan, baseline 0.'),
	('industry_st_platforms', 'point', 2015, 0, 2020, 5, null, '2017-04-14', '七(八)',
	 '建设5个典型行业分布式科技服务平台: a point target; built under the plan, baseline 0.'),
	('field_projects_deployed', 'direction', 2015, 238, 2020, null, null, '2017-04-14', '一',
	 '“十二五”期间共部署238个项目: the 12th Five-Year Plan baseline; the plan sets no number for the 13th, direction increase.'),
	('demo_cities', 'direction', 2015, 7, 2020, null, null, '2017-04-14', '一',
	 '批准建设北京、武汉、上海等7个示范城市: baseline; no number set for 2020.'),
	('industrialization_demo_bases', 'direction', 2015, 62, 2020, null, null, '2017-04-14', '一',
	 '62个现代服务业产业化示范基地: baseline; no number set for 2020.'),
	('culture_tech_demo_bases', 'direction', 2015, 34, 2020, null, null, '2017-04-14', '一',
	 '34个文化与科技融合示范基地: baseline; no number set for 2020.'),
	('st_contribution_service_va', 'direction', 2015, null, 2020, null, null, '2017-04-14', '二(三)',
	 '大幅提高科技在现代服务业增加值中的贡献度: greatly increase; baseline to be measured by the survey.'),
	('col1_demo_launched', 'at_least', 2015, 0, 2020, 5, null, '2017-04-14', '专栏1',
	 'Column 1 lists 5 demonstration projects (…等: at least these).'),
	('col1_demo_completed', 'at_least', 2015, 0, 2020, 5, null, '2017-04-14', '专栏1',
	 'The 5 listed projects of column 1, completed within the plan period (by the end of 2020).'),
	('col2_demo_launched', 'at_least', 2015, 0, 2020, 3, null, '2017-04-14', '专栏2',
	 'Column 2 lists 3 demonstration projects (…等: at least these).'),
	('col2_demo_completed', 'at_least', 2015, 0, 2020, 3, null, '2017-04-14', '专栏2',
	 'The 3 listed projects of column 2, completed within the plan period.'),
	('col3_demo_launched', 'at_least', 2015, 0, 2020, 10, null, '2017-04-14', '专栏3',
	 'Column 3 lists 10 demonstration projects (…等: at least these).'),
	('col3_demo_completed', 'at_least', 2015, 0, 2020, 10, null, '2017-04-14', '专栏3',
	 'The 10 listed projects of column 3, completed within the plan period.'),
	('col4_demo_launched', 'at_least', 2015, 0, 2020, 7, null, '2017-04-14', '专栏4',
	 'Column 4 lists 7 demonstration projects (…等: at least these).'),
	('col4_demo_completed', 'at_least', 2015, 0, 2020, 7, null, '2017-04-14', '专栏4',
	 'The 7 listed projects of column 4, completed within the plan period.');

-- Every other indicator: the plan asks for growth (or, for logistics cost,
-- efficiency) without a number, so its target is the indicator's direction.
insert into mestat.target (indicator, kind, baseline_year, baseline_value, target_year, effective_from, clause, note)
select i.code, 'direction', 2015, null, 2020, '2017-04-14', i.clause,
       'The plan sets no number: progress is judged by the direction (' || i.direction || '); baseline from the survey.'
  from mestat.indicator i
 where not exists (select 1 from mestat.target t where t.indicator = i.code)
 order by i.code;

------------------------------------------------------------------------------
-- Periods 2016-2030 (the system keeps running after the plan ends). A DO
-- block, not a SELECT: a migration file returns no rows to the runner.

do $$ begin perform mestat.add_periods(2016, 2030); end $$;
