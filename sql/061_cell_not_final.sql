-- 061: the cells whose current version is not final, indexed.
--
-- Each progress run lists the current values with a status other than A
-- (provisional, estimated, a break in series...: pr_stat in
-- mestat.progress_assess), for the notes and the breaks. A full run found
-- them by reading every cell: 0.55 s at county scale (5,700,000 cells), for
-- none in bench/progress and few in any database, most values being final.
-- A partial index holds only those cells. Its predicate names the status
-- alone: a revision that keeps the status (nearly all) still updates the
-- cell's row in place (heap-only), as an index naming the value would not.

set local role mestat_owner;

create index cell_not_final on mestat.cell (indicator, reporter, k) where status <> 'A';
comment on index mestat.cell_not_final is
	'The cells whose current version has a status other than A, for the progress runs'' notes and breaks (pr_stat).';
