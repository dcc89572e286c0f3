// release.js - the printable page of one release: the overview table, what
// changed since the previous release (with charts of the targets that
// moved), target revisions side by side, what it takes, and how to verify
// the signature and the chain.
import { getJSON, releaseUrl, listUrl, pageUrl, inConsole, el, fmt, pct, classLabel, classCell, row, indicatorCell }
	from './release-data.js';

const parts = location.pathname.split('/').filter(Boolean);
const period = parts[parts.length - 1];
const revision = new URLSearchParams(location.search).get('revision');

function fillTable(id, items, toRow, empty) {
	const tbody = document.querySelector(`#${id} tbody`);
	if (!items || items.length === 0) {
		const td = el('td', empty, 'empty');
		td.colSpan = document.querySelectorAll(`#${id} thead th`).length;
		tbody.append(row([td]));
		return;
	}
	for (const it of items) tbody.append(toRow(it));
}

function targetText(t) {
	if (!t) return '—';
	if (t.kind === 'direction') return '方向 direction';
	const v = t.target_upper != null ? `${fmt(t.target_value)}–${fmt(t.target_upper)}` : fmt(t.target_value);
	return `${v} (${t.effective_from})`;
}

function overview(doc) {
	const counts = {};
	for (const p of doc.progress) counts[p.class] = (counts[p.class] || 0) + 1;
	document.getElementById('class-summary').textContent = Object.entries(counts)
		.map(([c, n]) => `${(classLabel[c] || [c])[0]} ${(classLabel[c] || [c, c])[1]}: ${n}`).join(' · ');
	fillTable('overview-table', doc.progress, (p) => row([
		indicatorCell(p), p.clause || '—', fmt(p.actual_value), p.period || '—', fmt(p.expected_value),
		p.target_value != null ? fmt(p.target_value) : '方向 direction', classCell(p.class),
	]), '无数据 no data');
}

function changes(doc) {
	const ch = doc.changes || {};
	const since = ch.since;
	document.getElementById('changes-since').textContent = since
		? `上次发布 Previous release: ${since.period} 第${since.revision}版 (revision ${since.revision})`
		: '这是第一次发布，没有可比较的上次发布。 This is the first release: there is nothing to compare with.';
	fillTable('class-changes', ch.classes, (c) => row([
		indicatorCell(c), classCell(c.from), classCell(c.to),
		`${fmt(c.from_value)} (${c.from_period || '—'})`, `${fmt(c.to_value)} (${c.to_period || '—'})`,
	]), '没有指标改变类别 No target changed class');
	const rv = ch.revisions || { count: 0, largest: [], by_reporter: [] };
	const who = (rv.by_reporter || []).map((r) => `${r.reporter_name_zh} ${r.reporter_name_en} (${r.count})`).join('、');
	document.getElementById('revisions-summary').textContent =
		`共修订 ${rv.count} 个数值 ${rv.count} values revised` + (who ? `：${who}` : '');
	fillTable('revisions', rv.largest, (r) => row([
		r.indicator, r.reporter, r.period, fmt(r.old_value), fmt(r.new_value),
		r.relative_change != null ? pct(r.relative_change) : fmt(r.change),
	]), '无修订 No revisions');
	const rep = ch.reporting || {};
	const names = (xs) => (xs || []).map((r) => `${r.reporter_name_zh} ${r.reporter_name_en} (${r.periods.join(', ')})`)
		.join('；') || '无 none';
	document.getElementById('caught-up').textContent = `补报完成 Caught up: ${names(rep.caught_up)}`;
	document.getElementById('fell-behind').textContent = `新增逾期 Fell behind: ${names(rep.fell_behind)}`;
	charts(doc, ch.classes || []);
}

// charts: for each target whose class moved, its previous and latest
// values against the expected path and the target (numbers from the release).
function charts(doc, moved) {
	const box = document.getElementById('charts');
	if (typeof Chart === 'undefined' || moved.length === 0) return;
	const byInd = Object.fromEntries(doc.progress.map((p) => [p.indicator, p]));
	for (const c of moved) {
		const p = byInd[c.indicator] || {};
		const fig = el('figure', null, 'chart');
		const canvas = document.createElement('canvas');
		canvas.width = 640;
		canvas.height = 220;
		fig.append(canvas, el('figcaption', `${c.indicator_name_zh || c.indicator} ${c.indicator_name_en || ''}`));
		box.append(fig);
		const values = [c.from_value, c.to_value, p.expected_value, p.target_value].map((v) => (v == null ? null : Number(v)));
		new Chart(canvas, {
			type: 'bar',
			data: {
				labels: [`上次 previous (${c.from_period || '—'})`, `本次 now (${c.to_period || '—'})`, '应达 expected', '目标 target'],
				datasets: [{ label: c.indicator, data: values, backgroundColor: ['#9aa5b1', '#1f5f99', '#d9a400', '#2e7d32'] }],
			},
			options: { animation: false, responsive: false, plugins: { legend: { display: false } } },
		});
	}
}

