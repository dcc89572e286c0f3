// charts.js: chart helpers over Chart.js (Debian's libjs-chart.js, the UMD
// build served at /console/vendor/chart.js, which defines window.Chart).
// The helpers only place the views' values on a period axis; they compute
// nothing.

export const COLORS = {
	actual: '#0b5cad', national: '#12263f', path: '#6c757d', target: '#1a7f37', band: 'rgba(26,127,55,0.12)',
	versions: ['#e8590c', '#ae3ec9', '#1098ad', '#f59f00'],
};

// periodLabels(first, last): "2015Q4".."2020Q4", or "2015".."2020" for years.
export function periodLabels(first, last) {
	const labels = [];
	const q = /Q/.test(first) || /Q/.test(last);
	let y = Number(String(first).slice(0, 4));
	let k = q ? Number(String(first).slice(5)) || 1 : 0;
	const ly = Number(String(last).slice(0, 4));
	const lk = q ? Number(String(last).slice(5)) || 4 : 0;
	while (y < ly || (y === ly && k <= lk)) {
		labels.push(q ? `${y}Q${k}` : String(y));
		if (!q || k === 4) { y += 1; k = q ? 1 : 0; } else { k += 1; }
		if (labels.length > 400) break;
	}
	return labels;
}

// periodOfDate("2018-06-01", quarterly): the period a date falls in.
export function periodOfDate(d, quarterly) {
	const y = String(d).slice(0, 4);
	if (!quarterly) return y;
	return `${y}Q${Math.floor((Number(String(d).slice(5, 7)) - 1) / 3) + 1}`;
}

const on = (labels, points) => labels.map((l) => (points.has(l) ? Number(points.get(l)) : null));

// series(label, points, opts): a line through values by period; opts.revised
// (a Set of periods) draws those points as triangles.
export function series(labels, label, points, opts = {}) {
	const revised = opts.revised || new Set();
	return {
		label, data: on(labels, points), borderColor: opts.color || COLORS.actual, backgroundColor: opts.color || COLORS.actual,
		borderWidth: opts.width || 2, spanGaps: true, tension: 0,
		pointStyle: labels.map((l) => (revised.has(l) ? 'triangle' : 'circle')),
		pointRadius: labels.map((l) => (revised.has(l) ? 7 : points.has(l) ? 3 : 0)),
		order: 1,
	};
}

// path(label, points): the expected path through baseline, expected and target, dashed.
export function path(labels, label, points, color) {
	return { label, data: on(labels, points), borderColor: color || COLORS.path, backgroundColor: color || COLORS.path,
		borderDash: [6, 4], borderWidth: 1.5, spanGaps: true, pointRadius: labels.map((l) => (points.has(l) ? 3 : 0)), order: 2 };
}

// target(label, from, value, upper): a level from period "from" on; a band
// between value and upper for a range target (two datasets).
export function target(labels, label, from, value, upper, color) {
	const i = Math.max(0, labels.indexOf(from));
	const level = (v) => labels.map((_, j) => (j >= i ? Number(v) : null));
	const c = color || COLORS.target;
	const line = { label, data: level(value), borderColor: c, backgroundColor: c, borderWidth: 2, pointRadius: 0, order: 3, stepped: false };
	if (upper === null || upper === undefined) return [line];
	return [line, { label: `${label} (上限 upper)`, data: level(upper), borderColor: c, backgroundColor: COLORS.band, borderWidth: 2,
		pointRadius: 0, fill: '-1', order: 3 }];
}

// lineChart(canvas, labels, datasets, yTitle, {fromZero}): draws, replacing a
// chart already on the canvas; sets canvas.dataset.rendered once drawn.
export function lineChart(canvas, labels, datasets, yTitle, opts = {}) {
	const Chart = window.Chart;
	if (!Chart) throw new Error('Chart.js is not loaded (/console/vendor/chart.js)');
	const old = Chart.getChart(canvas);
	if (old) old.destroy();
	canvas.dataset.rendered = '';
	return new Chart(canvas, {
		type: 'line',
		data: { labels, datasets },
		options: {
			animation: false, responsive: true, maintainAspectRatio: false,
			interaction: { mode: 'index', intersect: false },
			scales: { y: { beginAtZero: !!opts.fromZero, title: { display: !!yTitle, text: yTitle } }, x: { ticks: { autoSkip: true, maxRotation: 0 } } },
			plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 6 } } },
		},
		plugins: [{ id: 'mestat-rendered', afterRender: (c) => { c.canvas.dataset.rendered = 'true'; } }],
	});
}

// classColour(cls): the colour of a progress class, from the stylesheet's variables.
export function classColour(cls) {
	const v = { achieved: '--achieved', on_track: '--on-track', at_risk: '--at-risk', off_track: '--off-track', moving_away: '--moving-away',
		not_achieved: '--not-achieved', insufficient_data: '--insufficient', rising: '--trend', stable: '--trend', falling: '--trend' }[cls];
	const c = v ? getComputedStyle(document.documentElement).getPropertyValue(v).trim() : '';
	return c || '#6c757d';
}

// barChart(canvas, labels, bars, marks, yTitle): one bar per label (bars:
// {label, data, colours}), with optional point marks (e.g. the expected value).
export function barChart(canvas, labels, bars, marks, yTitle) {
	const Chart = window.Chart;
	if (!Chart) throw new Error('Chart.js is not loaded (/console/vendor/chart.js)');
	const old = Chart.getChart(canvas);
	if (old) old.destroy();
	canvas.dataset.rendered = '';
	const datasets = [{ type: 'bar', label: bars.label, data: bars.data, backgroundColor: bars.colours, order: 2 }];
	if (marks) {
		datasets.push({ type: 'line', label: marks.label, data: marks.data, showLine: false, pointStyle: 'line', pointRadius: 9,
			pointBorderWidth: 3, borderColor: '#12263f', backgroundColor: '#12263f', order: 1 });
	}
	return new Chart(canvas, {
		type: 'bar',
		data: { labels, datasets },
		options: {
			animation: false, responsive: true, maintainAspectRatio: false,
			scales: { y: { title: { display: !!yTitle, text: yTitle } }, x: { ticks: { autoSkip: false, maxRotation: 90, minRotation: 60 } } },
			plugins: { legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 6 } } },
		},
		plugins: [{ id: 'mestat-rendered', afterRender: (c) => { c.canvas.dataset.rendered = 'true'; } }],
	});
}

// Printing lays the page out again (A4 width, print heights): redraw every
// chart to its new box, and back after.
function resizeAll() {
	const Chart = window.Chart;
	if (!Chart) return;
	for (const c of Object.values(Chart.instances)) c.resize();
}
window.addEventListener('beforeprint', resizeAll);
window.addEventListener('afterprint', resizeAll);
window.matchMedia('print').addEventListener('change', resizeAll);
