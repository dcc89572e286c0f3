// ui.js: what every page shares: the navigation bar, sign-out, the progress
// classes' colours and symbols, number and date formatting, tables.
// Formatting only: every figure comes from a report view as it is.

import { session } from './api.js';

// el(tag, attrs, ...children): a DOM element. attrs: class, text, href, data-*, on* (functions), others as attributes.
export function el(tag, attrs, ...children) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === undefined || v === null || v === false) continue;
		if (k === 'class') e.className = v;
		else if (k === 'text') e.textContent = v;
		else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
		else e.setAttribute(k, v === true ? '' : v);
	}
	for (const c of children.flat()) {
		if (c === undefined || c === null || c === false) continue;
		e.append(c instanceof Node ? c : document.createTextNode(String(c)));
	}
	return e;
}

// bi(zh, en): Chinese with English beside.
export function bi(zh, en, block) {
	return el('span', { class: block ? 'bi block' : 'bi' }, el('span', { class: 'zh', text: zh }), en ? el('span', { class: 'en', text: en }) : null);
}

// Progress classes: symbol, labels, listing order. The views carry their own
// labels (class_zh, class_en); these are the fallback and the colours. A value
// not listed here is shown as text.
export const CLASSES = {
	achieved: { sym: '✓', zh: '已实现目标', en: 'Achieved', rank: 1 },
	on_track: { sym: '↑', zh: '按计划推进', en: 'On track', rank: 2 },
	at_risk: { sym: '↗', zh: '存在风险', en: 'At risk', rank: 3 },
	off_track: { sym: '→', zh: '进展滞后', en: 'Off track', rank: 4 },
	moving_away: { sym: '↓', zh: '偏离目标', en: 'Moving away', rank: 5 },
	not_achieved: { sym: '✗', zh: '未实现', en: 'Not achieved', rank: 6 },
	insufficient_data: { sym: '?', zh: '数据不足', en: 'Insufficient data', rank: 7 },
};
export const GRADED = ['achieved', 'on_track', 'at_risk', 'off_track', 'moving_away', 'not_achieved', 'insufficient_data'];

// Monitoring rows (the plan sets no target) have no class but a trend over the
// last four quarters, in a vocabulary of its own: neutral arrows, never a class colour.
export const TRENDS = {
	rising: { sym: '↗', zh: '上升', en: 'Rising', rank: 21 },
	stable: { sym: '→', zh: '平稳', en: 'Stable', rank: 22 },
	falling: { sym: '↘', zh: '下降', en: 'Falling', rank: 23 },
};

export function classRank(c) {
	return CLASSES[c] ? CLASSES[c].rank : TRENDS[c] ? TRENDS[c].rank : 50;
}

// classBadge(cls, zh, en, compact): the coloured symbol, with the label unless compact.
export function classBadge(cls, zh, en, compact) {
	const k = CLASSES[cls];
	const z = zh || (k && k.zh) || cls || '';
	const e = en || (k && k.en) || '';
	if (!cls) return el('span', { class: 'muted', text: '—' });
	const sym = el('span', { class: `cls-sym c-${k ? cls : 'unknown'}`, text: k ? k.sym : '·', 'aria-hidden': 'true' });
	if (compact) return el('span', { class: 'cls-badge', title: `${z} ${e}`, 'data-class': cls }, sym);
	return el('span', { class: 'cls-badge', 'data-class': cls }, sym, bi(z, e));
}

