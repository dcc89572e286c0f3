// release-data.js - where a release page reads its data. In the console
// (/console/releases/...) through the read API with the console's session;
// on the public pages (/releases/...) from the public JSON. Nothing is
// computed here that the release document does not already say.

export const inConsole = location.pathname.startsWith('/console/');

// In the console a release page carries the console's navigation (its links
// only: the session and sign-out stay on the console's own pages).
const CONSOLE_PAGES = [
	['/console/index.html', '概览', 'Overview'],
	['/console/indicator.html', '指标', 'Indicators'],
	['/console/scorecard.html', '记分卡', 'Scorecard'],
	['/console/reporting.html', '报送情况', 'Reporting'],
	['/console/submissions.html', '报送日志', 'Submissions'],
	['/console/releases/', '发布', 'Releases'],
];
if (inConsole) {
	const bar = document.createElement('nav');
	bar.className = 'console-nav noprint';
	bar.id = 'console-nav';
	const brand = el('a', '现代服务业科技创新监测', 'brand');
	brand.href = '/console/index.html';
	bar.append(brand);
	for (const [href, zh, en] of CONSOLE_PAGES) {
		const a = el('a', `${zh} `);
		a.href = href;
		a.id = `nav-${href.includes('releases') ? 'releases' : href.replace(/^.*\//, '').replace('.html', '')}`;
		if (href === '/console/releases/') a.className = 'active';
		a.append(el('span', en, 'en'));
		bar.append(a);
	}
	document.body.prepend(bar);
}

export function listUrl() {
	return inConsole ? '/api/v1/releases' : '/releases/index.json';
}

export function releaseUrl(period, revision) {
	const q = revision ? `?revision=${encodeURIComponent(revision)}` : '';
	return (inConsole ? `/api/v1/releases/${period}` : `/releases/${period}.json`) + q;
}

export function pageUrl(period) {
	return inConsole ? `/console/releases/${period}` : `/releases/${period}`;
}

// getJSON: the parsed body and the response headers, or an Error saying why.
export async function getJSON(url) {
	const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
	if (!res.ok) {
		let why = `${res.status}`;
		try { why += ': ' + (await res.json()).error; } catch (e) { /* no JSON body */ }
		throw new Error(why);
	}
	return { body: await res.json(), headers: res.headers };
}

// el: a new element with text and optional class.
export function el(tag, text, cls) {
	const e = document.createElement(tag);
	if (text !== undefined && text !== null) e.textContent = String(text);
	if (cls) e.className = cls;
	return e;
}

export function fmt(v) {
	if (v === null || v === undefined || v === '') return '—';
	const n = Number(v);
	if (!Number.isFinite(n)) return String(v);
	return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) < 10 ? 3 : 1 });
}

export function pct(v) {
	if (v === null || v === undefined) return '—';
	return (Number(v) * 100).toFixed(2) + ' %';
}

export const classLabel = {
	achieved: ['已实现', 'achieved'],
	on_track: ['进展顺利', 'on track'],
	at_risk: ['存在风险', 'at risk'],
	off_track: ['进展滞后', 'off track'],
	moving_away: ['背离目标', 'moving away'],
	not_achieved: ['未实现', 'not achieved'],
	insufficient_data: ['数据不足', 'insufficient data'],
};

// classCell: a table cell naming class C in Chinese and English.
export function classCell(c) {
	const td = el('td', null, `class ${c || 'none'}`);
	const l = classLabel[c] || [c || '—', ''];
	td.append(el('span', l[0]), ' ', el('span', l[1], 'en'));
	return td;
}

export function row(cells) {
	const tr = document.createElement('tr');
	for (const c of cells) tr.append(c instanceof Node ? c : el('td', c));
	return tr;
}

export function indicatorCell(it) {
	const td = el('td');
	td.append(el('span', it.indicator_name_zh || it.indicator), ' ',
		el('span', it.indicator_name_en || '', 'en'), el('span', ` ${it.indicator}`, 'code'));
	return td;
}
