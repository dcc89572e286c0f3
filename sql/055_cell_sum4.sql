-- 055: each quarter's 4-quarter sum kept in mestat.cell (sum4).
--
-- A quarterly flow is assessed on its 4-quarter sums. A full progress run
-- computed every series' sums again, with window functions over all the
-- current cells in the order of their key: at county scale (5,700,000
-- cells) that read took 9.7-12.3 s, against 2.6-2.7 s for the same read
-- without the window (psql, on one kept database). A cell's sum changes
-- only when one of its four quarters is written, so the statement triggers
-- that keep mestat.cell (047) now keep it too: after each write they
-- compute again the sums of the series it wrote and store those that
-- changed (mestat.cell_keep, sql/functions/).
--
-- The series of one reporter are written one transaction at a time: the
-- triggers take the reporter's advisory lock, as mestat.ingest_apply()
-- already does before it stores anything, so a sum never misses a quarter
-- another transaction wrote and had not committed.
--
-- Measured on a kept county database, full runs alternating with the
-- definition that computed the sums, four pairs: 26.6-33.8 s (30.4 s on
-- average, lower in each pair) against 34.3-36.8 s (35.5 s).

set local role mestat_owner;

alter table mestat.cell add column sum4 numeric;
comment on column mestat.cell.sum4 is
	'For a quarter: its value plus those of the three quarters before it, when all four cells have a value (not '
	'deleted, not reported missing); NULL otherwise, and for a year. Kept by the triggers that keep the table.';

-- The cells stored so far. The triggers keep the same sums from now on.
update mestat.cell c
   set sum4 = s.sum4
  from (select x.reporter, x.indicator, x.period,
               case when lag(x.k, 3) over w = x.k - 3 and count(x.value) over w = 4 then sum(x.value) over w end as sum4
          from mestat.cell x
         where length(x.period) = 6
        window w as (partition by x.reporter, x.indicator order by x.period rows between 3 preceding and current row))
       as s
 where c.reporter = s.reporter and c.indicator = s.indicator and c.period = s.period
   and s.sum4 is not null;
