// Submission log: report.submission_log, newest first, filtered by reporter,
// outcome, way and format on the server, and by any text on the page shown.
import { report, csvURL } from './api.js';
import { el, bi, start, ready, fail, qs, table } from './ui.js';
import { submissionColumns } from './columns.js';

const PAGE = 100;
const FILTERS = ['reporter', 'outcome', 'via', 'format'];

async function main() {
	const s = await start('submissions.html');
	const form = document.getElementById('filters');
	const text = document.getElementById('f-text');
	let offset = Number(qs('offset')) || 0;
	for (const f of FILTERS) if (qs(f)) form.elements[f].value = qs(f);
	if (s.kind === 'reporter' && s.reporter) {
		form.elements.reporter.value = s.reporter;
		form.elements.reporter.readOnly = true;
	}
	let rows = [];
	let more = false;
	const filters = () => Object.fromEntries(FILTERS.map((f) => [f, form.elements[f].value.trim()]).filter(([, v]) => v));
	const draw = () => {
		const needle = text.value.trim().toLowerCase();
		const shown = needle ? rows.filter((r) => Object.values(r).some((v) => v !== null && (typeof v === 'object' ? JSON.stringify(v) : String(v)).toLowerCase().includes(needle))) : rows;
		const first = rows.length ? offset + 1 : 0;
		const last = offset + rows.length;
		document.getElementById('count').replaceChildren(
			more ? bi(`第 ${first}–${last} 次，还有更早的`, `${first}–${last} shown, older ones follow`)
				: bi(`第 ${first}–${last} 次，没有更早的`, `${first}–${last} shown, no older ones`),
			needle ? bi(`，其中 ${shown.length} 次含“${text.value.trim()}”`, `${shown.length} match`) : '');
		const box = document.getElementById('log');
		box.className = '';
		box.replaceChildren(table(submissionColumns(true), shown, { id: 'submissions-table', rowAttrs: (r) => ({ 'data-id': r.id, 'data-outcome': r.outcome }) }));
		document.getElementById('newer').disabled = offset === 0;
		document.getElementById('older').disabled = !more;
	};
	const load = async () => {
		const page = await report('submission_log', { ...filters(), order: '-received_at,-id', limit: PAGE, offset });
		rows = page.rows;
		more = page.has_more;
		document.getElementById('dl').href = csvURL('submission_log', { ...filters(), order: '-received_at,-id' });
		const u = new URLSearchParams({ ...filters(), ...(offset ? { offset } : {}) });
		history.replaceState(null, '', `submissions.html${u.toString() ? `?${u}` : ''}`);
		draw();
	};
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		offset = 0;
		load().catch(fail);
	});
	text.addEventListener('input', draw);
	document.getElementById('newer').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load().catch(fail); });
	document.getElementById('older').addEventListener('click', () => { offset += PAGE; load().catch(fail); });
	await load();
	ready();
}

main().catch(fail);
