// api.js: the console's one way to the read API. Same origin; the session
// cookie is the credential. A 401 sends the browser to the sign-in page.

const BASE = '/api/v1';

export class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

async function getJSON(path) {
	let r;
	try {
		r = await fetch(BASE + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
	} catch (e) {
		throw new ApiError(0, `mestatd did not answer (${e.message})`);
	}
	if (r.status === 401) {
		location.assign('/console/login.html');
		throw new ApiError(401, 'not signed in');
	}
	if (!r.ok) {
		let msg = `${r.status} ${r.statusText}`;
		try {
			const body = await r.json();
			if (body && (body.error || body.message)) msg += `: ${body.error || body.message}`;
		} catch (e) { /* the body was not JSON */ }
		throw new ApiError(r.status, msg);
	}
	return r.json();
}

function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {})) {
		if (v === undefined || v === null || v === '') continue;
		q.set(k, Array.isArray(v) ? v.join(',') : String(v));
	}
	const s = q.toString();
	return s ? `?${s}` : '';
}

// session(): {kind: "evaluator"|"reporter", name, reporter, csrf}
export function session() {
	return getJSON('/session');
}

// views(): [{name, comment, access, columns: [{name, type, comment}]}], the views this session may read.
export async function views() {
	const r = await getJSON('/report');
	return Array.isArray(r) ? r : r.views;
}

// report(view, params): one page, {view, columns, rows, has_more, limit, offset},
// and total when params ask count: 'exact' (it costs the server a count over
// every matching row: ask only where the page shows the number).
// params are column filters (col: value) plus order ("col,-col"), limit, offset, count.
export function report(view, params) {
	return getJSON(`/report/${encodeURIComponent(view)}${query(params)}`);
}

// reportAll(view, params, max): every row matching, page after page of 1000
// rows (a page of a large view stays quick to build and to send), at most max rows.
export async function reportAll(view, params = {}, max = 50000) {
	const rows = [];
	let offset = 0;
	let first = null;
	for (;;) {
		const page = await report(view, { ...params, limit: params.limit || 1000, offset });
		if (!first) first = page;
		rows.push(...page.rows);
		offset += page.rows.length;
		if (page.rows.length === 0 || !page.has_more || rows.length >= max) break;
	}
	return { ...first, rows, offset: 0, limit: rows.length, has_more: rows.length >= max };
}

// reporterPage(view, params, from): rows of whole reporters, from reporter
// FROM on ('' from the first), ordered by reporter then params.order, about
// params.limit (1000) of them, and where the next page starts ('' when there
// is none): {rows, next}. A page starts at a reporter (reporter.gte), not
// after an OFFSET, so that the server reads no row before it: at county
// scale an OFFSET page far down a view cost as much as every page before it.
// A page ending inside a reporter leaves it to the next page; a reporter
// with more rows than a page is read in a larger one (up to the API's 10000).
export async function reporterPage(view, params, from) {
	const order = params.order ? `reporter,${params.order}` : 'reporter';
	for (let limit = params.limit || 1000; ; limit = Math.min(limit * 2, 10000)) {
		const page = await report(view, { ...params, 'reporter.gte': from, order, limit, offset: undefined });
		if (!page.has_more || !page.rows.length) return { rows: page.rows, next: '' };
		const cut = page.rows[page.rows.length - 1].reporter;
		const whole = page.rows.filter((r) => r.reporter !== cut);
		if (whole.length) return { rows: whole, next: cut };
		if (limit === 10000) return { rows: page.rows, next: '' };
	}
}

// reportAllByReporter(view, params, max): every row matching, as reportAll,
// read reporter by reporter (reporterPage), at most about max rows.
export async function reportAllByReporter(view, params = {}, max = 50000) {
	let rows = [];
	let next = '';
	do {
		const page = await reporterPage(view, params, next);
		rows = rows.concat(page.rows);
		next = page.next;
	} while (next && rows.length < max);
	return { view, rows, offset: 0, limit: rows.length, has_more: Boolean(next) };
}

// count(view, filters): how many rows the server has for these filters.
export async function count(view, filters) {
	const page = await report(view, { ...filters, limit: 0, count: 'exact' });
	return page.total;
}

// csvURL(view, params): the same rows as a CSV download.
export function csvURL(view, params) {
	const p = { ...(params || {}), format: 'csv' };
	delete p.limit;
	delete p.offset;
	return `${BASE}/report/${encodeURIComponent(view)}${query(p)}`;
}
