-- report.release_items: the current definition of this view.
-- First created in 019_release.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

create or replace view report.release_items as
select r.period, r.revision, x.section, x.item->>'indicator' as indicator, x.item->>'reporter' as reporter,
       coalesce(x.item->>'class', x.item->>'to') as class, x.item
  from mestat.release r
  cross join lateral (
	select 'progress' as section, e as item from jsonb_array_elements(r.body::jsonb->'progress') as e
	union all select 'progress_by_reporter', e from jsonb_array_elements(r.body::jsonb->'progress_by_reporter') as e
	union all select 'class_change', e from jsonb_array_elements(r.body::jsonb->'changes'->'classes') as e
	union all select 'target_revision', e from jsonb_array_elements(r.body::jsonb->'target_revisions') as e
	union all select 'what_it_takes', e from jsonb_array_elements(r.body::jsonb->'what_it_takes') as e
	union all select 'overdue', e from jsonb_array_elements(r.body::jsonb->'overdue') as e) as x;

comment on view report.release_items is
	'The rows of each release, one per item: section progress (national), progress_by_reporter, class_change, '
	'target_revision, what_it_takes, overdue; item is the row as published.';
comment on column report.release_items.period is 'The quarter of the release.';
comment on column report.release_items.revision is 'The revision of the release.';
comment on column report.release_items.section is 'progress, progress_by_reporter, class_change, target_revision, what_it_takes or overdue.';
comment on column report.release_items.indicator is 'Indicator code of the item, if any.';
comment on column report.release_items.reporter is 'Reporter code of the item, if any (NULL for national rows).';
comment on column report.release_items.class is 'The class the item states (for a class change: the new class).';
comment on column report.release_items.item is 'The item as published (JSON).';
