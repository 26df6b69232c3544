// Small hand-written SVG charts for the reports: bars (grouped or stacked,
// vertical or horizontal), a line chart and a weekday × hour heat map.
// Hand-written because the workspace has no build step (files are served
// as they are) and three chart kinds fit in this file; a library would be
// a bundle of 100 KB+ to vendor or build. Every chart is role="img" with a
// label, and every report page shows the numbers as a table beside it, so
// a screen reader (and print) reads the table. Colours keep 3:1 contrast
// against white and differ in lightness too, so print in grey still reads.

const NS = 'http://www.w3.org/2000/svg';
export const PALETTE = ['#0b57d0', '#b3261e', '#1e6b34', '#8a4b00', '#6b3fa0', '#00687a', '#5c5f66', '#a1004f'];

function s(tag, attrs, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const k of kids.flat()) if (k !== null && k !== undefined) el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  return el;
}

function frame(w, hgt, label) {
  return s('svg', { viewBox: `0 0 ${w} ${hgt}`, width: '100%', role: 'img', 'aria-label': label, class: 'chart', preserveAspectRatio: 'xMinYMin meet' });
}

// Default labels: whole numbers, one decimal below 10.
const plain = (v) => String(Math.abs(v) < 10 ? Math.round(v * 10) / 10 : Math.round(v));

// A "nice" maximum for the axis: 1, 2 or 5 × 10^n at or above max.
function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max);
}

// A colour sample for a legend written in HTML beside a chart (one whose
// entries carry more than a name, such as a presence state's symbol and
// spoken category): the words say what a series is, the colour only ties
// them to the bars.
export function swatch(color) {
  return s('svg', { viewBox: '0 0 10 10', width: 12, height: 12, class: 'swatch', 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { width: 10, height: 10, fill: color }));
}

function legend(svg, series, x, y) {
  if (series.length < 2) return;
  series.forEach((ser, i) => {
    const lx = x + i * 120;
    svg.append(s('rect', { x: lx, y: y - 9, width: 10, height: 10, fill: ser.color || PALETTE[i % PALETTE.length] }),
      s('text', { x: lx + 14, y, class: 'chart-text' }, ser.name));
  });
}

// Show every step-th axis label so none overlap: the widest label's
// estimated width (Hangul about 12 px a character, the rest about 7) plus a
// gap, over the width each label has.
function labelStep(labels, slot) {
  const width = (t) => [...String(t)].reduce((a, ch) => a + (/[\u3131-\uD7A3]/.test(ch) ? 12 : 7), 0);
  const widest = Math.max(0, ...labels.map(width)) + 10;
  return Math.max(1, Math.ceil(widest / Math.max(slot, 1)));
}

// bars({labels, series: [{name, values, color?}], stacked, label, format})
export function bars({ labels, series, stacked = false, label, format = plain }) {
  const W = 720, H = 260, L = 48, B = 56, T = 24;
  const n = labels.length;
  const totals = labels.map((_, i) => (stacked ? series.reduce((a, ser) => a + (ser.values[i] || 0), 0)
    : Math.max(0, ...series.map((ser) => ser.values[i] || 0))));
  const max = niceMax(Math.max(0, ...totals));
  const svg = frame(W, H, label);
  const plotW = W - L - 8, plotH = H - B - T;
  for (let k = 0; k <= 4; k++) {
    const y = T + plotH - (plotH * k) / 4;
    svg.append(s('line', { x1: L, x2: W - 8, y1: y, y2: y, class: 'chart-grid' }),
      s('text', { x: L - 4, y: y + 4, 'text-anchor': 'end', class: 'chart-text' }, format((max * k) / 4)));
  }
  const slot = n ? plotW / n : plotW;
  const step = labelStep(labels, slot);
  const bw = Math.max(2, Math.min(40, slot * 0.7));
  labels.forEach((lab, i) => {
    const x0 = L + i * slot + (slot - bw) / 2;
    let base = T + plotH;
    series.forEach((ser, j) => {
      const v = ser.values[i] || 0;
      const hh = (plotH * v) / max;
      const w = stacked ? bw : bw / series.length;
      const x = stacked ? x0 : x0 + j * w;
      const y = stacked ? base - hh : T + plotH - hh;
      const r = s('rect', { x, y, width: Math.max(1, w - 1), height: hh, fill: ser.color || PALETTE[j % PALETTE.length] },
        s('title', {}, `${lab} · ${ser.name}: ${format(v)}`));
      svg.append(r);
      if (stacked) base -= hh;
    });
    if (i % step === 0) {
      svg.append(s('text', { x: L + i * slot + slot / 2, y: T + plotH + 14, 'text-anchor': 'middle', class: 'chart-text' }, lab));
    }
  });
  legend(svg, series, L, H - 8);
  return svg;
}

