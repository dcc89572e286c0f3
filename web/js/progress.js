// progress.js: how a row of report.progress / progress_by_reporter is shown:
// its target, its latest value with the period, and its measure of progress.
// Formatting only.
import { el, bi, fmtNum, fmtPct, isMonitoring } from './ui.js';

// targetText(row): "T", "≥ T", "L – U", or the direction for a direction-only target.
export function targetText(r) {
	const kind = r.target_kind;
	if (isMonitoring(r)) return el('span', { class: 'muted', title: '规划未设目标（或全国数值不分解到地区） no plan target for this row' }, bi('未设', 'none'));
	if (kind === 'range') return el('span', { class: 'target', 'data-raw': `${r.target_value}–${r.target_upper}` }, `${fmtNum(r.target_value)} – ${fmtNum(r.target_upper)}`);
	if (kind === 'at_least') return el('span', { class: 'target', 'data-raw': r.target_value }, `≥ ${fmtNum(r.target_value)}`);
	if (kind === 'direction' || r.target_value === null || r.target_value === undefined) {
		return r.direction === 'decrease' ? bi('↓ 下降', 'decrease') : bi('↑ 增长', 'increase');
	}
	return el('span', { class: 'target', 'data-raw': r.target_value }, fmtNum(r.target_value));
}

// valueWithPeriod(row, key): the value and, small, the period it belongs to
// (and, on a national row, its source: sourceTag).
// A later period only some reporters have sent (latest_period, national rows)
// follows, with its coverage and no class.
export function valueWithPeriod(r, key) {
	const v = r[key];
	const later = r.latest_period ? el('span', { class: 'later', 'data-latest-period': r.latest_period,
		title: `${r.latest_period} 部分报送，未评估 part-reported, not assessed` },
	`${r.latest_period}: ${fmtNum(r.latest_value)} `, el('span', { class: 'en', text: `${r.latest_reporters_reported ?? '?'}/${r.latest_reporters_expected ?? '?'} 部分 part` })) : null;
	if (v === null || v === undefined) return el('span', {}, el('span', { class: 'v muted', text: '—' }), later, sourceTag(r));
	return el('span', {}, el('span', { class: 'v', 'data-raw': v, text: fmtNum(v) }), r.period ? el('span', { class: 'en', text: r.period }) : null, later, sourceTag(r));
}

// sourceTag(row): which national figure a provincial indicator's national row
// is (report.progress source, source_name_zh/_en, national_source): the
// named source's own figure, or the provinces added up; when the catalog
// names a source that has not reported yet, the title says so. Nothing for
// national-only indicators (always the ministry's report).
export function sourceTag(r) {
	if (!r.source || (r.source === 'ministry' && !r.national_source)) return null;
	const waiting = r.national_source && r.source === 'provinces';
	return el('span', { class: `source s-${r.source}`, 'data-source': r.source, 'data-source-reporter': r.source_reporter || '',
		title: waiting ? `全国数据来源为 ${r.national_source}，尚未报送：暂用各省汇总 the national source ${r.national_source} has not reported: provinces added up`
			: '全国数据来源 national figure from' },
	`来源 ${r.source_name_zh || ''}${waiting ? '（待报）' : ''} `, el('span', { class: 'en', text: r.source_name_en || '' }));
}

// progressMeasure(row): R for the ratio method, annual growth for the direction method.
export function progressMeasure(r) {
	if (r.ratio !== null && r.ratio !== undefined) {
		return el('span', { title: 'R = (A − B)/(E − B)' }, 'R = ', el('span', { class: 'v', 'data-raw': r.ratio, text: fmtNum(r.ratio) }));
	}
	if (r.annual_growth !== null && r.annual_growth !== undefined) {
		return el('span', { title: '年均增长 annual growth' }, el('span', { class: 'v', 'data-raw': r.annual_growth, text: fmtPct(r.annual_growth) }), el('span', { class: 'en', text: '/yr' }));
	}
	return el('span', { class: 'muted', text: '—' });
}