function targetRevisions(doc) {
	fillTable('target-revisions-table', doc.target_revisions, (t) => row([
		indicatorCell(t), targetText(t.original), classCell(t.original.class), targetText(t.revised), classCell(t.revised.class),
	]), '规划期内目标未作调整 No target was revised');
}

function whatItTakes(doc) {
	fillTable('what-it-takes-table', doc.what_it_takes, (w) => row([
		indicatorCell(w), classCell(w.class), `${fmt(w.actual_value)} (${w.period})`, `${fmt(w.target_value)} (${w.target_year})`,
		w.quarters_left, w.quarterly_growth_needed != null ? pct(w.quarterly_growth_needed) : (w.note || '—'),
	]), '没有滞后或有风险的目标 No target is off track or at risk');
}

function verification(doc, h) {
	const dl = document.getElementById('verify-details');
	const add = (k, v) => { dl.append(el('dt', k), el('dd', v || '—', 'hash')); };
	add('SHA-256', h.get('Mestat-Release-Sha256'));
	add('上一发布 SHA-256 Previous release', doc.previous_sha256);
	add('签名 Signature (Ed25519, base64)', h.get('Mestat-Release-Signature'));
	add('密钥指纹 Key fingerprint (SHA-256)', doc.signing_key ? doc.signing_key.sha256 : null);
	const base = `${location.origin}`;
	const get = inConsole ? `curl -s -H "Authorization: Bearer $TOKEN" ${base}/api/v1/releases/${period}?revision=${doc.revision}`
		: `curl -s ${base}/releases/${period}.json?revision=${doc.revision}`;
	const list = inConsole ? `curl -s -H "Authorization: Bearer $TOKEN" ${base}/api/v1/releases` : `curl -s ${base}/releases/index.json`;
	document.getElementById('verify-commands').textContent = [
		`curl -s ${base}/api/v1/receipt-key > mestat-receipt-key.pem`,
		`${get} > release.json`,
		`${list} > releases.json`,
		`jq -r '.releases[] | select(.period == "${period}" and .revision == ${doc.revision}) | .signature' releases.json | base64 -d > release.sig`,
		`openssl pkeyutl -verify -pubin -inkey mestat-receipt-key.pem -rawin -in release.json -sigfile release.sig`,
		`sha256sum release.json        # = ${h.get('Mestat-Release-Sha256') || 'sha256'}`,
		`jq -r .previous_sha256 release.json   # = the sha256 of the release before it`,
	].join('\n');
}

async function main() {
	document.getElementById('list-link').href = inConsole ? '/console/releases/' : '/releases/';
	let got;
	try {
		got = await getJSON(releaseUrl(period, revision));
	} catch (e) {
		document.getElementById('meta').textContent = `无法读取 ${period} 的发布 Cannot read the release of ${period}: ${e.message}`;
		return;
	}
	const doc = got.body;
	document.title = `${doc.period} 监测评估发布 Monitoring release ${doc.period}`;
	document.getElementById('title').textContent = '';
	document.getElementById('title').append(el('span', `${doc.period} 监测评估发布`), ' ',
		el('span', `Monitoring release ${doc.period}`, 'en'));
	document.getElementById('meta').textContent =
		`第${doc.revision}版 revision ${doc.revision} · 发布日期 release date ${doc.release_date} · ` +
		`发布于 published ${doc.published_at} · 报送截止 due ${doc.due_date}` +
		(doc.snapshot ? ` · 评估 assessment #${doc.snapshot.id} (${doc.snapshot.as_of_period || '—'})` : '');
	const notice = document.getElementById('notice');
	if (doc.preview) {
		notice.hidden = false;
		notice.textContent = '预览：实时计算，未签名，未发布。 Preview: computed now, not signed, not published.';
	} else if (got.headers.get('Mestat-Release-Superseded') === 'yes') {
		notice.hidden = false;
		notice.textContent = '本版已被更正版取代。 This revision has been superseded by a correction.';
	}
	if (doc.reason) {
		notice.hidden = false;
		notice.textContent += ` 更正原因 Reason for the correction: ${doc.reason}`;
	}
	overview(doc);
	changes(doc);
	targetRevisions(doc);
	whatItTakes(doc);
	verification(doc, got.headers);
	document.getElementById('footer').textContent =
		`${doc.title_zh} · ${doc.title_en} · ${pageUrl(doc.period)} · ${listUrl()}`;
	document.body.dataset.ready = 'yes';
}

main();
