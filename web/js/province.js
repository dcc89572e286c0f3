// Province: one reporter's targets (report.progress_by_reporter), where its
// quarters stand in the reporting cycle (report.reporting_cycle, a returned
// quarter's reason first), its
// completeness and timeliness by period (a heat strip), its recent
// submissions with outcome and receipt, and its pull sources' state.
import { report, reportAll, csvURL } from './api.js';
import { el, bi, start, ready, fail, qs, table, assessment, assessmentRank, fmtTime, indicatorName,
	heatClass, timeClass, pctShort, heatLegend, heatTitle } from './ui.js';
import { submissionColumns, sourceColumns, cycleColumns, CYCLE_COLUMNS, returnedNotes } from './columns.js';
import { targetText, valueWithPeriod, progressMeasure, planOrder, clauseSort, readingCell, basisCell } from './progress.js';

// strip(completeness, timeliness): years down, Q1–Q4 and the year across.
function strip(comp, time) {
	const t = new Map(time.map((r) => [r.period, r]));
	const years = [...new Set(comp.map((r) => String(r.period).slice(0, 4)))].sort();
	const byPeriod = new Map(comp.map((r) => [r.period, r]));
	const cols = ['Q1', 'Q2', 'Q3', 'Q4', ''];
	const head = el('tr', {}, el('th', { class: 'rep' }, bi('年份', 'Year')), ...cols.map((c) => el('th', {}, c || bi('年度', 'Annual'))));
	const body = years.map((y) => el('tr', {}, el('td', { class: 'rep', text: y }), ...cols.map((q) => {
		const c = byPeriod.get(y + q);
		if (!c) return el('td', { class: 'h h-na' });
		return el('td', { class: `h ${heatClass(c.completeness)} ${timeClass(t.get(c.period) && t.get(c.period).timeliness)}`, title: heatTitle(c, t.get(c.period)), 'data-period': c.period, 'data-completeness': c.completeness },
			pctShort(c.completeness));
	})));
	return [el('table', { class: 'heat', id: 'heat-strip' }, el('thead', {}, head), el('tbody', {}, body)), heatLegend()];
}

async function main() {
	const s = await start('province.html');
	const code = qs('reporter') || (s.kind === 'reporter' ? s.reporter : null);
	if (!code) throw new Error('province.html?reporter=CODE');
	const [prog, comp, time, subs, sources, cycle] = await Promise.all([
		reportAll('progress_by_reporter', { reporter: code }),
		reportAll('completeness', { reporter: code, order: 'period' }),
		reportAll('timeliness', { reporter: code, order: 'period' }),
		report('submission_log', { reporter: code, order: '-received_at', limit: 15 }),
		reportAll('collector_status', { reporter: code }),
		reportAll('reporting_cycle', { reporter: code, period_kind: 'quarter', order: '-period', columns: CYCLE_COLUMNS }),
	]);
	const any = prog.rows[0] || comp.rows[0] || subs.rows[0] || {};
	document.title = `${any.reporter_name_zh || code} · mestat`;
	document.getElementById('title').replaceChildren(any.reporter_name_zh || code, el('span', { class: 'en', text: `${any.reporter_name_en || ''} · ${code}` }));
	if (prog.rows[0]) {
		document.getElementById('sub').replaceChildren(bi('进展计算时间（北京时间）', 'Progress recomputed (Beijing time)'), ': ', el('strong', { text: fmtTime(prog.rows[0].taken_at) }),
			' · ', bi('最新数据季度', 'Latest quarter with data'), ': ', el('strong', { text: prog.rows[0].as_of_period || '—' }));
	}
	const rows = prog.rows.slice().sort(planOrder);
	const cols = [
		{ id: 'class', zh: '类别 / 趋势', en: 'Class / trend', cell: assessment, sort: assessmentRank },
		{ key: 'clause', zh: '条款', en: 'Clause', cls: 'nowrap', sort: clauseSort },
		{ key: 'indicator', zh: '指标', en: 'Indicator', cell: (r) => el('a', { href: `indicator.html?code=${encodeURIComponent(r.indicator)}&reporter=${encodeURIComponent(code)}` }, indicatorName(r)) },
		{ key: 'basis', zh: '依据', en: 'Basis', cell: basisCell },
		{ id: 'target', zh: '目标', en: 'Target', num: true, cell: targetText },
		{ key: 'baseline_value', zh: '基期值', en: 'Baseline', num: true },
		{ key: 'expected_value', zh: '预期值', en: 'Expected', num: true },
		{ key: 'actual_value', zh: '实际值', en: 'Latest', num: true, cell: (r) => valueWithPeriod(r, 'actual_value') },
		{ id: 'measure', zh: '进度', en: 'Progress', num: true, cell: progressMeasure },
		{ key: 'reading', zh: '解读', en: 'Reading', cls: 'muted', cell: readingCell },
	];
	const targets = document.getElementById('targets');
	targets.className = '';
	targets.replaceChildren(table(cols, rows, { id: 'progress-table', rowAttrs: (r) => ({ 'data-indicator': r.indicator }) }));
	document.getElementById('dl-progress').append(el('a', { href: csvURL('progress_by_reporter', { reporter: code }), download: `progress-${code}.csv` }, '下载 CSV Download'));
	document.getElementById('returned-notes').replaceChildren(...returnedNotes(cycle.rows));
	document.getElementById('cycle').replaceChildren(el('div', { class: 'scroll short' },
		table(cycleColumns(), cycle.rows, { id: 'cycle-table', rowAttrs: (r) => ({ 'data-period': r.period, 'data-state': r.state }) })));
	document.getElementById('strip').replaceChildren(...(comp.rows.length ? strip(comp.rows, time.rows) : [el('div', { class: 'empty' }, bi('没有数据', 'No rows'))]));
	document.getElementById('subs').replaceChildren(table(submissionColumns(), subs.rows, { id: 'submissions-table' }),
		el('p', {}, el('a', { href: `submissions.html?reporter=${encodeURIComponent(code)}` }, bi('全部报送', 'all submissions'))));
	document.getElementById('dl-subs').append(el('a', { href: csvURL('submission_log', { reporter: code }), download: `submissions-${code}.csv` }, '下载 CSV Download'));
	document.getElementById('sources').replaceChildren(sources.rows.length ? table(sourceColumns(), sources.rows, { id: 'sources-table' })
		: el('div', { class: 'empty' }, bi('该地区没有采集源（数据由其推送）', 'No pull source: this reporter pushes its data')));
	ready();
}

main().catch(fail);
