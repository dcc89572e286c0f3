// Reporting: completeness × timeliness of every reporter by quarter (a heat
// map from report.completeness and report.timeliness), the overdue reports
// with days late (report.overdue), the quarters awaiting the plan office's
// acceptance or returned by it (report.reporting_cycle) and the pull
// collectors (report.collector_status).
import { report, reportAll, reportAllByReporter, count, csvURL } from './api.js';
import { el, bi, start, ready, fail, table, fmtNum, fmtTime, heatClass, timeClass, pctShort, heatLegend, heatTitle } from './ui.js';
import { sourceColumns, cycleColumns, CYCLE_COLUMNS } from './columns.js';

// Only the columns the heat map and its cell titles show: at county scale the
// map reads every reporter × 12 quarters of both views, reporter by reporter.
// The CSV downloads keep every column.
const HEAT_COMPLETENESS = ['reporter', 'reporter_name_zh', 'reporter_name_en', 'period', 'due_date', 'expected',
	'received', 'completeness', 'computed_at'];
const HEAT_TIMELINESS = ['reporter', 'period', 'expected', 'on_time', 'late', 'timeliness'];

function heatmap(comp, time, from, to) {
	const t = new Map(time.map((r) => [`${r.reporter}|${r.period}`, r]));
	const inRange = (p) => String(p).slice(0, 4) >= from && String(p).slice(0, 4) <= to;
	const periods = [...new Set(comp.map((r) => r.period).filter(inRange))].sort();
	const reporters = new Map();
	for (const r of comp) if (!reporters.has(r.reporter)) reporters.set(r.reporter, r);
	const cells = new Map(comp.map((r) => [`${r.reporter}|${r.period}`, r]));
	const head = el('tr', {}, el('th', { class: 'rep' }, bi('地区', 'Reporter')), ...periods.map((p) => el('th', { text: p })));
	const body = [...reporters.values()].sort((a, b) => String(a.reporter).localeCompare(String(b.reporter))).map((rep) =>
		el('tr', { 'data-reporter': rep.reporter },
			el('td', { class: 'rep' }, el('a', { href: `province.html?reporter=${encodeURIComponent(rep.reporter)}` }, bi(rep.reporter_name_zh || rep.reporter, rep.reporter_name_en))),
			...periods.map((p) => {
				const c = cells.get(`${rep.reporter}|${p}`);
				if (!c) return el('td', { class: 'h h-na' });
				const tt = t.get(`${rep.reporter}|${p}`);
				return el('td', { class: `h ${heatClass(c.completeness)} ${timeClass(tt && tt.timeliness)}`, title: heatTitle(c, tt), 'data-period': p, 'data-completeness': c.completeness }, pctShort(c.completeness));
			})));
	return el('table', { class: 'heat', id: 'heatmap' }, el('thead', {}, head), el('tbody', {}, body));
}

