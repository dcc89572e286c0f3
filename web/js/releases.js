// releases.js - the list of published releases and the calendar.
import { getJSON, listUrl, pageUrl, el, row, classLabel } from './release-data.js';

async function main() {
	let list;
	try {
		list = (await getJSON(listUrl())).body;
	} catch (e) {
		document.querySelector('#releases tbody').append(row([el('td', `无法读取 Cannot read the list: ${e.message}`)]));
		return;
	}
	const tbody = document.querySelector('#releases tbody');
	for (const r of [...list.releases].reverse()) {
		const a = el('a', r.period);
		a.href = pageUrl(r.period) + (r.superseded ? `?revision=${r.revision}` : '');
		const classes = Object.entries(r.classes || {}).map(([c, n]) => `${(classLabel[c] || [c])[0]} ${n}`).join(' · ');
		const tr = row([el('td'), r.superseded ? `${r.revision} (已更正 superseded)` : String(r.revision),
			r.release_date, r.published_at, classes, String(r.class_changes), el('td', r.sha256.slice(0, 16) + '…', 'hash')]);
		tr.firstChild.append(a);
		tbody.append(tr);
	}
	const cal = document.querySelector('#calendar tbody');
	const words = { planned: '计划 planned', preview: '预览 preview', published: '已发布 published' };
	for (const c of list.calendar || []) cal.append(row([c.period, c.due_date, c.release_date, words[c.status] || c.status]));
}

main();
