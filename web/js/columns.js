// columns.js: the columns of the submission log and of the collector status,
// as the province, reporting and submission pages show them.
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
