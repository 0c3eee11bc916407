/**
 * A small SVG chart builder: axes with nice ticks, lines with markers, horizontal bars, a legend, escaped text. No
 * dependency: the report is read on GitHub, which shows an SVG as an image (no scripts, no web fonts), so plain
 * shapes and system fonts are all a chart can use anyway, and a charting library would bring a DOM or a canvas.
 * Text widths are estimated from the font size (no font metrics without a renderer), generously, so that labels
 * sized from them do not collide.
 */

const FONT = 'Helvetica, Arial, sans-serif';
/** An average glyph of Helvetica/Arial is about 0.55 em wide; 0.6 leaves room for wide names. */
const EM_WIDTH = 0.6;

/** The colour-blind-safe Okabe-Ito palette without its yellow, which is unreadable on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
/** Marker shapes, cycled with the colours so that series differ in print and for colour-blind readers too. */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;
export type Marker = (typeof MARKERS)[number];

/** `text` safe inside an SVG element or attribute. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** The estimated width in px of `text` at `fontSize`. */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * EM_WIDTH;
}

/** `text` cut with an ellipsis to at most `maxWidth` px at `fontSize`. */
export function fitText(text: string, fontSize: number, maxWidth: number): string {
  const chars = [...text];
  const room = Math.floor(maxWidth / (fontSize * EM_WIDTH));
  return chars.length <= room ? text : `${chars.slice(0, Math.max(1, room - 1)).join('')}…`;
}

/** A number as an attribute: two decimals at most, so files stay small and the same input gives the same bytes. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

type Attrs = Record<string, string | number | undefined>;

function element(name: string, attrs: Attrs, content?: string): string {
  const text = Object.entries(attrs)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? n(value) : escapeXml(value!)}"`)
    .join('');
  return content === undefined ? `<${name}${text}/>` : `<${name}${text}>${content}</${name}>`;
}

function textAt(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return element('text', { x, y, 'font-size': 12, ...attrs }, escapeXml(content));
}

function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    element('svg', {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${n(width)} ${n(height)}`,
      'font-family': FONT,
      role: 'img',
    }).replace(/\/>$/, '>'),
    element('title', {}, escapeXml(title)),
    // GitHub's dark theme shows an image on a dark page: without a background, black text would vanish
    element('rect', { width, height, fill: '#ffffff' }),
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** An axis: its domain and where its ticks go. */
export interface Scale {
  readonly min: number;
  readonly max: number;
  readonly ticks: readonly number[];
  readonly log: boolean;
  /** The tick labels, formatted with as many decimals as the step needs. */
  readonly labels: readonly string[];
}

/**
 * Linear ticks at 1, 2, 2.5 or 5 x a power of ten, about `count` of them, over a domain widened to whole ticks so
 * that the axis starts and ends on a labelled value.
 */
export function linearScale(min: number, max: number, count = 6): Scale {
  if (!(max > min)) max = min === 0 ? 1 : min + Math.abs(min);
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const from = Math.floor(min / step + 1e-9) * step;
  const to = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; from + i * step <= to + step * 1e-9; i++) ticks.push(Number((from + i * step).toPrecision(12)));
  const decimals = Math.max(0, ...ticks.map((t) => (String(t).split('.')[1] ?? '').length));
  return { min: from, max: to, ticks, log: false, labels: ticks.map((t) => formatNumber(t, decimals)) };
}

/**
 * Logarithmic ticks at 1, 2 and 5 x each power of ten, for data spanning decades (latency past saturation is tens
 * of times the idle latency; on a linear axis the steps before it would lie flat on the floor).
 */
export function logScale(min: number, max: number): Scale {
  const candidates: number[] = [];
  for (let e = Math.floor(Math.log10(min)) - 1; e <= Math.ceil(Math.log10(max)) + 1; e++) {
    for (const m of [1, 2, 5]) candidates.push(Number((m * 10 ** e).toPrecision(12)));
  }
  const from = [...candidates].reverse().find((c) => c <= min) ?? candidates[0];
  const to = candidates.find((c) => c >= max) ?? candidates[candidates.length - 1];
  const ticks = candidates.filter((c) => c >= from && c <= to);
  const labels = ticks.map((t) => formatNumber(t, Math.max(0, -Math.floor(Math.log10(t)))));
  return { min: from, max: to, ticks, log: true, labels };
}

