-- 069: room on a submission's page for its receipt, and on a source's state
-- row's page for its next state.
--
-- A submission's row is inserted when it is opened (about 400 bytes for a
-- five-row pull) and rewritten once its values are stored, with its counts
-- and signed receipt (about 1,200 bytes). The table was filled to the brim,
-- so the new version went to another page and every index of the table
-- (five of them for an accepted submission) took an entry for it: in a
-- bench/pull 3000 round, 58 of 3,000 such updates were HOT (written beside
-- the old version, no index touched). With a fifth of each page filled by
-- inserts, three opened submissions share a page and their receipts fit
-- beside them: all 3,000 were HOT, and the old versions are pruned when the
-- page is next read. The table takes more room for it: 1,065 pages for 3,000
-- submissions against 604 (where the dead versions took much of the space),
-- about 2.9 kB a submission against 1.6 kB, while each of its five indexes
-- takes one entry a submission instead of two.
--
-- A pulled source's state row (about 300 bytes, one index) is rewritten at
-- its claim and at its outcome: 3,606 of 18,000 such updates were HOT in
-- two rounds, 12,916 with half of each page left free; with 70 % left, a
-- claim of every row of a full page fits beside them (db_schema).
--
-- Pages already written keep their fill; new rows get the room.
set local role mestat_owner;

alter table mestat.submission set (fillfactor = 20);
alter table mestat.source_state set (fillfactor = 30);
