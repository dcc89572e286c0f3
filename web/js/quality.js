// Data quality: the league table of report.data_quality for one year, in the
// view's own order (rank_in_year); every figure is the view's.
import { report, reportAll, csvURL } from './api.js';
import { el, bi, start, ready, fail, table, fmtNum, fmtPct, fmtTime } from './ui.js';

const columns = [
	{ key: 'rank_in_year', zh: '名次', en: 'Rank', num: true },
	{ key: 'reporter', zh: '地区', en: 'Reporter', sort: (r) => r.reporter, cell: (r) => el('a', { href: `province.html?reporter=${encodeURIComponent(r.reporter)}` }, bi(r.reporter_name_zh || r.reporter, r.reporter_name_en)) },
	{ key: 'score', zh: '得分', en: 'Score', num: true },
	{ key: 'completeness', zh: '完整性', en: 'Completeness', num: true, cell: (r) => fmtPct(r.completeness) },
	{ key: 'timeliness', zh: '及时性', en: 'Timeliness', num: true, cell: (r) => fmtPct(r.timeliness) },
	{ key: 'received', zh: '已报 / 应报', en: 'Received / expected', num: true, cell: (r) => `${fmtNum(r.received)} / ${fmtNum(r.expected)}` },
	{ key: 'cells', zh: '有值单元', en: 'Cells with a value', num: true },
	{ key: 'revised', zh: '修订单元', en: 'Revised', num: true },
	{ key: 'mean_abs_revision', zh: '平均修订幅度', en: 'Mean abs. revision', num: true, cell: (r) => fmtPct(r.mean_abs_revision) },
	{ key: 'outliers_flagged', zh: '异常值', en: 'Outliers', num: true },
	{ key: 'outliers_confirmed', zh: '已确认', en: 'Confirmed', num: true },
	{ key: 'corrections_requested', zh: '要求更正', en: 'Corrections asked', num: true },
	{ key: 'rule_violations', zh: '规则违例', en: 'Rule violations', num: true },
];

async function main() {
	await start('quality.html');
	const [first, last, lastReceived] = await Promise.all([
		report('data_quality', { order: 'year', limit: 1 }),
		report('data_quality', { order: '-year', limit: 1 }),
		report('data_quality', { 'received.gte': 1, order: '-year', limit: 1 }),
	]);
	const yearOf = (page) => (page.rows[0] ? Number(page.rows[0].year) : null);
	const year = document.getElementById('year');
	for (let y = yearOf(first); y !== null && y <= yearOf(last); y += 1) year.append(el('option', { value: String(y), text: String(y) }));
	if (yearOf(lastReceived) !== null) year.value = String(yearOf(lastReceived));
	else if (yearOf(last) !== null) year.value = String(yearOf(last));
	const box = document.getElementById('league');
	const draw = async () => {
		const params = { year: year.value, order: 'rank_in_year,reporter' };
		const page = await reportAll('data_quality', params);
		box.className = 'scroll';
		box.replaceChildren(table(columns, page.rows, { id: 'quality-table', rowAttrs: (r) => ({ 'data-reporter': r.reporter, 'data-score': r.score, 'data-rank': r.rank_in_year }) }));
		document.getElementById('shown').replaceChildren(bi(`${page.rows.length} 个地区`, `${page.rows.length} reporters`),
			page.rows[0] && page.rows[0].computed_at ? el('span', {}, ' · ', bi('统计时间', 'as of'), ' ', fmtTime(page.rows[0].computed_at)) : '');
		document.getElementById('dl').href = csvURL('data_quality', params);
	};
	year.addEventListener('change', () => draw().catch(fail));
	if (year.value) await draw();
	else box.replaceChildren(el('div', { class: 'empty' }, bi('没有数据', 'No rows')));
	ready();
}

main().catch(fail);
