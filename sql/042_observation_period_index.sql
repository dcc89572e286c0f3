-- 042: the versions of one (indicator, period) of every reporter as one range
-- of an index. An incremental progress run rewrites the national sums of the
-- (indicator, period) pairs a submission changed from those cells of every
-- reporter (mestat.progress_national_point, 041): with observation_cell alone
-- that was one index descent per reporter and pair, 285,000 for a county's
-- quarter of 100 indicators at 2,850 reporters (2.4 s of a 3.3 s run).

set local role mestat_owner;

create index observation_period_cell on mestat.observation (indicator, period, reporter, id desc);
comment on index mestat.observation_period_cell is
	'The cells of one (indicator, period) of every reporter, each one''s latest version first: the national sums an '
	'incremental progress run rewrites (mestat.progress_assess).';
