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
