-- 025_departments.sql: other departments as reporters, and which national
-- figure counts (clause 十(三): the survey system "充分利用并整合各有关部门…统计数据").
--
-- - Reporter kind department, with mestat's own code list (9xxxxx, below):
--   a department authenticates, pushes and is pulled exactly like a
--   province (tokens, certificates whose CN is its code, [source] sections).
-- - mestat.indicator.national_source: the reporter (a department, or the
--   ministry) whose figure is the national one; NULL keeps the rule of 002
--   (the provinces added up; the ministry's report for national-only
--   indicators). source_tolerance: how far that figure and the provinces'
--   sum may differ before the gap is followed up (026).
-- - A department writes only its own (national) rows of the indicators it
--   is the source of; the ministry, which otherwise reports national-only
--   indicators alone, may also report those it is the source of.

set local role mestat_owner;

------------------------------------------------------------------------------
-- Reporter kind department

alter table mestat.reporter drop constraint reporter_kind_check;
alter table mestat.reporter add constraint reporter_kind_check
	check (kind in ('province', 'autonomous_region', 'municipality', 'separate_plan_city', 'corps', 'ministry',
	                'department'));
alter table mestat.reporter add constraint reporter_department_code
	check ((kind = 'department') = (code ~ '^9'));
comment on table mestat.reporter is
	'Reporting units the plan was sent to: 31 provinces, autonomous regions and municipalities, the 5 cities with separate '
	'planning status (计划单列市), the Xinjiang Production and Construction Corps, and the ministry itself for national-only '
	'indicators; and the departments whose national figures the plan''s survey integrates (kind department, clause 十(三)). '
	'Codes are GB/T 2260 administrative division codes; the Corps, the ministry and the departments have none (see '
	'their rows and the code column).';
comment on column mestat.reporter.code is
	'Six-digit code: GB/T 2260 for provinces (110000 Beijing … 650000 Xinjiang) and cities (e.g. 440300 Shenzhen); '
	'660000 for the Xinjiang Production and Construction Corps (not in GB/T 2260; 66 is the province-level prefix '
	'commonly used for the Corps in national statistical and education systems); 000000 for the ministry; 9xxxxx for a '
	'department, mestat''s own list (GB/T 2260 never starts with 9): 91xxxx ministries and commissions of the State '
	'Council (国务院组成部门), 92xxxx agencies directly under the State Council (国务院直属机构), 93xxxx national '
	'administrations under a ministry (部委管理的国家局); the last digits number them in the order they were added '
	'(docs/method.md, "National source").';
comment on column mestat.reporter.kind is
	'province, autonomous_region, municipality (the 31 province-level units), separate_plan_city, corps, ministry, or '
	'department (a source of national figures: see mestat.indicator.national_source).';

-- The departments that publish a national figure of one of the catalog's
-- provincial indicators. Each is the national source of the indicators named
-- below; none is invented for an indicator no department publishes.
insert into mestat.reporter (code, name_zh, name_en, kind, parent) values
	('920001', '国家统计局', 'National Bureau of Statistics', 'department', null),
	('920002', '海关总署', 'General Administration of Customs', 'department', null),
	('930001', '国家邮政局', 'State Post Bureau', 'department', null);

------------------------------------------------------------------------------
-- Which national figure counts

alter table mestat.indicator
	add column national_source text references mestat.reporter (code),
	add column source_tolerance numeric not null default 0.05 check (source_tolerance >= 0 and source_tolerance < 1);
comment on column mestat.indicator.national_source is
	'Which national figure counts (rule national_source): NULL = the province-level reporters added up (sum, mean, or '
	'a rate from its parts) for a provincial indicator, the ministry''s report for a national-only one; a reporter code '
	'(a department, or the ministry 000000) = that reporter''s own figure is the national one. Progress uses the '
	'source''s series once it has sent any value of the indicator, else the provinces'' sum, and says which in '
	'its note; report.source_consistency compares the two.';
comment on column mestat.indicator.source_tolerance is
	'How far the national source''s figure may be from the provinces'' sum, as a fraction of that sum (0.05: within '
	'±5 %), before report.source_consistency calls it outside tolerance and a follow-up item is opened.';

create function mestat.indicator_source_check() returns trigger
language plpgsql
set search_path = mestat, pg_temp
as $$
declare
	k text;
