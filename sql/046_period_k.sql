-- 046: every period carries its quarter index k (mestat.period_k: 2016Q1 =
-- 1, a year its Q4), stored when the period is created. The outlier scoring
-- of a submission and the progress runs computed k from the year and the
-- quarter themselves, copies of one formula; they now read the column
-- (the scoring, which runs as mestatd's role, joins mestat.period already),
-- or call the function where they have only the code (inlined).

set local role mestat_owner;

alter table mestat.period add column k integer generated always as (mestat.period_k(code)) stored;
comment on column mestat.period.k is
	'Quarter index of the period (mestat.period_k): 2016Q1 = 1, a year is its Q4 (2016 = 4); growth, trends and the '
	'outlier scoring count quarters with it.';
