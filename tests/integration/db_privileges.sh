#!/bin/bash
# db_privileges.sh: what each role may do, tried as a login of that role:
# t_daemon (in mestat_daemon, what mestatd runs as) and t_eval (in mestat_evaluator).
. "$TOP/tests/lib.sh"
. "$TOP/tests/integration/db_lib.sh"

db_fresh
db_logins "$DB"
d() { db_q t_daemon "$DB" "$1"; }
de() { db_err t_daemon "$DB" "$1"; }
e() { db_q t_eval "$DB" "$1"; }
ee() { db_err t_eval "$DB" "$1"; }
denied='permission denied'

# One accepted submission with one value, stored through the ingestion API.
db_submit "$DB" 110000 "" >"$T_TMP/seed.out" <<'ROWS'
line 2,110000,tech_contract_turnover,2018Q3,12.5,,
ROWS
expect_eq "the daemon stores a submission through the ingestion API" "counts|1|0|0|0" "$(cat "$T_TMP/seed.out")"

# ---- evaluator

expect_match "evaluator cannot SELECT mestat.observation" "$denied" "$(ee "select * from mestat.observation")"
expect_match "evaluator cannot SELECT mestat.submission (raw bodies)" "$denied" "$(ee "select body from mestat.submission")"
expect_match "evaluator cannot SELECT mestat.current_value" "$denied" "$(ee "select * from mestat.current_value")"
expect_eq "evaluator reads report.latest_values" "tech_contract_turnover|技术合同成交额|110000|北京市|2018Q3|12.5" \
	"$(e "select indicator, indicator_name_zh, reporter, reporter_name_zh, period, value from report.latest_values")"
expect_eq "evaluator reads report.submission_log" "110000|accepted|1" \
	"$(e "select reporter, outcome, counts->>'new' from report.submission_log")"
expect_match "evaluator cannot INSERT into mestat.submission" "$denied" \
	"$(ee "insert into mestat.submission (via, outcome) values ('push', 'rejected')")"
