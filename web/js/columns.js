// columns.js: the columns of the submission log, of the collector status and
// of the reporting cycle, as the province, reporting and submission pages show them.
import { el, bi, fmtTime, countsText } from './ui.js';

export function submissionColumns(withReporter) {
	return [
		{ key: 'id', zh: '编号', en: 'Id', num: true, cell: (r) => el('span', { class: 'mono', text: String(r.id) }) },
		{ key: 'received_at', zh: '接收时间', en: 'Received (Beijing)', cls: 'nowrap', cell: (r) => fmtTime(r.received_at) },
		withReporter ? { key: 'reporter', zh: '地区', en: 'Reporter', cell: (r) => (r.reporter ? el('a', { href: `province.html?reporter=${encodeURIComponent(r.reporter)}` }, bi(r.reporter_name_zh || r.reporter, r.reporter_name_en)) : el('span', { class: 'muted', text: r.client_identity || '—' })) } : null,
		{ key: 'via', zh: '方式', en: 'Via', cell: (r) => [r.via || '', r.source ? el('span', { class: 'en', text: r.source }) : null] },
		{ key: 'format', zh: '格式', en: 'Format' },
		{ key: 'outcome', zh: '结果', en: 'Outcome', cell: (r) => el('span', { class: `tag ${r.outcome}`, text: r.outcome || '' }) },
		{ key: 'http_status', zh: '状态码', en: 'HTTP', num: true, cell: (r) => String(r.http_status ?? '') },
		{ id: 'counts', zh: '变更', en: 'Changes', cls: 'nowrap', cell: (r) => countsText(r.counts) },
		{ key: 'error_summary', zh: '拒收原因', en: 'Why refused', cls: 'wrap' },
		// An accepted submission has a signed receipt: GET /api/v1/submissions/{id}
		// answers the console session with it (a province only for its own).
		{ id: 'receipt', zh: '回执', en: 'Receipt', cell: (r) => (r.outcome === 'accepted' && r.id != null ? el('a', { class: 'receipt', href: `/api/v1/submissions/${encodeURIComponent(r.id)}`, target: '_blank', rel: 'noopener' }, bi('回执', 'receipt')) : '—') },
	].filter(Boolean);
}

export function sourceColumns() {
	return [
		{ key: 'source', zh: '采集源', en: 'Source', cell: (r) => el('span', { class: 'mono', text: r.source }) },
		{ key: 'reporter', zh: '地区', en: 'Reporter', cell: (r) => bi(r.reporter_name_zh || r.reporter || '', r.reporter_name_en) },
		{ key: 'format', zh: '格式', en: 'Format' },
		{ key: 'state', zh: '状态', en: 'State', cell: (r) => el('span', { class: `tag ${r.state}` }, bi(r.state_zh || r.state, r.state_en)) },
		{ key: 'last_success', zh: '最近成功', en: 'Last success', cls: 'nowrap', cell: (r) => fmtTime(r.last_success) },
		{ key: 'last_attempt', zh: '最近尝试', en: 'Last attempt', cls: 'nowrap', cell: (r) => fmtTime(r.last_attempt) },
		{ key: 'consecutive_failures', zh: '连续失败', en: 'Failures', num: true, cell: (r) => String(r.consecutive_failures ?? '') },
		{ key: 'last_error', zh: '最近错误', en: 'Last error', cls: 'wrap', cell: (r) => (r.last_error ? [el('span', { class: 'tag', text: r.last_error_class || '' }), ' ', r.last_error] : '') },
		{ key: 'next_run', zh: '下次运行', en: 'Next run', cls: 'nowrap', cell: (r) => fmtTime(r.next_run) },
	];
}

// The states of report.reporting_cycle: the view's state_zh is shown, with
// this English beside it; an unknown state is shown as its text.
export const CYCLE_STATES = {
	open: { zh: '未完成', en: 'Open' },
	complete: { zh: '已完成待审核', en: 'Complete, awaiting acceptance' },
	accepted: { zh: '已审核锁定', en: 'Accepted' },
	returned: { zh: '已退回', en: 'Returned' },
	locked: { zh: '已锁定', en: 'Locked' },
};

export function cycleState(r) {
	const s = CYCLE_STATES[r.state] || { zh: r.state || '', en: '' };
	return el('span', { class: `tag cy-${r.state}`, 'data-state': r.state || '' }, bi(r.state_zh || s.zh, s.en));
}

// whoWhen(at, by): "2026-11-30 17:31 · 规划处 Li", or — when it did not happen.
function whoWhen(at, by) {
	if (!at) return '—';
	return [fmtTime(at), by ? el('span', { class: 'en', text: by }) : null];
}

// The columns of report.reporting_cycle a page reads (?columns=): a column
// shown by cycleColumns() must be named here.
export const CYCLE_COLUMNS = ['reporter', 'reporter_name_zh', 'reporter_name_en', 'period', 'state', 'state_zh', 'due_date',
	'completed_at', 'completed_by', 'completed_on_time', 'accepted_at', 'accepted_by', 'returned_at', 'returned_by',
	'return_reason', 'locked_at', 'locked_by'];

export function cycleColumns(withReporter) {
	return [
		withReporter ? { key: 'reporter', zh: '地区', en: 'Reporter', cell: (r) => el('a', { href: `province.html?reporter=${encodeURIComponent(r.reporter)}` }, bi(r.reporter_name_zh || r.reporter, r.reporter_name_en)) } : null,
		{ key: 'period', zh: '报告期', en: 'Period', cls: 'nowrap' },
		{ key: 'state', zh: '状态', en: 'State', cell: cycleState },
		{ key: 'due_date', zh: '截止日期', en: 'Due', cls: 'nowrap' },
		{ key: 'completed_at', zh: '完成时间', en: 'Completed (Beijing)', cls: 'nowrap',
			cell: (r) => [whoWhen(r.completed_at, r.completed_by), r.completed_on_time === false ? el('span', { class: 'tag late' }, bi('逾期', 'late')) : null] },
		{ key: 'accepted_at', zh: '审核时间', en: 'Accepted (Beijing)', cls: 'nowrap', cell: (r) => whoWhen(r.accepted_at, r.accepted_by) },
		{ key: 'returned_at', zh: '退回时间', en: 'Returned (Beijing)', cls: 'nowrap', cell: (r) => whoWhen(r.returned_at, r.returned_by) },
		{ key: 'return_reason', zh: '退回原因', en: 'Why returned', cls: 'wrap' },
		{ key: 'locked_at', zh: '锁定时间', en: 'Locked (Beijing)', cls: 'nowrap', cell: (r) => whoWhen(r.locked_at, r.locked_by) },
	].filter(Boolean);
}

// returnedNotes(rows): each quarter now returned, its reason in full, who
// returned it and when; the province has to correct and complete it again.
export function returnedNotes(rows) {
	return rows.filter((r) => r.state === 'returned').map((r) => el('div', { class: 'returned-note', 'data-period': r.period },
		el('div', { class: 'head' }, el('strong', { text: r.period }), ' ', cycleState(r), ' ',
			bi(`由 ${r.returned_by || '—'} 于 ${fmtTime(r.returned_at)}（北京时间）退回，请修改后重新完成填报`,
				`returned by ${r.returned_by || '—'} on ${fmtTime(r.returned_at)} Beijing time; correct it and complete it again`)),
		el('p', { class: 'reason', text: r.return_reason || '' })));
}