const NUMERAL = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
function numeral(s) { // 七 → 7, 十二 → 12, 二十 → 20
	if (!s) return 0;
	const i = s.indexOf('十');
	if (i < 0) return NUMERAL[s] || 0;
	return (i === 0 ? 1 : NUMERAL[s[0]] || 0) * 10 + (NUMERAL[s[i + 1]] || 0);
}

// clauseKey("七(二)") → [7, 2]; the plan's boxes (专栏1–4) come after its sections.
export function clauseKey(c) {
	const m = /^([一二三四五六七八九十]+)(?:\(([一二三四五六七八九十]+)\))?$/.exec(c || '');
	if (m) return [numeral(m[1]), numeral(m[2])];
	const box = /^专栏(\d+)$/.exec(c || '');
	return box ? [100 + Number(box[1]), 0] : [999, 0];
}

// planOrder(a, b): the plan's own order when the view gives it, else by clause (一, 二, … in the
// plan's order, not by pronunciation), then indicator.
export function planOrder(a, b) {
	for (const k of ['plan_order', 'sort_key', 'plan_position']) {
		if (a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]) return Number(a[k]) - Number(b[k]) || String(a[k]).localeCompare(String(b[k]));
	}
	const x = clauseKey(a.clause);
	const y = clauseKey(b.clause);
	return x[0] - y[0] || x[1] - y[1] || String(a.indicator).localeCompare(String(b.indicator));
}

// clauseSort(row): a sort key for a table's clause column.
export function clauseSort(r) {
	if (r.sort_key !== undefined && r.sort_key !== null) return Number(r.sort_key);
	if (r.plan_order !== undefined && r.plan_order !== null) return Number(r.plan_order);
	const k = clauseKey(r.clause);
	return k[0] * 100 + k[1];
}

// noteCell(row): the view's note (Chinese and English when it has both), at
// most two lines in a table; the whole note as its title.
export function noteCell(r) {
	const zh = r.note_zh;
	const en = r.note_en || r.note;
	if (!zh && !en) return '';
	const all = [zh, en].filter(Boolean).join('\n');
	return el('span', { class: 'note', title: all }, zh ? el('span', { text: zh }) : null, zh && en ? ' ' : null, en ? el('span', { class: zh ? 'en' : null, text: en }) : null);
}

// readingCell(row): how to read the row (reading_zh / reading_en of the view)
// and why it has its class (note), at most three lines; everything as its title.
export function readingCell(r) {
	const zh = r.reading_zh || r.note_zh;
	const en = r.reading_en;
	const why = r.note_en || r.note;
	if (!zh && !en && !why) return '';
	const all = [zh, en, why].filter(Boolean).join('\n');
	return el('span', { class: 'note reading', title: all },
		zh ? el('span', { class: 'rz', text: zh }) : null, zh && en ? ' ' : null, en ? el('span', { class: 'en', text: en }) : null,
		why ? el('span', { class: 'why', text: ` ${why}` }) : null);
}

// basisCell(row): what the target rests on, in the view's words (basis_zh /
// basis_en), and the plan's own words when it quotes them.
const BASIS = {
	plan_number: ['规划数值目标', 'Plan number'],
	plan_direction: ['规划方向目标', 'Plan direction'],
	monitoring: ['监测指标（规划未设目标）', 'Monitoring (no plan target)'],
};
export function basisCell(r) {
	if (!r.basis) return '';
	const b = BASIS[r.basis] || [r.basis, ''];
	return el('span', { class: `basis b-${r.basis}`, 'data-basis': r.basis },
		el('span', { class: 'basis-tag' }, bi(r.basis_zh || b[0], r.basis_en || b[1])),
		r.plan_words ? el('span', { class: 'plan-words', title: `规划原文 the plan: ${r.plan_words}`, text: `“${r.plan_words}”` }) : null);
}
