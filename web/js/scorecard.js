// Scorecard: reporters × indicators from report.progress_by_reporter, each
// cell the class colour; sortable by reporter or by one indicator's class.
import { reporterPage, csvURL } from './api.js';
import { el, bi, start, ready, fail, classBadge, rowClass, fmtNum, signedPct, CLASSES, GRADED, TRENDS, isMonitoring, assessmentRank } from './ui.js';
import { planOrder } from './progress.js';

// Up to SHOWN rows at a time (ordered by reporter), read in pages of about
// 1000 whole reporters' rows (api.js reporterPage): a few dozen reporters
// fit; at county scale "more" adds the next SHOWN rows.
const SHOWN = 10000;
// Only the columns a cell and its title show (and the plan's order): the
// view has some 50, most of them long texts, which at county scale made a
// page of 1000 rows 1.5 MB. The CSV download keeps every column.
const COLUMNS = ['reporter', 'reporter_name_zh', 'reporter_name_en', 'indicator', 'indicator_name_zh',
	'indicator_name_en', 'clause', 'sort_key', 'period', 'actual_value', 'unit_zh', 'class', 'class_zh', 'class_en',
	'basis', 'method', 'trend', 'trend_zh', 'trend_en', 'trend_growth'];

async function main() {
	await start('scorecard.html');
	const kind = document.getElementById('kind');
	const more = document.getElementById('more');
	let rows = [];
	let next = '';
	const load = async (reset) => {
		if (reset) {
			rows = [];
			next = '';
		}
		const until = rows.length + SHOWN;
		do {
			const page = await reporterPage('progress_by_reporter', { reporter_kind: kind.value, columns: COLUMNS, order: 'indicator' }, next);
			rows = rows.concat(page.rows);
			next = page.next;
		} while (next && rows.length < until);
		draw(rows);
		document.getElementById('shown').replaceChildren(next
			? bi(`显示前 ${rows.length} 行，还有更多`, `first ${rows.length} rows shown, more follow`)
			: bi(`共 ${rows.length} 行`, `${rows.length} rows`));
		more.hidden = !next;
		document.getElementById('downloads').replaceChildren(el('a', { href: csvURL('progress_by_reporter', { reporter_kind: kind.value }), download: 'progress_by_reporter.csv' }, '下载 CSV Download'));
	};
	kind.addEventListener('change', () => load(true).catch(fail));
	more.addEventListener('click', () => load(false).catch(fail));
	await load(true);
	document.getElementById('legend').replaceChildren(...GRADED.map((c) => classBadge(c)),
		el('span', { class: 'legend-sep', text: '｜ 监测 monitoring:' }),
		...Object.values(TRENDS).map((t) => el('span', { class: 'trend-badge' }, el('span', { class: 'trend-sym', text: t.sym }), bi(t.zh, t.en))));
	ready();
}

function draw(data) {
	const indicators = new Map();
	const reporters = new Map();
	const cell = new Map();
	for (const r of data.slice().sort(planOrder)) {
		if (!indicators.has(r.indicator)) indicators.set(r.indicator, r);
		if (!reporters.has(r.reporter)) reporters.set(r.reporter, r);
		cell.set(`${r.reporter}|${r.indicator}`, r);
	}
	const inds = [...indicators.values()];
	let order = [...reporters.values()].sort((a, b) => String(a.reporter).localeCompare(String(b.reporter)));
	let sortKey = 'reporter';
	let dir = 1;

	const tbody = el('tbody');
	const fill = () => {
		tbody.replaceChildren();
		for (const rep of order) {
			const tr = el('tr', { 'data-reporter': rep.reporter });
			tr.append(el('td', { class: 'rep' }, el('a', { href: `province.html?reporter=${encodeURIComponent(rep.reporter)}` }, bi(rep.reporter_name_zh || rep.reporter, rep.reporter_name_en))));
			for (const ind of inds) {
				const r = cell.get(`${rep.reporter}|${ind.indicator}`);
				if (!r) {
					tr.append(el('td', { class: 'cell', 'data-indicator': ind.indicator, title: '—' }));
					continue;
				}
				const open = () => location.assign(`province.html?reporter=${encodeURIComponent(rep.reporter)}`);
				const where = `${rep.reporter_name_zh || rep.reporter} · ${ind.indicator_name_zh || ind.indicator}`;
				if (isMonitoring(r) && !r.class) { // no class: the trend, in neutral
					const t = TRENDS[r.trend];
					const title = `${where}\n监测 monitoring: ${r.trend_zh || (t && t.zh) || '趋势待定'} ${r.trend_en || (t && t.en) || 'no trend yet'} ${signedPct(r.trend_growth)}\n${fmtNum(r.actual_value)} ${r.unit_zh || ''} (${r.period || ''})`;
					tr.append(el('td', { class: 'cell mon', 'data-indicator': ind.indicator, 'data-trend': r.trend || '', title, onclick: open }, t ? t.sym : '·'));
					continue;
				}
				const [c, zh, en] = rowClass(r);
				const k = CLASSES[c];
				const title = `${where}\n${zh || (k && k.zh) || c} ${en || (k && k.en) || ''}\n${fmtNum(r.actual_value)} ${r.unit_zh || ''} (${r.period || ''})`;
				tr.append(el('td', {
					class: `cell c-${k ? c : 'unknown'}`, 'data-indicator': ind.indicator, 'data-class': c, title,
					onclick: open,
				}, k ? k.sym : c));
			}
			tbody.append(tr);
		}
	};
	const head = el('tr');
	const sortBy = (key, th) => {
		dir = sortKey === key ? -dir : 1;
		sortKey = key;
		const rank = (rep) => {
			if (key === 'reporter') return rep.reporter;
			const r = cell.get(`${rep.reporter}|${key}`);
			return r ? assessmentRank(r) : 99;
		};
		order = order.slice().sort((a, b) => {
			const x = rank(a);
			const y = rank(b);
			const d = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
			return d * dir || String(a.reporter).localeCompare(String(b.reporter));
		});
		head.querySelectorAll('th').forEach((h) => h.classList.remove('sorted-asc', 'sorted-desc'));
		th.classList.add(dir > 0 ? 'sorted-asc' : 'sorted-desc');
		fill();
	};
	const repTh = el('th', { class: 'rep sorted-asc' }, bi('地区', 'Reporter'));
	repTh.addEventListener('click', () => sortBy('reporter', repTh));
	head.append(repTh);
	for (const ind of inds) {
		const th = el('th', { class: 'ind', title: `${ind.indicator_name_zh} ${ind.indicator_name_en || ''} (${ind.clause || ''})`, 'data-indicator': ind.indicator },
			ind.indicator_name_zh || ind.indicator);
		th.addEventListener('click', () => sortBy(ind.indicator, th));
		head.append(th);
	}
	fill();
	const box = document.getElementById('score');
	box.className = 'scroll';
	box.replaceChildren(data.length ? el('table', { class: 'score', id: 'scorecard' }, el('thead', {}, head), tbody) : el('div', { class: 'empty' }, bi('没有数据', 'No rows')));
}

main().catch(fail);
