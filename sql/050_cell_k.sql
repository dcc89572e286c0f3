-- 050: each cell carries its period's quarter index k (mestat.period_k),
-- stored when the cell is first written, as mestat.period does (046).
--
-- A full progress run reads every current cell in the order of its key and
-- computes each series' 4-quarter sums with window functions over k. With k
-- computed from the period's code in the query, PostgreSQL inlined the
-- function into each window argument and comparison that names k, and
-- evaluated it there again, about four times a cell: at county scale
-- (5,700,000 cells) the read of the sums took 10.7-13.5 s with the code's k
-- against 8.2-8.9 s with the stored column (psql, the two alternating). A
-- period's code never changes, so neither does the column: a revision of a
-- cell still updates its row in place (no index covers k).

set local role mestat_owner;

alter table mestat.cell add column k integer generated always as (mestat.period_k(period)) stored;
comment on column mestat.cell.k is
	'Quarter index of the period (mestat.period_k): 2016Q1 = 1, a year is its Q4 (2016 = 4); the progress runs read '
	'each series by it.';
