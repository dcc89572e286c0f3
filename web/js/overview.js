// Overview: every plan target with its class, the latest value against the
// expected path and the target, completeness of the latest quarter, overdue
// reports and when progress was last recomputed (report.progress,
// report.completeness, report.overdue).
import { reportAll, count, csvURL } from './api.js';
import { el, bi, start, ready, fail, classBadge, rowClass, classRank, fmtNum, fmtTime, table, indicatorName, CLASSES, GRADED } from './ui.js';
import { targetText, valueWithPeriod, progressMeasure, planOrder, clauseSort, noteCell, basisCell } from './progress.js';

function tile(zh, en, value, id, extra) {
	return el('div', { class: `tile ${extra || ''}`.trim(), id }, el('div', { class: 'label' }, bi(zh, en, true)), el('div', { class: 'value' }, value));
}

async function main() {
	const s = await start('index.html');
	if (s.kind === 'reporter' && s.reporter) {
		location.replace(`province.html?reporter=${encodeURIComponent(s.reporter)}`);
		return;
	}
	const progress = await reportAll('progress');
	const rows = progress.rows.slice().sort(planOrder);
	const first = rows[0] || {};
	const asof = first.as_of_period;
	document.getElementById('asof').replaceChildren(
		bi('最新数据季度', 'Latest quarter with data'), ': ', el('strong', { id: 'as-of-period', text: asof || '—' }), ' · ',
		bi('进展计算时间（北京时间）', 'Progress recomputed (Beijing time)'), ': ', el('strong', { id: 'taken-at', text: fmtTime(first.taken_at) }));

	const [reporters, complete, overdue] = await Promise.all([
		asof ? count('completeness', { period: asof }) : 0,
		asof ? count('completeness', { period: asof, missing: 0 }) : 0,
		count('overdue', {}),
	]);
	const classes = [...new Set([...GRADED.filter((c) => c !== 'not_achieved'), ...rows.map((r) => rowClass(r)[0]).filter(Boolean)])];
	const counts = await Promise.all(classes.map((c) => count('progress', { class: c })));
	const tiles = document.getElementById('tiles');
	tiles.append(
		tile('目标数', 'Targets assessed', el('span', { 'data-value': progress.total, text: String(progress.total) }), 'tile-targets'),
		tile(`${asof || ''} 报送完整的地区`, `Complete reports, ${asof || 'latest quarter'}`,
			[el('span', { 'data-value': complete, text: String(complete) }), el('small', { text: ` / ${reporters}` })], 'tile-complete'),
		tile('逾期报表', 'Overdue reports', el('a', { href: 'reporting.html#overdue', 'data-value': overdue, text: String(overdue) }), 'tile-overdue'));
	classes.forEach((c, i) => {
		if (!counts[i] && !CLASSES[c]) return;
		const k = CLASSES[c] || { zh: c, en: '' };
		tiles.append(tile(k.zh, k.en, [classBadge(c, null, null, true), ' ', el('span', { 'data-value': counts[i], text: String(counts[i]) })], `tile-class-${c}`, `cls c-${CLASSES[c] ? c : 'unknown'}`));
	});
	document.getElementById('legend').replaceChildren(...GRADED.map((c) => classBadge(c)));
	document.getElementById('downloads').replaceChildren(el('a', { href: csvURL('progress'), download: 'progress.csv' }, '下载 CSV Download'));

	const hasBasis = rows.some((r) => r.basis);
	const cols = [
		{ id: 'class', zh: '类别', en: 'Class', cell: (r) => classBadge(...rowClass(r)), sort: (r) => classRank(rowClass(r)[0]) },
		{ key: 'clause', zh: '条款', en: 'Clause', cls: 'nowrap', sort: clauseSort },
		{ key: 'indicator', zh: '指标', en: 'Indicator', cell: (r) => el('a', { href: `indicator.html?code=${encodeURIComponent(r.indicator)}` }, indicatorName(r)) },
		hasBasis ? { key: 'basis', zh: '依据', en: 'Basis', cell: basisCell } : null,
		{ id: 'target', zh: '目标', en: 'Target', num: true, cell: targetText },
		{ key: 'baseline_value', zh: '基期值', en: 'Baseline', num: true },
		{ key: 'expected_value', zh: '预期值', en: 'Expected', num: true },
		{ key: 'actual_value', zh: '实际值', en: 'Latest', num: true, cell: (r) => valueWithPeriod(r, 'actual_value') },
		{ id: 'measure', zh: '进度', en: 'Progress', num: true, cell: progressMeasure },
		{ key: 'unit_zh', zh: '单位', en: 'Unit', cell: (r) => bi(r.unit_zh || '', r.unit || '') },
		{ key: 'note', zh: '说明', en: 'Note', cls: 'muted', cell: noteCell },
	].filter(Boolean);
	// A class tile shows only the targets of that class; a second click shows them all again.
	let only = null;
	const draw = () => {
		const shown = only ? rows.filter((r) => rowClass(r)[0] === only) : rows;
		document.getElementById('targets').className = '';
		document.getElementById('targets').replaceChildren(table(cols, shown, { id: 'progress-table', rowAttrs: (r) => ({ 'data-indicator': r.indicator }) }));
		tiles.querySelectorAll('.tile.cls').forEach((t) => t.classList.toggle('selected', t.id === `tile-class-${only}`));
	};
	tiles.querySelectorAll('.tile.cls').forEach((t) => {
		t.classList.add('clickable');
		t.title = '只看此类 show only this class';
		t.addEventListener('click', () => {
			const c = t.id.replace('tile-class-', '');
			only = only === c ? null : c;
			draw();
		});
	});
	draw();
	ready();
}

main().catch(fail);