// hbars({labels, series, stacked, label, format}): one row per label, for
// long names (agents, keywords). key: false leaves out the drawn legend
// (the page writes its own beside the chart).
export function hbars({ labels, series, stacked = true, label, format = plain, key = true }) {
  const row = 22, L = 150, R = 96, T = 8; // R: room for a total such as "12 h 59 min"
  const W = 720, H = T + labels.length * row + (key ? 30 : 8);
  const totals = labels.map((_, i) => series.reduce((a, ser) => a + (ser.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...(stacked ? totals : series.flatMap((x) => x.values))));
  const svg = frame(W, H, label);
  const plotW = W - L - R;
  labels.forEach((lab, i) => {
    const y = T + i * row;
    svg.append(s('text', { x: L - 6, y: y + 14, 'text-anchor': 'end', class: 'chart-text' }, String(lab).slice(0, 22)));
    let x = L;
    series.forEach((ser, j) => {
      const v = ser.values[i] || 0;
      const w = (plotW * v) / max;
      svg.append(s('rect', { x, y: y + 3, width: w, height: row - 8, fill: ser.color || PALETTE[j % PALETTE.length] },
        s('title', {}, `${lab} · ${ser.name}: ${format(v)}`)));
      if (stacked) x += w;
    });
    svg.append(s('text', { x: (stacked ? x : L + (plotW * (series[0].values[i] || 0)) / max) + 4, y: y + 14, class: 'chart-text' },
      format(stacked ? totals[i] : series[0].values[i] || 0)));
  });
  if (key) legend(svg, series, L, H - 6);
  return svg;
}

// line({labels, series, label, format})
export function line({ labels, series, label, format = plain }) {
  const W = 720, H = 240, L = 48, B = 48, T = 16;
  const max = niceMax(Math.max(0, ...series.flatMap((x) => x.values)));
  const svg = frame(W, H, label);
  const plotW = W - L - 8, plotH = H - B - T, n = labels.length;
  const X = (i) => L + (n > 1 ? (plotW * i) / (n - 1) : plotW / 2);
  const Y = (v) => T + plotH - (plotH * v) / max;
  for (let k = 0; k <= 4; k++) {
    const y = T + plotH - (plotH * k) / 4;
    svg.append(s('line', { x1: L, x2: W - 8, y1: y, y2: y, class: 'chart-grid' }),
      s('text', { x: L - 4, y: y + 4, 'text-anchor': 'end', class: 'chart-text' }, format((max * k) / 4)));
  }
  series.forEach((ser, j) => {
    const color = ser.color || PALETTE[j % PALETTE.length];
    const d = ser.values.map((v, i) => `${i ? 'L' : 'M'}${X(i).toFixed(1)},${Y(v || 0).toFixed(1)}`).join(' ');
    svg.append(s('path', { d, fill: 'none', stroke: color, 'stroke-width': 2 }));
    ser.values.forEach((v, i) => svg.append(s('circle', { cx: X(i), cy: Y(v || 0), r: 3, fill: color },
      s('title', {}, `${labels[i]} · ${ser.name}: ${format(v || 0)}`))));
  });
  const step = labelStep(labels, plotW / Math.max(n, 1));
  labels.forEach((lab, i) => {
    if (i % step === 0) {
      svg.append(s('text', { x: X(i), y: T + plotH + 14, 'text-anchor': 'middle', class: 'chart-text' }, lab));
    }
  });
  legend(svg, series, L, H - 6);
  return svg;
}

// heat({rows, cols, value(r, c), label}): rows × cols cells shaded by
// value, the number written in each non-empty cell (print and colour-blind
// readers get the figure, not only the shade).
export function heat({ rows, cols, value, label }) {
  const cw = 26, ch = 24, L = 44, T = 18;
  const W = L + cols.length * cw + 4, H = T + rows.length * ch + 4;
  let max = 0;
  rows.forEach((_, r) => cols.forEach((__, c) => { max = Math.max(max, value(r, c)); }));
  const svg = frame(W, H, label);
  cols.forEach((c, i) => svg.append(s('text', { x: L + i * cw + cw / 2, y: T - 5, 'text-anchor': 'middle', class: 'chart-text' }, c)));
  rows.forEach((rname, r) => {
    svg.append(s('text', { x: L - 6, y: T + r * ch + 16, 'text-anchor': 'end', class: 'chart-text' }, rname));
    cols.forEach((cname, c) => {
      const v = value(r, c);
      const a = max ? v / max : 0;
      // From white to the accent blue; dark cells get white figures.
      const mix = (x, y) => Math.round(x + (y - x) * a);
      const fill = `rgb(${mix(255, 11)},${mix(255, 87)},${mix(255, 208)})`;
      svg.append(s('rect', { x: L + c * cw, y: T + r * ch, width: cw - 2, height: ch - 2, fill, class: 'heat-cell' },
        s('title', {}, `${rname} ${cname}: ${v}`)));
      if (v) {
        svg.append(s('text', { x: L + c * cw + cw / 2 - 1, y: T + r * ch + 15, 'text-anchor': 'middle',
          class: a > 0.5 ? 'chart-text heat-dark' : 'chart-text' }, v));
      }
    });
  });
  return svg;
}