begin
	if new.national_source is null then
		return new;
	end if;
	select r.kind into k from mestat.reporter r where r.code = new.national_source;
	if k is distinct from 'department' and k is distinct from 'ministry' then
		raise exception 'indicator %: national_source % is a % reporter; name a department or the ministry',
			new.code, new.national_source, coalesce(k, 'unknown') using errcode = '23514';
	end if;
	if new.scope <> 'provincial' or new.numerator is not null or new.aggregation not in ('sum', 'mean') then
		raise exception 'indicator %: only a provincial indicator added up by sum or mean can have a national source '
			'other than the provinces (rates are recomputed from their parts)', new.code using errcode = '23514';
	end if;
	return new;
end
$$;
comment on function mestat.indicator_source_check() is
	'Trigger on mestat.indicator: a national_source names a department or the ministry, and only for a provincial '
	'indicator added up by sum or mean (national-only indicators are the ministry''s; rates come from their parts).';
create trigger indicator_source_check before insert or update of national_source, scope, numerator, aggregation
	on mestat.indicator for each row execute function mestat.indicator_source_check();

-- Who publishes what (and how close to the provinces' sum it is expected to
-- be: tight where both come from one register, looser where the national
-- accounts and the provinces' own estimates are known to differ).
update mestat.indicator set national_source = '920001', source_tolerance = 0.05
 where code in ('modern_service_value_added', 'retail_sales_total', 'online_retail_sales');
update mestat.indicator set national_source = '920002', source_tolerance = 0.10 where code = 'cross_border_ecommerce';
update mestat.indicator set national_source = '930001', source_tolerance = 0.02 where code = 'express_parcels';
update mestat.indicator set national_source = '000000', source_tolerance = 0.02
 where code in ('tech_contract_turnover', 'tech_contracts');

------------------------------------------------------------------------------
-- Ingestion: a department writes only its national figures

alter function mestat.ingest_validate_rows(text, text) rename to ingest_validate_catalog_rows;
comment on function mestat.ingest_validate_catalog_rows(text, text) is
	'The row rules of 005_ingest.sql (tidying, code mapping, reporter, indicator, period, value and duplicate checks); '
	'called by mestat.ingest_validate_rows(), which adds the rules of national sources.';

create function mestat.ingest_validate_rows(p_reporter text, p_scheme text default null)
returns table (seq integer, loc text, field text, status integer, reason text)
language plpgsql
set search_path = mestat, pg_temp
set jit = off
as $$
#variable_conflict use_column
declare
	me mestat.reporter;
begin
	select * into me from mestat.reporter r where r.code = p_reporter;
	-- The ministry's refusal of provincial indicators does not hold for those
	-- it is the national source of.
	return query
	select x.seq, x.loc, x.field, x.status, x.reason
	  from mestat.ingest_validate_catalog_rows(p_reporter, p_scheme) x
	 where not (coalesce(me.kind = 'ministry', false) and x.field = 'indicator' and x.status = 403
	            and exists (select 1 from pg_temp.ingest_row r join mestat.indicator i on i.code = r.indicator
	                         where r.seq = x.seq and i.scope = 'provincial' and i.national_source = me.code));
	-- The rows are tidied and mapped by now.
	if me.kind = 'department' then
		return query
		select r.seq, r.loc, 'indicator'::text, 403,
		       case when exists (select 1 from mestat.indicator s where s.national_source = me.code) then
		            format('%s (%s) is the national source of %s only; indicator "%s" is not one of them: leave it out of '
		                   'your submission', me.name_en, me.name_zh,
		                   (select string_agg(s.code, ', ' order by s.code) from mestat.indicator s
		                     where s.national_source = me.code), i.code)
		       else format('%s (%s) is the national source of no indicator yet; ask the plan office', me.name_en,
		                   me.name_zh) end
		  from pg_temp.ingest_row r
		  join mestat.indicator i on i.code = r.indicator
		 where i.national_source is distinct from me.code and i.scope = 'provincial';
	end if;
end
$$;
comment on function mestat.ingest_validate_rows(text, text) is
	'The row rules of mestat.ingest_validate(): mestat.ingest_validate_catalog_rows() (005''s rules), except that the '
	'ministry may report the provincial indicators it is the national source of; and a department may report only the '
	'indicators it is the national source of (403 otherwise; its rows for another reporter are refused by the rules of '
	'005 like anyone''s).';
revoke all on function mestat.ingest_validate_rows(text, text) from public;
revoke all on function mestat.ingest_validate_catalog_rows(text, text) from public;
grant execute on function mestat.ingest_validate_rows(text, text) to mestat_daemon;
