-- 045: the terms of the validation rules kept in a table. Every submission
-- asks which rules name its indicators and reads their terms
-- (mestat.validation_check_staged, mestat.ingest_validate); until now each
-- of those reads expanded every rule's two JSON sides again
-- (jsonb_each_text through the view mestat.validation_rule_term), four
-- times per submission: more than half of the rule check's time for a
-- 5-row submission. The rules change a few times a year, in SQL, by the
-- plan office: the expansion is now done when they change, by a statement
-- trigger, and the view reads the table (its columns are unchanged).

set local role mestat_owner;

create table mestat.rule_term as select * from mestat.validation_rule_term;
alter table mestat.rule_term
	alter column rule set not null,
	alter column side set not null,
	alter column indicator set not null,
	alter column coefficient set not null,
	add primary key (rule, side, indicator);
create index rule_term_indicator on mestat.rule_term (indicator);
comment on table mestat.rule_term is
	'The terms of every validation rule, one row per rule, side and indicator: mestat.validation_rule''s left_side and '
	'right_side expanded, rebuilt by the trigger validation_rule_term_refresh whenever a rule changes. Read it through '
	'mestat.validation_rule_term.';
comment on column mestat.rule_term.rule is 'Rule name (mestat.validation_rule.name).';
comment on column mestat.rule_term.side is 'left or right.';
comment on column mestat.rule_term.indicator is 'Indicator code.';
comment on column mestat.rule_term.coefficient is 'Its coefficient in the sum.';
comment on index mestat.rule_term_indicator is 'Which rules name an indicator: the first question of every submission.';

-- Stub, replaced by its file in sql/functions/ in the same run.
create function mestat.validation_rule_term_refresh() returns trigger language plpgsql as $$ begin return null; end $$;
comment on function mestat.validation_rule_term_refresh() is
	'Statement trigger: rebuilds mestat.rule_term from mestat.validation_rule (definition: sql/functions/).';
revoke all on function mestat.validation_rule_term_refresh() from public;

create trigger validation_rule_term_refresh after insert or update or delete or truncate on mestat.validation_rule
	for each statement execute function mestat.validation_rule_term_refresh();
comment on trigger validation_rule_term_refresh on mestat.validation_rule is
	'A rule changed: its terms in mestat.rule_term are rebuilt in the same transaction.';
