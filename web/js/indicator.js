// Indicator: the national series or one reporter's against the expected path
// and the target (a band for a range), revisions marked, each target version
// its own line from the date it took effect, and the clause of the plan
// (report.progress, progress_by_reporter, progress_history, latest_values).
import { report, reportAll, csvURL } from './api.js';
import { el, bi, start, ready, fail, qs, table, assessment, assessmentRank, rowClass, fmtNum, fmtTime, indicatorName } from './ui.js';
import { targetText, valueWithPeriod, progressMeasure, planOrder, clauseSort, noteCell, basisCell, sourceTag } from './progress.js';
import { COLORS, periodLabels, periodOfDate, series, path, target, lineChart, barChart, classColour } from './charts.js';

const NATIONAL = 'national';
const MINISTRY = '000000';
// The columns of progress_by_reporter the by-reporter table, the scope list
// and the bar chart show: a page of every column of the view (most of them
// long texts) is several times larger. The facts of one reporter read its
// whole row when it is chosen.
const BY_REPORTER = ['reporter', 'reporter_name_zh', 'reporter_name_en', 'period', 'class', 'class_zh',
	'class_en', 'basis', 'method', 'direction', 'target_kind', 'target_value', 'target_upper', 'baseline_value',
	'expected_value', 'actual_value', 'ratio', 'annual_growth', 'note', 'trend', 'trend_zh', 'trend_en', 'trend_growth',
	'trend_from_period'];

// versions(history): the target versions the national assessments used, oldest first.
function versions(hist) {
	const seen = new Map();
	for (const h of hist) {
		if (h.target_id !== null && h.target_id !== undefined && !seen.has(h.target_id)) seen.set(h.target_id, h);
	}
	return [...seen.values()].sort((a, b) => String(a.target_effective_from).localeCompare(String(b.target_effective_from)));
}

function facts(r, code) {
	const dl = document.getElementById('facts');
	const row = (zh, en, v) => [el('dt', {}, bi(zh, en)), el('dd', {}, v)];
	dl.replaceChildren(
		...row('指标代码', 'Code', el('span', { class: 'mono', text: code })),
		...row('规划条款', 'Plan clause', el('strong', { id: 'clause', text: r.clause || '—' })),
		...row('单位', 'Unit', bi(r.unit_zh || '', r.unit || '')),
		...row('计量', 'Measure', r.measure === 'flow' ? bi('流量', 'flow (a quarter\'s flow is assessed over the last 4 quarters)') : bi('存量', r.measure || '')),
		...row('方向', 'Better when', r.direction === 'decrease' ? bi('下降', 'decreasing') : bi('增长', 'increasing')),
		...(r.basis ? row('依据', 'Basis', basisCell(r)) : []),
		...row('方法', 'Method', r.method || '—'),
		...row('目标', 'Target', [targetText(r), ' ', el('span', { class: 'muted', text: r.target_kind || '' })]),
		...row('路径', 'Path', r.target_path || '—'),
		...row('生效', 'In force since', r.target_effective_from || '—'),
		...row('类别', 'Class', assessment(r)),
		...(sourceTag(r) ? row('全国数据来源', 'National figure', sourceTag(r)) : []),
		...(r.note || r.note_zh ? row('说明', 'Note', [r.note_zh || '', r.note_zh ? ' ' : '', el('span', { class: r.note_zh ? 'en' : null, text: r.note_en || r.note || '' })]) : []));
}

// chooser(): without ?code=, every indicator with a target in force, to pick one.
async function chooser() {
	const rows = (await reportAll('progress')).rows.slice().sort(planOrder);
	document.getElementById('title').replaceChildren('指标', el('span', { class: 'en', text: 'Indicators' }));
	document.getElementById('sub').replaceChildren(bi('选择一个指标查看其序列、目标与各地区进展。', 'Pick an indicator to see its series, its targets and every reporter\'s progress.'));
	document.querySelectorAll('main > .grid2, main > .toolbar, #values, #provinces, #bars-card').forEach((e) => e.remove());
	document.querySelector('main').append(table([
		{ id: 'class', zh: '类别', en: 'Class', cell: (r) => assessment, sort: assessmentRank },
		{ key: 'clause', zh: '条款', en: 'Clause', cls: 'nowrap', sort: clauseSort },
		{ key: 'indicator', zh: '指标', en: 'Indicator', cell: (r) => el('a', { href: `indicator.html?code=${encodeURIComponent(r.indicator)}` }, indicatorName(r)) },
		{ key: 'measure', zh: '计量', en: 'Measure' },
		{ key: 'unit_zh', zh: '单位', en: 'Unit', cell: (r) => bi(r.unit_zh || '', r.unit || '') },
	], rows, { id: 'indicators-table', rowAttrs: (r) => ({ 'data-indicator': r.indicator }) }));
	ready();
}

