// Overview: every plan target with its class, the latest value against the
// expected path and the target, completeness of the latest quarter, overdue
// reports and when progress was last recomputed (report.progress,
// report.completeness, report.overdue).
import { reportAll, count, csvURL } from './api.js';
import { el, bi, start, ready, fail, classBadge, rowClass, fmtTime, table, indicatorName, CLASSES, GRADED, TRENDS,
	assessment, assessmentRank, isMonitoring } from './ui.js';
import { targetText, valueWithPeriod, progressMeasure, planOrder, clauseSort, readingCell, basisCell } from './progress.js';

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
	const trends = Object.keys(TRENDS);
	const [counts, monitoring, trendCounts] = await Promise.all([
		Promise.all(classes.map((c) => count('progress', { class: c }))),
		count('progress', { basis: 'monitoring' }),
		Promise.all(trends.map((t) => count('progress', { basis: 'monitoring', trend: t }))),
	]);
	const tiles = document.getElementById('tiles');
	tiles.append(
		tile('目标数', 'Targets assessed', el('span', { 'data-value': progress.rows.length, text: String(progress.rows.length) }), 'tile-targets'),
		tile(`${asof || ''} 报送完整的地区`, `Complete reports, ${asof || 'latest quarter'}`,
			[el('span', { 'data-value': complete, text: String(complete) }), el('small', { text: ` / ${reporters}` })], 'tile-complete'),
		tile('逾期报表', 'Overdue reports', el('a', { href: 'reporting.html#overdue', 'data-value': overdue, text: String(overdue) }), 'tile-overdue'));
	classes.forEach((c, i) => {
		if (!counts[i] && !CLASSES[c]) return;
		const k = CLASSES[c] || { zh: c, en: '' };
		tiles.append(tile(k.zh, k.en, [classBadge(c, null, null, true), ' ', el('span', { 'data-value': counts[i], text: String(counts[i]) })], `tile-class-${c}`, `cls c-${CLASSES[c] ? c : 'unknown'}`));
	});
	// Monitoring indicators: no class, their trends in their own (neutral) vocabulary.
	tiles.append(tile('监测指标（不评类别）', 'Monitoring, no class', [
		el('span', { 'data-value': monitoring, text: String(monitoring) }),
		el('small', { class: 'trend-counts' }, ...trends.map((t, i) => el('span', { 'data-trend': t, 'data-value': trendCounts[i], title: `${TRENDS[t].zh} ${TRENDS[t].en}` },
			` ${TRENDS[t].sym}${trendCounts[i]}`))),
	], 'tile-monitoring', 'mon'));
	document.getElementById('legend').replaceChildren(...GRADED.map((c) => classBadge(c)),
		el('span', { class: 'legend-sep', text: '｜ 监测 monitoring:' }),
		...trends.map((t) => el('span', { class: 'trend-badge' }, el('span', { class: 'trend-sym', text: TRENDS[t].sym }), bi(TRENDS[t].zh, TRENDS[t].en))));
	document.getElementById('downloads').replaceChildren(el('a', { href: csvURL('progress'), download: 'progress.csv' }, '下载 CSV Download'));

	const hasBasis = rows.some((r) => r.basis);
	const cols = [
		{ id: 'class', zh: '类别 / 趋势', en: 'Class / trend', cell: assessment, sort: assessmentRank },
		{ key: 'clause', zh: '条款', en: 'Clause', cls: 'nowrap', sort: clauseSort },
		{ key: 'indicator', zh: '指标', en: 'Indicator', cell: (r) => el('a', { href: `indicator.html?code=${encodeURIComponent(r.indicator)}` }, indicatorName(r)) },
		hasBasis ? { key: 'basis', zh: '依据', en: 'Basis', cell: basisCell } : null,
		{ id: 'target', zh: '目标', en: 'Target', num: true, cell: targetText },
		{ key: 'baseline_value', zh: '基期值', en: 'Baseline', num: true },
		{ key: 'expected_value', zh: '预期值', en: 'Expected', num: true },
		{ key: 'actual_value', zh: '实际值', en: 'Latest', num: true, cell: (r) => valueWithPeriod(r, 'actual_value') },
		{ id: 'measure', zh: '进度', en: 'Progress', num: true, cell: progressMeasure },
		{ key: 'unit_zh', zh: '单位', en: 'Unit', cell: (r) => bi(r.unit_zh || '', r.unit || '') },
		{ key: 'reading', zh: '解读', en: 'Reading', cls: 'muted', cell: readingCell },
	].filter(Boolean);
	// A class tile shows only the targets of that class; a second click shows them all again.
	let only = null;
	const draw = () => {
		const shown = only === 'monitoring' ? rows.filter((r) => isMonitoring(r) && !r.class) : only ? rows.filter((r) => rowClass(r)[0] === only) : rows;
		document.getElementById('targets').className = '';
		document.getElementById('targets').replaceChildren(table(cols, shown, { id: 'progress-table', rowAttrs: (r) => ({ 'data-indicator': r.indicator }) }));
		tiles.querySelectorAll('.tile.cls, .tile.mon').forEach((t) => t.classList.toggle('selected', t.id === `tile-class-${only}` || (only === 'monitoring' && t.id === 'tile-monitoring')));
	};
	tiles.querySelectorAll('.tile.cls, .tile.mon').forEach((t) => {
		t.classList.add('clickable');
		t.title = '只看此类 show only these';
		t.addEventListener('click', () => {
			const c = t.id === 'tile-monitoring' ? 'monitoring' : t.id.replace('tile-class-', '');
			only = only === c ? null : c;
			draw();
		});
	});
	draw();
	ready();
}

main().catch(fail);