// signedPct(v): a fraction as a signed percentage (+5.2 %, −1.0 %).
export function signedPct(v) {
	if (v === null || v === undefined || v === '') return '';
	const n = Number(v);
	if (!Number.isFinite(n)) return String(v);
	return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${fmtPct(Math.abs(n))}`;
}

// trendBadge(row, compact): a monitoring row's trend (trend, trend_zh, trend_en,
// trend_growth over trend_from_period → period); without a trend, says so.
export function trendBadge(r, compact) {
	const t = TRENDS[r.trend];
	const zh = r.trend_zh || (t && t.zh) || '趋势待定';
	const en = r.trend_en || (t && t.en) || 'no trend yet';
	const g = signedPct(r.trend_growth);
	const span = r.trend_from_period ? `${r.trend_from_period} → ${r.period || ''}` : '';
	const title = `监测指标，不评类别 monitoring, no class: ${zh} ${en}${g ? ` ${g}` : ''}${span ? ` (${span})` : ''}`;
	const sym = el('span', { class: `trend-sym${t ? '' : ' none'}`, text: t ? t.sym : '·', 'aria-hidden': 'true' });
	if (compact) return el('span', { class: 'trend-badge', title, 'data-trend': r.trend || '' }, sym);
	return el('span', { class: 'trend-badge', title, 'data-trend': r.trend || '' }, sym,
		el('span', { class: 'bi' }, el('span', { class: 'zh', text: zh }), g ? el('span', { class: 'growth', 'data-raw': r.trend_growth, text: ` ${g}` }) : null,
			el('span', { class: 'en', text: en })));
}

// isMonitoring(row): the plan sets no target for it: a trend, no class.
export function isMonitoring(r) {
	return r.basis === 'monitoring' || ((r.class === null || r.class === undefined) && r.method === 'trend');
}

// assessment(row): the class badge of a graded row, the trend of a monitoring row.
export function assessment(r) {
	return isMonitoring(r) && !r.class ? trendBadge(r) : classBadge(...rowClass(r));
}

// assessmentRank(row): graded rows by class, then monitoring rows by trend.
export function assessmentRank(r) {
	return isMonitoring(r) && !r.class ? (TRENDS[r.trend] ? TRENDS[r.trend].rank : 24) : classRank(r.class);
}

// The row's class triple; NULL for a monitoring row (it has a trend instead).
export function rowClass(r) {
	if (r.class !== undefined && r.class !== null) return [r.class, r.class_zh, r.class_en];
	return [null];
}

// fmtNum(v): a number as the view gave it, grouped by thousands; at most
// 2 decimals (4 below 1). Strings from numeric columns are kept exact.
export function fmtNum(v) {
	if (v === null || v === undefined || v === '') return '—';
	const n = Number(v);
	if (!Number.isFinite(n)) return String(v);
	const digits = Math.abs(n) >= 1 || n === 0 ? 2 : 4;
	return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

// fmtPct(v): a fraction (0.95) as a percentage (95.0 %).
export function fmtPct(v) {
	if (v === null || v === undefined || v === '') return '—';
	const n = Number(v);
	if (!Number.isFinite(n)) return String(v);
	return `${(n * 100).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}

const DT = new Intl.DateTimeFormat('zh-CN', {
	timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
// fmtTime(ts): a timestamp in Beijing time, "2020-10-15 14:03".
export function fmtTime(ts) {
	if (!ts) return '—';
	const d = new Date(ts);
	if (Number.isNaN(d.getTime())) return String(ts);
	const p = Object.fromEntries(DT.formatToParts(d).map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`;
}

export function reporterName(r) {
	return bi(r.reporter_name_zh || r.reporter || '', r.reporter_name_en || '');
}

export function indicatorName(r) {
	return bi(r.indicator_name_zh || r.indicator, r.indicator_name_en || '');
}

// table(columns, rows, opts): columns [{zh, en, key | cell(row), num, cls, sort(row)}].
// Clicking a header with a sort key (or key) sorts by it.
export function table(columns, rows, opts = {}) {
	const tbody = el('tbody');
	let sortCol = null;
	let dir = 1;
	const fill = () => {
		tbody.replaceChildren();
		let list = rows;
		if (sortCol) {
			const f = sortCol.sort || ((r) => r[sortCol.key]);
			list = [...rows].sort((a, b) => {
				const x = f(a);
				const y = f(b);
				if (x === y) return 0;
				if (x === null || x === undefined) return 1;
				if (y === null || y === undefined) return -1;
				const nx = Number(x);
				const ny = Number(y);
				if (x !== '' && y !== '' && Number.isFinite(nx) && Number.isFinite(ny)) return (nx - ny) * dir;
				return String(x).localeCompare(String(y), 'zh-CN') * dir;
			});
		}
		for (const r of list) {
			const tr = el('tr', opts.rowAttrs ? opts.rowAttrs(r) : {});
			for (const c of columns) {
				const v = c.cell ? c.cell(r) : c.num ? fmtNum(r[c.key]) : r[c.key] ?? '';
				tr.append(el('td', { class: [c.num ? 'num' : '', c.cls || ''].join(' ').trim() || null, 'data-col': c.key || c.id }, v));
			}
			tbody.append(tr);
		}
	};
	const head = el('tr');
	for (const c of columns) {
		const th = el('th', { class: [c.num ? 'num' : '', c.key || c.sort ? 'sortable' : ''].join(' ').trim() || null }, bi(c.zh, c.en, true));
		if (c.key || c.sort) {
			th.addEventListener('click', () => {
				dir = sortCol === c ? -dir : 1;
				sortCol = c;
				head.querySelectorAll('th').forEach((h) => h.classList.remove('sorted-asc', 'sorted-desc'));
				th.classList.add(dir > 0 ? 'sorted-asc' : 'sorted-desc');
				fill();
			});
		}
		head.append(th);
	}
	fill();
	const t = el('table', { class: 'data', id: opts.id }, el('thead', {}, head), tbody);
	if (!rows.length) return el('div', {}, t, el('div', { class: 'empty' }, bi('没有数据', 'No rows')));
	return t;
}

export function showError(where, err) {
	console.warn(err);
	if (err && err.status === 401) return;
	where.prepend(el('div', { class: 'error', role: 'alert' }, bi('无法读取数据', 'Could not read the data'), ': ', String(err && err.message ? err.message : err)));
}

// qs(name): a parameter of the page's URL.
export function qs(name) {
	return new URLSearchParams(location.search).get(name);
}

const PAGES = [
	['index.html', '概览', 'Overview'],
	['indicator.html', '指标', 'Indicators'],
	['scorecard.html', '记分卡', 'Scorecard'],
	['reporting.html', '报送情况', 'Reporting'],
	['quality.html', '数据质量', 'Data quality'],
	['submissions.html', '报送日志', 'Submissions'],
	['/console/releases/', '发布', 'Releases'],
];

// start(page): read the session, draw the navigation bar; returns the session.
export async function start(page) {
	const s = await session();
	const links = PAGES.map(([href, zh, en]) => el('a', { href, id: `nav-${href.includes('releases') ? 'releases' : href.replace('.html', '')}`, class: href === page ? 'active' : null }, bi(zh, en)));
	if (s.kind === 'reporter' && s.reporter) {
		links.splice(1, 0, el('a', { href: `province.html?reporter=${encodeURIComponent(s.reporter)}`, class: page === 'province.html' ? 'active' : null }, bi('本地区', 'My province')));
	}
	const csrf = el('input', { type: 'hidden', name: 'csrf', value: s.csrf || '' });
	const out = el('form', { method: 'post', action: '/console/logout' }, csrf, el('button', { type: 'submit', id: 'signout' }, '退出 Sign out'));
	const who = el('span', { class: 'who' }, el('span', { id: 'who', text: s.kind === 'reporter' && s.name !== s.reporter ? `${s.name || ''} (${s.reporter})` : s.name || s.reporter || '' }), out);
	const bar = el('header', { class: 'bar' },
		el('a', { class: 'brand', href: 'index.html' }, '现代服务业科技创新监测', el('span', { class: 'en', text: 'mestat' })),
		el('nav', {}, links), who);
	document.body.prepend(bar);
	document.body.dataset.kind = s.kind;
	dataAsOf(who);
	return s;
}

// dataAsOf(where): "data as of …" from /healthz, how current the data the
// console reads is (report_database: a hot standby trails the primary).
async function dataAsOf(where) {
	try {
		const rd = (await (await fetch('/healthz', { headers: { Accept: 'application/json' } })).json()).report_database;
		if (!rd || !rd.data_as_of) return;
		const t = fmtTime(rd.data_as_of);
		where.prepend(el('span', { id: 'data-as-of', title: rd.standby ? `standby: ${rd.replication_lag_seconds} s behind the primary` : 'primary' }, bi(`数据截至 ${t}`, `data as of ${t}`)));
	} catch (e) { /* the page works without it */ }
}

// ready(): marks the page as drawn (the browser test waits for it).
export function ready(main) {
	(main || document.querySelector('main')).dataset.ready = 'true';
	document.body.dataset.ready = 'true';
}

// fail(err): shows the error and marks the page as drawn.
export function fail(err) {
	const main = document.querySelector('main');
	showError(main, err);
	main.dataset.ready = 'error';
	document.body.dataset.ready = 'error';
}

// heatClass(completeness), timeClass(timeliness): colour bands of a heat cell.
export function heatClass(c) {
	if (c === null || c === undefined || c === '') return 'h-na';
	const n = Number(c);
	if (n >= 1) return 'h-full';
	if (n >= 0.8) return 'h-most';
	if (n > 0) return 'h-some';
	return 'h-none';
}
export function timeClass(t) {
	if (t === null || t === undefined || t === '') return '';
	const n = Number(t);
	if (n >= 1) return 't-full';
	if (n > 0) return 't-part';
	return 't-none';
}
// pctShort(v): 0.9375 → "94%" (for a small cell; the title has the exact figures).
export function pctShort(v) {
	if (v === null || v === undefined || v === '') return '';
	return `${(Number(v) * 100).toFixed(0)}%`;
}

export function heatLegend() {
	return el('div', { class: 'legend' },
		el('span', {}, el('span', { class: 'swatch h-full' }), bi('完整', 'complete')),
		el('span', {}, el('span', { class: 'swatch h-most' }), bi('≥80%', '')),
		el('span', {}, el('span', { class: 'swatch h-some' }), bi('部分', 'partial')),
		el('span', {}, el('span', { class: 'swatch h-none' }), bi('未报', 'nothing')),
		el('span', { class: 'muted' }, '｜ 下边线 underline: '),
		el('span', {}, el('span', { class: 'swatch t-full' }), bi('全部按时', 'all on time')),
		el('span', {}, el('span', { class: 'swatch t-part' }), bi('部分按时', 'some on time')),
		el('span', {}, el('span', { class: 'swatch t-none' }), bi('无按时', 'none on time')));
}

// heatTitle(c, t): the exact figures of one reporter and period.
export function heatTitle(c, t) {
	const lines = [`${c.reporter_name_zh || c.reporter} ${c.period}`, `完整性 completeness ${fmtPct(c.completeness)} (${c.received}/${c.expected})`];
	if (t) lines.push(`及时性 timeliness ${fmtPct(t.timeliness)} (${t.on_time}/${t.expected}, 迟报 late ${t.late})`);
	if (c.due_date) lines.push(`截止 due ${c.due_date}`);
	return lines.join('\n');
}

// countsText(counts): an accepted submission's {"new","revised","unchanged","deleted"}.
export function countsText(counts) {
	if (!counts) return '';
	let c = counts;
	if (typeof c === 'string') {
		try { c = JSON.parse(c); } catch (e) { return c; }
	}
	const names = { new: '新增 new', revised: '修订 revised', unchanged: '未变 unchanged', deleted: '删除 deleted' };
	return Object.entries(c).filter(([, v]) => v).map(([k, v]) => `${names[k] || k} ${v}`).join(' · ') || '—';
}