async function main() {
	const s = await start('indicator.html');
	const code = qs('code');
	if (!code) {
		await chooser();
		return;
	}
	// A province reads the national assessment but not its history: that is not asked for.
	const national = s.kind !== 'reporter';
	const [natl, provs, hist] = await Promise.all([
		report('progress', { indicator: code }).then((p) => p.rows[0]),
		reportAll('progress_by_reporter', { indicator: code, columns: BY_REPORTER }),
		national ? reportAll('progress_history', { indicator: code, reporter_kind: NATIONAL, order: 'snapshot' }).then((h) => h.rows) : [],
	]);
	// The page's heading: the national row, else one reporter's whole row (the table's rows carry only its columns).
	const any = natl || (provs.rows.length ? (await report('progress_by_reporter', { indicator: code, limit: 1 })).rows[0] : null) || hist[0];
	if (!any) throw new Error(`${code}: no progress row for this indicator`);
	document.title = `${any.indicator_name_zh || code} · mestat`;
	document.getElementById('title').replaceChildren(any.indicator_name_zh || code, el('span', { class: 'en', text: any.indicator_name_en || '' }));
	document.getElementById('sub').replaceChildren(bi('规划条款', 'Plan clause'), ' ', el('strong', { text: any.clause || '—' }), ' · ',
		bi('进展计算时间（北京时间）', 'Progress recomputed (Beijing time)'), ': ', fmtTime(any.taken_at));

	const scope = document.getElementById('scope');
	const reporters = provs.rows.slice().sort((a, b) => String(a.reporter).localeCompare(String(b.reporter)));
	if (natl || hist.length) scope.append(el('option', { value: NATIONAL, text: '全国 National' }));
	for (const r of reporters) scope.append(el('option', { value: r.reporter, text: `${r.reporter_name_zh} ${r.reporter_name_en || ''}` }));
	const want = qs('reporter') || (s.kind === 'reporter' ? s.reporter : null);
	scope.value = want && [...scope.options].some((o) => o.value === want) ? want : scope.options[0] ? scope.options[0].value : '';

	const vers = versions(hist);
	document.getElementById('versions').replaceChildren(table([
		{ key: 'target_id', zh: '版本', en: 'Version', num: true, cell: (r) => `#${r.target_id}` },
		{ key: 'target_effective_from', zh: '生效日期', en: 'Effective from' },
		{ id: 'target', zh: '目标值', en: 'Target', num: true, cell: targetText },
		{ key: 'target_path', zh: '路径', en: 'Path' },
	], vers, { id: 'versions-table' }));

	const provinceCols = [
		{ id: 'class', zh: '类别', en: 'Class', cell: (r) => assessment, sort: assessmentRank },
		{ key: 'reporter', zh: '地区', en: 'Reporter', cell: (r) => el('a', { href: `indicator.html?code=${encodeURIComponent(code)}&reporter=${encodeURIComponent(r.reporter)}` }, bi(r.reporter_name_zh || r.reporter, r.reporter_name_en)) },
		{ id: 'target', zh: '目标', en: 'Target', num: true, cell: targetText },
		{ key: 'baseline_value', zh: '基期值', en: 'Baseline', num: true },
		{ key: 'expected_value', zh: '预期值', en: 'Expected', num: true },
		{ key: 'actual_value', zh: '实际值', en: 'Latest', num: true, cell: (r) => valueWithPeriod(r, 'actual_value') },
		{ id: 'measure', zh: '进度', en: 'Progress', num: true, cell: progressMeasure },
		{ key: 'note', zh: '说明', en: 'Note', cls: 'muted', cell: noteCell },
	];
	document.getElementById('provinces').replaceChildren(table(provinceCols, reporters, { id: 'provinces-table', rowAttrs: (r) => ({ 'data-reporter': r.reporter }) }));
	if (reporters.length) {
		// Each reporter's latest value, coloured by its class, with its expected value where it has one.
		const labels = reporters.map((r) => r.reporter_name_zh || r.reporter);
		const expected = reporters.map((r) => (r.expected_value === null || r.expected_value === undefined ? null : Number(r.expected_value)));
		barChart(document.getElementById('bars'), labels,
			{ label: '最新值 latest value (颜色为类别 colour = class)', data: reporters.map((r) => (r.actual_value === null ? null : Number(r.actual_value))), colours: reporters.map((r) => classColour(rowClass(r)[0])) },
			expected.some((v) => v !== null) ? { label: '预期值 expected', data: expected } : null,
			`${any.unit_zh || ''} ${any.unit || ''}`);
	} else {
		document.getElementById('bars-card').remove();
	}
	document.getElementById('dl-provinces').append(el('a', { href: csvURL('progress_by_reporter', { indicator: code }), download: `progress-${code}.csv` }, '下载 CSV Download'));

	const draw = async () => {
		const sel = scope.value;
		const [row, vals] = await Promise.all([
			sel === NATIONAL ? natl || hist[hist.length - 1]
				: report('progress_by_reporter', { indicator: code, reporter: sel, limit: 1 }).then((p) => p.rows[0] || reporters.find((r) => r.reporter === sel)),
			reportAll('latest_values', { indicator: code, reporter: sel === NATIONAL ? MINISTRY : sel, order: 'period' }),
		]);
		const points = new Map();
		const revised = new Set();
		let shown = vals.rows;
		if (sel === NATIONAL && !vals.rows.length) {
			// No value of the ministry's own: the nation's value as each assessment saw it (the latest snapshot per period).
			const byPeriod = new Map();
			for (const h of hist) if (h.actual_value !== null && h.actual_value !== undefined) byPeriod.set(h.period, h);
			for (const [p, h] of byPeriod) points.set(p, h.actual_value);
			shown = [...byPeriod.values()].map((h) => ({ period: h.period, value: h.actual_value, revision_count: null, last_changed_at: h.taken_at,
				note: h.partial ? `${h.reporters_reported}/${h.reporters_expected} 个地区已报 reporters reported` : '' }));
		}
		for (const v of vals.rows) {
			points.set(v.period, v.value);
			if (Number(v.revision_count) > 1) revised.add(v.period);
		}
		const periods = [...points.keys()];
		const quarterly = periods.some((p) => /Q/.test(p)) || (row && /Q/.test(row.period || ''));
		const end = quarterly ? '2020Q4' : '2020';
		const last = periods.concat([end]).sort().pop();
		const labels = periodLabels(quarterly ? '2015Q4' : '2015', last);
		const name = sel === NATIONAL ? '全国 National' : row ? `${row.reporter_name_zh} ${row.reporter_name_en || ''}` : sel;
		const datasets = [series(labels, `${name} 实际值 actual`, points, { revised, color: sel === NATIONAL ? COLORS.national : COLORS.actual })];
		if (row && row.baseline_value !== null && row.baseline_value !== undefined && row.expected_value !== null && row.expected_value !== undefined) {
			const p = new Map([[labels[0], row.baseline_value], [row.period, row.expected_value]]);
			if (row.target_value !== null && row.target_value !== undefined && row.target_kind !== 'range') p.set(end, row.target_value);
			datasets.push(path(labels, `预期路径 expected path (${row.target_path || ''})`, p));
		}
		// A direction-only target has no number: nothing to draw for it.
		const lines = (sel === NATIONAL && vers.length ? vers : row ? [row] : []).filter((v) => v.target_value !== null && v.target_value !== undefined);
		lines.forEach((v, i) => {
			const from = v.target_effective_from ? periodOfDate(v.target_effective_from, quarterly) : labels[0];
			const label = `目标 target #${v.target_id ?? ''} ${v.target_effective_from ? `自 from ${v.target_effective_from}` : ''}`;
			datasets.push(...target(labels, label, from, v.target_value, v.target_kind === 'range' ? v.target_upper : null, lines.length > 1 ? COLORS.versions[i % COLORS.versions.length] : COLORS.target));
		});
		// A series of one value has no scale of its own: start the axis at zero.
		lineChart(document.getElementById('chart'), labels, datasets, row ? `${row.unit_zh || ''} ${row.unit || ''}` : '', { fromZero: points.size < 2 });
		document.getElementById('scope-class').replaceChildren(row ? assessment(row) : '');
		document.getElementById('chart-note').replaceChildren(revised.size ? bi('▲ 三角形为修订过的数值', '▲ triangles mark revised values') : '',
			sel === NATIONAL && !vals.rows.length ? bi(' 全国数值取自各次进展计算', ' National values as each progress run computed them') : '');
		if (row) facts(row, code);
		document.getElementById('values-title').replaceChildren(`${name} 数值 `, el('span', { class: 'en', text: 'Values' }));
		document.getElementById('values').replaceChildren(table([
			{ key: 'period', zh: '期别', en: 'Period' },
			{ key: 'value', zh: '数值', en: 'Value', num: true, cell: (r) => el('span', { class: 'v', 'data-raw': r.value, text: fmtNum(r.value) }) },
			{ key: 'revision_count', zh: '版本数', en: 'Versions', num: true, cell: (r) => (r.revision_count === null ? '' : Number(r.revision_count) > 1 ? el('span', { class: 'revised', title: '已修订 revised', text: `▲ ${r.revision_count}` }) : String(r.revision_count)) },
			{ key: 'last_changed_at', zh: '更新时间', en: 'Stored (Beijing)', cls: 'nowrap', cell: (r) => fmtTime(r.last_changed_at) },
			{ key: 'comment', zh: '备注', en: 'Comment', cls: 'wrap muted', cell: (r) => r.comment || r.note || '' },
		], shown.slice().sort((a, b) => String(b.period).localeCompare(String(a.period))), { id: 'values-table', rowAttrs: (r) => ({ 'data-period': r.period }) }));
		document.getElementById('dl-values').replaceChildren(el('a', { href: csvURL('latest_values', { indicator: code, reporter: sel === NATIONAL ? MINISTRY : sel }), download: `values-${code}.csv` }, '下载 CSV Download'));
		const u = new URLSearchParams({ code });
		if (sel !== NATIONAL) u.set('reporter', sel);
		history.replaceState(null, '', `indicator.html?${u}`);
	};
	scope.addEventListener('change', () => draw().catch(fail));
	await draw();
	ready();
}

main().catch(fail);
