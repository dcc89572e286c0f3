// progress.js: how a row of report.progress / progress_by_reporter is shown:
// its target, its latest value with the period, and its measure of progress.
// Formatting only.
import { el, bi, fmtNum, fmtPct } from './ui.js';

// targetText(row): "T", "≥ T", "L – U", or the direction for a direction-only target.
export function targetText(r) {
	const kind = r.target_kind;
	if (kind === 'range') return el('span', { class: 'target', 'data-raw': `${r.target_value}–${r.target_upper}` }, `${fmtNum(r.target_value)} – ${fmtNum(r.target_upper)}`);
	if (kind === 'at_least') return el('span', { class: 'target', 'data-raw': r.target_value }, `≥ ${fmtNum(r.target_value)}`);
	if (kind === 'direction' || r.target_value === null || r.target_value === undefined) {
		return r.direction === 'decrease' ? bi('↓ 下降', 'decrease') : bi('↑ 增长', 'increase');
	}
	return el('span', { class: 'target', 'data-raw': r.target_value }, fmtNum(r.target_value));
}

// valueWithPeriod(row, key): the value and, small, the period it belongs to.
export function valueWithPeriod(r, key) {
	const v = r[key];
	if (v === null || v === undefined) return el('span', { class: 'muted', text: '—' });
	return el('span', {}, el('span', { class: 'v', 'data-raw': v, text: fmtNum(v) }), r.period ? el('span', { class: 'en', text: r.period }) : null);
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

// planOrder(a, b): the plan's own order when the view gives it, else clause then indicator.
export function planOrder(a, b) {
	for (const k of ['plan_order', 'sort_key', 'plan_position']) {
		if (a[k] !== undefined && b[k] !== undefined && a[k] !== b[k]) return Number(a[k]) - Number(b[k]) || String(a[k]).localeCompare(String(b[k]));
	}
	return String(a.clause || '').localeCompare(String(b.clause || ''), 'zh-CN') || String(a.indicator).localeCompare(String(b.indicator));
}