expect_eq "evaluator has no right but SELECT on the report views" "" \
	"$(db_q postgres "$DB" "select string_agg(c.oid::regclass || ':' || p, ', ') from pg_class c,
	      unnest(array['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
	      where c.relnamespace = 'report'::regnamespace and has_table_privilege('t_eval', c.oid, p)")"
expect_eq "evaluator has no right on any table of schema mestat" "" \
	"$(db_q postgres "$DB" "select string_agg(distinct c.oid::regclass::text, ', ') from pg_class c,
	      unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE']) p
	      where c.relnamespace = 'mestat'::regnamespace and c.relkind in ('r', 'v') and has_table_privilege('t_eval', c.oid, p)")"
expect_match "evaluator cannot create objects in schema report" "$denied" \
	"$(ee "create view report.mine as select 1")"
expect_match "evaluator cannot call the ingestion API" "$denied" "$(ee "select mestat.ingest_begin()")"
expect_match "evaluator cannot resolve tokens" "$denied" "$(ee "select * from mestat.token_reporter('x')")"

# ---- daemon: what it must be able to do

expect_eq "daemon reads the catalog (reporters, indicators, periods, targets, mappings)" "41|t|80|t|0" \
	"$(d "select (select count(*) from mestat.reporter), (select count(*) >= 30 from mestat.indicator),
	             (select count(*) from mestat.period), (select count(*) > 0 from mestat.current_target),
	             (select count(*) from mestat.code_mapping)")"
expect_match "daemon can INSERT a submission and read back its id" '^[0-9]+\|t$' \
	"$(d "insert into mestat.submission (reporter, via, format, sha256, outcome, http_status, error_detail)
	      values ('110000', 'push', 'json', repeat('a', 64), 'rejected', 422, '{\"error\":\"x\"}')
	      returning id, received_at is not null")"
expect_eq "daemon can set receipt and counts of a submission" "{}" \
	"$(d "update mestat.submission set counts = '{\"new\":0}', receipt = '{}'
	      where id = (select max(id) from mestat.submission where outcome = 'rejected') returning receipt")"
expect_match "a submission's signed receipt cannot be replaced" "already has a signed receipt" \
	"$(de "update mestat.submission set receipt = '{\"forged\":1}' where receipt is not null")"
expect_match "daemon cannot UPDATE a submission's body" "$denied" \
	"$(de "update mestat.submission set body = 'x'")"
expect_match "daemon cannot UPDATE a submission's reporter" "$denied" \
	"$(de "update mestat.submission set reporter = '120000'")"
expect_match "daemon cannot DELETE submissions" "$denied" "$(de "delete from mestat.submission")"
expect_eq "daemon can INSERT and UPDATE collector state" "1" \
	"$(d "insert into mestat.source_state (name, reporter, url) values ('bj', '110000', 'https://example.org/x.csv')
	      on conflict (name) do update set last_attempt = now(), consecutive_failures = source_state.consecutive_failures + 1
	      returning consecutive_failures + 1 - consecutive_failures")"
expect_eq "daemon can call set_due_days" "0" "$(d "select mestat.set_due_days(30)")"

# ---- daemon: what it must not be able to do

expect_match "daemon cannot UPDATE observation" "$denied" "$(de "update mestat.observation set value = 1")"
expect_match "daemon cannot DELETE observation" "$denied" "$(de "delete from mestat.observation")"
expect_match "daemon cannot TRUNCATE observation" "$denied" "$(de "truncate mestat.observation")"
expect_match "daemon cannot UPDATE target" "$denied" "$(de "update mestat.target set target_value = 1")"
expect_match "daemon cannot INSERT a target" "$denied" \
	"$(de "insert into mestat.target (indicator, kind, effective_from, clause) values ('incubators', 'direction', current_date, '七(三)')")"
expect_match "daemon cannot INSERT into indicator" "$denied" \
	"$(de "insert into mestat.indicator (code) values ('x_new')")"
expect_match "daemon cannot UPDATE reporter" "$denied" "$(de "update mestat.reporter set active = false")"
expect_match "daemon cannot close a period by UPDATE" "$denied" "$(de "update mestat.period set closed = true")"
expect_match "daemon cannot call close_period" "$denied" "$(de "select mestat.close_period('2016Q1', 'mestatd')")"
expect_match "daemon cannot write code_mapping" "$denied" \
	"$(de "insert into mestat.code_mapping (reporter, scheme, their_code, our_code) values ('110000', 'sdmx', 'a', 'incubators')")"
expect_match "daemon cannot call add_code_mapping" "$denied" \
	"$(de "select mestat.add_code_mapping('110000', 'sdmx', 'a', 'incubators')")"
expect_match "daemon cannot write class_threshold" "$denied" "$(de "update mestat.class_threshold set lower_bound = 0")"
expect_match "daemon cannot DELETE collector state" "$denied" "$(de "delete from mestat.source_state")"
expect_match "daemon cannot DROP a table" "must be owner" "$(de "drop table mestat.observation")"
expect_match "daemon cannot create objects in schema mestat" "$denied" "$(de "create table mestat.mine (x int)")"
expect_match "daemon cannot read token hashes" "$denied" "$(de "select token_sha256 from mestat.api_token")"
expect_match "daemon cannot read certificate pins" "$denied" "$(de "select * from mestat.certificate_pin")"
expect_match "daemon cannot create tokens" "$denied" "$(de "select mestat.create_token('110000')")"
expect_match "daemon cannot register certificates" "$denied" \
	"$(de "select mestat.register_certificate('110000', repeat('ab', 32))")"
expect_match "daemon cannot read the report views" "$denied" "$(de "select * from report.latest_values")"

# ---- history is kept even against the superuser (unless it becomes mestat_owner deliberately)

expect_match "a superuser's UPDATE of observation is refused by the trigger" "keeps history" \
	"$(db_err postgres "$DB" "update mestat.observation set value = 1")"
expect_match "a superuser's TRUNCATE of observation is refused by the trigger" "keeps history" \
	"$(db_err postgres "$DB" "truncate mestat.observation cascade")"
expect_eq "mestat_owner may correct an observation deliberately" "corrected" \
	"$(db_q postgres "$DB" "set role mestat_owner; update mestat.observation set comment = 'corrected' returning comment")"

db_drop
