// trust-chart.js: a small line chart in SVG, no dependency: a score or
// an indicator's value per day. Values are numbers from the API; nothing
// is parsed as markup.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, String(v));
  if (text != null) n.textContent = String(text);
  return n;
}

// lineChart draws points [{date, value}]; max is the top of the y axis
// (100 for a score; else the largest value, at least 1). title labels the
// chart for screen readers.
export function lineChart(points, { title = '', max, width = 640, height = 200 } = {}) {
  const pad = { l: 40, r: 12, t: 12, b: 28 };
  const top = max ?? Math.max(1, ...points.map((p) => p.value));
  const w = width - pad.l - pad.r;
  const hgt = height - pad.t - pad.b;
  const x = (i) => pad.l + (points.length > 1 ? (i * w) / (points.length - 1) : w / 2);
  const y = (v) => pad.t + hgt - (Math.min(v, top) / top) * hgt;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'tr-chart-svg', 'data-points': points.length });
  svg.append(el('title', {}, title));
  svg.append(el('line', { class: 'axis', x1: pad.l, y1: pad.t + hgt, x2: pad.l + w, y2: pad.t + hgt }));
  svg.append(el('line', { class: 'axis', x1: pad.l, y1: pad.t, x2: pad.l, y2: pad.t + hgt }));
  for (const v of [0, top / 2, top]) {
    svg.append(el('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, Number(v.toFixed(2))));
  }
  if (points.length) {
    svg.append(el('text', { x: pad.l, y: height - 8 }, points[0].date));
    svg.append(el('text', { x: pad.l + w, y: height - 8, 'text-anchor': 'end' }, points[points.length - 1].date));
    svg.append(el('polyline', { class: 'line', points: points.map((p, i) => `${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ') }));
    points.forEach((p, i) => {
      const c = el('circle', { class: 'dot', cx: x(i).toFixed(1), cy: y(p.value).toFixed(1), r: 2.5, 'data-date': p.date, 'data-value': p.value });
      c.append(el('title', {}, `${p.date}: ${p.value}`));
      svg.append(c);
    });
  }
  return svg;
}