function formatNumber(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** The px position of `value` on `scale` drawn from `from` px (its min) to `to` px (its max). */
function position(scale: Scale, value: number, from: number, to: number): number {
  const t = scale.log
    ? (Math.log10(value) - Math.log10(scale.min)) / (Math.log10(scale.max) - Math.log10(scale.min))
    : (value - scale.min) / (scale.max - scale.min);
  return from + t * (to - from);
}

function marker(shape: Marker, x: number, y: number, color: string, hollow: boolean): string {
  const paint = { fill: hollow ? '#ffffff' : color, stroke: color, 'stroke-width': 1.5 };
  const r = 4;
  switch (shape) {
    case 'circle':
      return element('circle', { cx: x, cy: y, r, ...paint });
    case 'square':
      return element('rect', { x: x - r, y: y - r, width: 2 * r, height: 2 * r, ...paint });
    case 'triangle':
      return element('path', {
        d: `M${n(x)} ${n(y - r - 1)}L${n(x + r + 1)} ${n(y + r)}L${n(x - r - 1)} ${n(y + r)}Z`,
        ...paint,
      });
    case 'diamond':
      return element('path', {
        d: `M${n(x)} ${n(y - r - 1)}L${n(x + r + 1)} ${n(y)}L${n(x)} ${n(y + r + 1)}L${n(x - r - 1)} ${n(y)}Z`,
        ...paint,
      });
  }
}

/** How a line is drawn; also what its legend entry shows. */
export interface LineStyle {
  readonly color: string;
  readonly marker?: Marker;
  /** Markers filled white inside their outline. */
  readonly hollow?: boolean;
  /** An SVG stroke-dasharray; absent: solid. */
  readonly dash?: string;
}

export interface LineSeries extends LineStyle {
  /** (x, y) in data units, drawn in this order. */
  readonly points: readonly (readonly [number, number])[];
}

export interface LegendEntry extends LineStyle {
  readonly label: string;
  /** Starts a row of its own: the key to line styles reads apart from the series. */
  readonly newRow?: boolean;
}

/** How a reference line is drawn, across the plot and in the legend. */
const REFERENCE: LineStyle = { color: '#777777', dash: '2 3' };

export interface LineChartSpec {
  readonly title: string;
  /** Axis titles, with their units. */
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly LineSeries[];
  readonly legend: readonly LegendEntry[];
  /**
   * Horizontal lines across the plot (a latency target); their values are kept inside the y axis. Their labels go in
   * the legend, after the other entries: written on the plot they would run over the markers near the line.
   */
  readonly references?: readonly { readonly y: number; readonly label: string }[];
  /** The x axis starts at 0 (throughput: the reader compares distances from nothing). */
  readonly xFromZero?: boolean;
  /** A logarithmic y axis when the largest y is this many times the smallest or more; absent: always linear. */
  readonly yLogFromRatio?: number;
}

const WIDTH = 820;

/** A line chart with markers: the plot, its axes with titles and ticks, reference lines, and the legend below. */
export function lineChart(spec: LineChartSpec): string {
  // an empty chart still gets axes (every step without a throughput): a domain of 0 to 1
  const xs = [...spec.series.flatMap((s) => s.points.map((p) => p[0])), ...(spec.xFromZero ? [0] : [])];
  const ys = [...spec.series.flatMap((s) => s.points.map((p) => p[1])), ...(spec.references ?? []).map((r) => r.y)];
  if (xs.length === 0) xs.push(0);
  if (ys.length === 0) ys.push(0);
  const positive = ys.filter((y) => y > 0);
  const yMin = Math.min(...positive);
  const yMax = Math.max(...ys);
  const useLog = spec.yLogFromRatio !== undefined && positive.length > 0 && yMax / yMin >= spec.yLogFromRatio;
  const xScale = linearScale(Math.min(...xs), Math.max(...xs));
  const yScale = useLog ? logScale(yMin, yMax) : linearScale(0, yMax);

  const tickWidth = Math.max(...yScale.labels.map((l) => textWidth(l, 12)));
  const left = 36 + tickWidth + 10;
  const right = 28;
  const top = 44;
  const plotWidth = WIDTH - left - right;
  const plotHeight = 340;
  const bottom = top + plotHeight;
  const references = (spec.references ?? []).map((r) => ({ ...REFERENCE, label: r.label }));
  const legend = legendRows([...spec.legend, ...references], WIDTH - 2 * 16);
  const height = bottom + 64 + legend.rows.length * 22 + 8;
  const px = (x: number) => position(xScale, x, left, left + plotWidth);
  // a log axis has no 0: a sub-tick latency sits on the floor rather than at minus infinity
  const py = (y: number) => position(yScale, useLog ? Math.max(y, yScale.min) : y, bottom, top);

  const body: string[] = [];
  body.push(textAt(WIDTH / 2, 24, spec.title, { 'font-size': 16, 'font-weight': 'bold', 'text-anchor': 'middle' }));
  // the grid and the tick labels
  yScale.ticks.forEach((tick, i) => {
    const y = py(tick);
    body.push(element('line', { x1: left, y1: y, x2: left + plotWidth, y2: y, stroke: '#e5e5e5' }));
    body.push(textAt(left - 8, y + 4, yScale.labels[i], { 'text-anchor': 'end', fill: '#333333' }));
  });
  const xLabelEvery = Math.ceil(
    (Math.max(...xScale.labels.map((l) => textWidth(l, 12))) + 12) / (plotWidth / Math.max(1, xScale.ticks.length - 1)),
  );
  xScale.ticks.forEach((tick, i) => {
    const x = px(tick);
    body.push(element('line', { x1: x, y1: top, x2: x, y2: bottom, stroke: '#e5e5e5' }));
    body.push(element('line', { x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: '#333333' }));
    if (i % xLabelEvery === 0) {
      body.push(textAt(x, bottom + 19, xScale.labels[i], { 'text-anchor': 'middle', fill: '#333333' }));
    }
  });
  body.push(
    element('rect', { x: left, y: top, width: plotWidth, height: plotHeight, fill: 'none', stroke: '#333333' }),
  );
  // axis titles
  body.push(textAt(left + plotWidth / 2, bottom + 42, spec.xTitle, { 'text-anchor': 'middle', 'font-size': 13 }));
  const yTitleX = 18;
  const yTitleY = top + plotHeight / 2;
  body.push(
    textAt(yTitleX, yTitleY, spec.yTitle, {
      'text-anchor': 'middle',
      'font-size': 13,
      transform: `rotate(-90 ${n(yTitleX)} ${n(yTitleY)})`,
    }),
  );
  for (const reference of spec.references ?? []) {
    const y = py(reference.y);
    body.push(
      element('line', {
        x1: left,
        y1: y,
        x2: left + plotWidth,
        y2: y,
        stroke: REFERENCE.color,
        'stroke-width': 2,
        'stroke-dasharray': REFERENCE.dash,
      }),
    );
  }
  for (const series of spec.series) {
    const points = series.points.map(([x, y]) => `${n(px(x))},${n(py(y))}`).join(' ');
    body.push(
      element('polyline', {
        points,
        fill: 'none',
        stroke: series.color,
        'stroke-width': 2,
        'stroke-dasharray': series.dash,
        'stroke-linejoin': 'round',
      }),
    );
    if (series.marker) {
      for (const [x, y] of series.points) body.push(marker(series.marker, px(x), py(y), series.color, !!series.hollow));
    }
  }
  body.push(...legendElements(legend, 16, bottom + 64));
  return svgDocument(WIDTH, height, spec.title, body);
}

/** The legend laid out in rows that fit `width`, in the order given. */
function legendRows(entries: readonly LegendEntry[], width: number): { rows: { entry: LegendEntry; x: number }[][] } {
  const rows: { entry: LegendEntry; x: number }[][] = [[]];
  let x = 0;
  for (const entry of entries) {
    const label = fitText(entry.label, 12, width - 40);
    const entryWidth = 34 + textWidth(label, 12) + 18;
    if (x > 0 && (entry.newRow || x + entryWidth > width)) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1].push({ entry: { ...entry, label }, x });
    x += entryWidth;
  }
  return { rows: rows.filter((row) => row.length > 0) };
}