async function main() {
	await start('reporting.html');
	// The years to choose from, and the last one anything was received for (default: the three years up to it).
	// Overdue reports, most overdue first: due_date ascending is the same order
	// as days_overdue descending, and one the view can read without sorting all.
	const [firstRow, lastRow, lastReceived, overdue, overdueCount, sources, cycle] = await Promise.all([
		report('completeness', { period_kind: 'quarter', order: 'period', limit: 1 }),
		report('completeness', { period_kind: 'quarter', order: '-period', limit: 1 }),
		report('completeness', { period_kind: 'quarter', 'received.gte': 1, order: '-period', limit: 1 }),
		report('overdue', { order: 'due_date,reporter', limit: 200 }),
		count('overdue', {}),
		reportAll('collector_status', { order: 'source' }),
		report('reporting_cycle', { period_kind: 'quarter', state: 'complete,returned', order: '-period,reporter', columns: CYCLE_COLUMNS, limit: 200 }),
	]);
	const year = (page) => (page.rows[0] ? String(page.rows[0].period).slice(0, 4) : null);
	const years = [];
	for (let y = Number(year(firstRow)); year(lastRow) && y <= Number(year(lastRow)); y += 1) years.push(String(y));
	const lastYear = year(lastReceived) || years[years.length - 1];
	const from = document.getElementById('from');
	const to = document.getElementById('to');
	for (const y of years) {
		from.append(el('option', { value: y, text: y }));
		to.append(el('option', { value: y, text: y }));
	}
	to.value = years.includes(lastYear) ? lastYear : years[years.length - 1] || '';
	from.value = years.includes(String(Number(to.value) - 2)) ? String(Number(to.value) - 2) : years[0] || '';
	const box = document.getElementById('heat');
	const draw = async () => {
		const range = { period_kind: 'quarter', 'period.gte': `${from.value}Q1`, 'period.lte': `${to.value}Q4` };
		const [comp, time] = await Promise.all([
			reportAllByReporter('completeness', { ...range, columns: HEAT_COMPLETENESS, order: 'period' }),
			reportAllByReporter('timeliness', { ...range, columns: HEAT_TIMELINESS, order: 'period' })]);
		box.className = 'scroll';
		box.replaceChildren(comp.rows.length ? heatmap(comp.rows, time.rows, from.value, to.value) : el('div', { class: 'empty' }, bi('没有数据', 'No rows')));
		document.getElementById('dl-comp').href = csvURL('completeness', range);
		document.getElementById('dl-time').href = csvURL('timeliness', range);
		const c0 = comp.rows[0];
		if (c0) document.getElementById('sub').replaceChildren(bi('统计时间（北京时间）', 'As of the last progress run (Beijing time)'), ': ', el('strong', { text: fmtTime(c0.computed_at) }));
	};
	from.addEventListener('change', () => draw().catch(fail));
	to.addEventListener('change', () => draw().catch(fail));
	if (years.length) await draw();
	else box.replaceChildren(el('div', { class: 'empty' }, bi('没有数据', 'No rows')));
	document.getElementById('legend').replaceChildren(heatLegend());
	document.getElementById('dl-overdue').href = csvURL('overdue', { order: '-days_overdue,reporter' });

	document.getElementById('overdue-total').replaceChildren(el('span', { id: 'overdue-count', 'data-value': overdueCount, text: String(overdueCount) }), ` 份 reports${overdue.has_more ? `，显示前 ${overdue.rows.length} showing the first ${overdue.rows.length}` : ''}`);
	document.getElementById('overdue-list').replaceChildren(table([
		{ key: 'reporter', zh: '地区', en: 'Reporter', cell: (r) => el('a', { href: `province.html?reporter=${encodeURIComponent(r.reporter)}` }, bi(r.reporter_name_zh || r.reporter, r.reporter_name_en)) },
		{ key: 'period', zh: '期别', en: 'Period' },
		{ key: 'due_date', zh: '截止日期', en: 'Due', cls: 'nowrap' },
		{ key: 'days_overdue', zh: '逾期天数', en: 'Days late', num: true },
		{ key: 'missing', zh: '缺报项', en: 'Missing', num: true, cell: (r) => `${fmtNum(r.missing)} / ${fmtNum(r.expected)}` },
		{ key: 'missing_indicators', zh: '缺报指标', en: 'Missing indicators', cls: 'wrap mono', cell: (r) => (r.missing_indicators ? [].concat(r.missing_indicators).join(', ') : bi('全部', 'all')) },
	], overdue.rows, { id: 'overdue-table', rowAttrs: (r) => ({ 'data-reporter': r.reporter, 'data-period': r.period }) }));
	document.getElementById('cycle').replaceChildren(table(cycleColumns(true), cycle.rows,
		{ id: 'cycle-table', rowAttrs: (r) => ({ 'data-reporter': r.reporter, 'data-period': r.period, 'data-state': r.state }) }));
	document.getElementById('sources').replaceChildren(sources.rows.length ? table(sourceColumns(), sources.rows, { id: 'sources-table' })
		: el('div', { class: 'empty' }, bi('没有采集源', 'No pull sources')));
	ready();
}

main().catch(fail);