function legendElements(legend: ReturnType<typeof legendRows>, left: number, top: number): string[] {
  const out: string[] = [];
  legend.rows.forEach((row, r) => {
    const y = top + r * 22;
    for (const { entry, x } of row) {
      const at = left + x;
      out.push(
        element('line', {
          x1: at,
          y1: y,
          x2: at + 26,
          y2: y,
          stroke: entry.color,
          'stroke-width': 2,
          'stroke-dasharray': entry.dash,
        }),
      );
      if (entry.marker) out.push(marker(entry.marker, at + 13, y, entry.color, !!entry.hollow));
      out.push(textAt(at + 34, y + 4, entry.label, { fill: '#222222' }));
    }
  });
  return out;
}

export interface Bar {
  readonly label: string;
  /** The bar's length in x units; null: no bar, `valueLabel` in grey instead (why there is no value). */
  readonly value: number | null;
  /** Written at the bar's end. */
  readonly valueLabel: string;
  readonly color: string;
}

export interface BarChartSpec {
  readonly title: string;
  /** The value axis's title, with its unit. */
  readonly xTitle: string;
  readonly bars: readonly Bar[];
}

/** Horizontal bars, one a row in the order given, each labelled on the left and with its value at its end. */
export function barChart(spec: BarChartSpec): string {
  const values = spec.bars.map((b) => b.value).filter((v): v is number => v !== null);
  const scale = linearScale(0, values.length ? Math.max(...values) : 1, 5);
  const labels = spec.bars.map((b) => fitText(b.label, 12, 400));
  const left = 16 + Math.max(...labels.map((l) => textWidth(l, 12))) + 12;
  const valueRoom = Math.max(...spec.bars.filter((b) => b.value !== null).map((b) => textWidth(b.valueLabel, 12)), 0);
  const right = 16 + valueRoom + 8;
  const plotWidth = Math.max(260, WIDTH - left - right);
  // a row without a bar says why from the axis on; the chart widens rather than cut it
  const notes = spec.bars.filter((b) => b.value === null).map((b) => textWidth(b.valueLabel, 12));
  const width = Math.max(left + plotWidth + right, left + 8 + Math.max(0, ...notes) + 16);
  const top = 44;
  const rowHeight = 30;
  const plotHeight = spec.bars.length * rowHeight + 10;
  const bottom = top + plotHeight;
  const height = bottom + 56;
  const px = (x: number) => position(scale, x, left, left + plotWidth);

  const body: string[] = [];
  body.push(textAt(width / 2, 24, spec.title, { 'font-size': 16, 'font-weight': 'bold', 'text-anchor': 'middle' }));
  // without a single bar, ticks would show a made-up scale: the rows' notes say all there is
  (values.length ? scale.ticks : []).forEach((tick, i) => {
    const x = px(tick);
    body.push(element('line', { x1: x, y1: top, x2: x, y2: bottom, stroke: '#e5e5e5' }));
    body.push(element('line', { x1: x, y1: bottom, x2: x, y2: bottom + 5, stroke: '#333333' }));
    body.push(textAt(x, bottom + 19, scale.labels[i], { 'text-anchor': 'middle', fill: '#333333' }));
  });
  spec.bars.forEach((bar, i) => {
    const y = top + 5 + i * rowHeight;
    const middle = y + rowHeight / 2;
    body.push(textAt(left - 10, middle + 4, labels[i], { 'text-anchor': 'end', fill: '#222222' }));
    if (bar.value === null) {
      body.push(textAt(left + 8, middle + 4, bar.valueLabel, { fill: '#777777', 'font-style': 'italic' }));
      return;
    }
    const end = px(bar.value);
    body.push(
      element('rect', { x: left, y: y + 4, width: Math.max(1, end - left), height: rowHeight - 8, fill: bar.color }),
    );
    body.push(textAt(end + 6, middle + 4, bar.valueLabel, { fill: '#222222', 'font-weight': 'bold' }));
  });
  body.push(element('line', { x1: left, y1: top, x2: left, y2: bottom, stroke: '#333333' }));
  body.push(element('line', { x1: left, y1: bottom, x2: left + plotWidth, y2: bottom, stroke: '#333333' }));
  body.push(textAt(left + plotWidth / 2, bottom + 42, spec.xTitle, { 'text-anchor': 'middle', 'font-size': 13 }));
  return svgDocument(width, height, spec.title, body);
}
