import type { TopLevelSpec } from 'vega-lite';
import { axisLayout, tickLabelExpr } from './axis-ticks.js';
import { PAPER_CONFIG } from './plot-style.js';
import { renderVegaLite, type Plot } from './render.js';

/** One curve: `y[i]` at `x[i]`; `x` may hold `Infinity` (e.g. D = ∞). */
export interface LineSeries {
  /** Legend entry, e.g. "PFGM (Euler)". Unique within a plot. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Optional ± error half-widths (e.g. std over seeds), drawn as error bars. */
  yErr?: ArrayLike<number>;
}

/** Options of {@link linePlot}. */
export interface LinePlotOptions {
  series: readonly LineSeries[];
  xLabel: string;
  yLabel: string;
  title?: string;
  /** Log-scaled x (PFGM Fig. 3c: FID vs NFE). Default false. */
  logX?: boolean;
  /** Log-scaled y. Default false. */
  logY?: boolean;
  /** Tick label for x = +∞. Default '∞'. */
  infinityLabel?: string;
  /** Legend place: outside right (default, never hides data), inside a corner, or none. */
  legend?: 'right' | 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';
  /** Plot area size in px. Defaults 360 × 240. */
  width?: number;
  height?: number;
}

/** Marker cycle (matplotlib's o, s, ^, D, v, P, >). */
const MARKERS = ['circle', 'square', 'triangle-up', 'diamond', 'triangle-down', 'cross', 'triangle-right'];

interface Row { series: string; x: number; y: number; lo?: number; hi?: number; seg: 'main' | 'inf' | 'bridge' }

function checkSeries(opts: LinePlotOptions): void {
  if (opts.series.length === 0) throw new Error('linePlot: no series; pass at least one { name, x, y }');
  const names = new Set<string>();
  for (const s of opts.series) {
    if (names.has(s.name)) throw new Error(`linePlot: series name ${JSON.stringify(s.name)} is used twice; names must be unique`);
    names.add(s.name);
    if (s.x.length !== s.y.length || (s.yErr && s.yErr.length !== s.y.length))
      throw new Error(`linePlot: series ${JSON.stringify(s.name)} has ${s.x.length} x, ${s.y.length} y` +
        (s.yErr ? `, ${s.yErr.length} yErr` : '') + ' values; they must have the same length');
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i];
      if (Number.isNaN(x) || x === -Infinity)
        throw new Error(`linePlot: series ${JSON.stringify(s.name)} x[${i}] = ${x}; x must be a number or +Infinity`);
      if (opts.logX && !(x > 0))
        throw new Error(`linePlot: logX needs x > 0, series ${JSON.stringify(s.name)} has x[${i}] = ${x}; drop it or use a linear axis`);
    }
  }
}

/** Flattens series to rows; a point with non-finite y (or y ≤ 0 on a log y axis) is dropped and counted. */
function toRows(opts: LinePlotOptions, infinityAt: number | null): { rows: Row[]; dropped: number } {
  const rows: Row[] = [];
  let dropped = 0;
  for (const s of opts.series) {
    let lastFinite: Row | undefined;
    let infRow: Row | undefined;
    for (let i = 0; i < s.x.length; i++) {
      const y = s.y[i];
      if (!Number.isFinite(y) || (opts.logY && !(y > 0))) { dropped++; continue; }
      const isInf = s.x[i] === Infinity;
      const err = s.yErr?.[i];
      const row: Row = { series: s.name, x: isInf ? (infinityAt as number) : s.x[i], y, seg: isInf ? 'inf' : 'main' };
      if (err !== undefined && Number.isFinite(err)) Object.assign(row, { lo: y - err, hi: y + err });
      rows.push(row);
      if (isInf) infRow = row;
      else if (!lastFinite || row.x > lastFinite.x) lastFinite = row;
    }
    // A dashed segment joins the last finite x to x = ∞: the axis is broken there.
    if (lastFinite && infRow) rows.push({ ...lastFinite, seg: 'bridge' }, { ...infRow, seg: 'bridge' });
  }
  return { rows, dropped };
}

/** Line plot with markers in the papers' style (FID vs NFE with log x as PFGM Fig. 3c; FID vs D with D = ∞ as last tick). */
export async function linePlot(opts: LinePlotOptions): Promise<Plot> {
  checkSeries(opts);
  const xs = opts.series.flatMap((s) => Array.from(s.x));
  const { infinityAt, ticks, domain } = axisLayout(xs, opts.logX ?? false);
  const { rows, dropped } = toRows(opts, infinityAt);
  const names = opts.series.map((s) => s.name);
  const legend = opts.legend ?? 'right';
  // tab10 as matplotlib up to 10 series, tab20 beyond; markers cycle too, so no two series look alike.
  const color = {
    field: 'series', type: 'nominal' as const, title: null,
    scale: { domain: names, ...(names.length > 10 ? { scheme: 'tableau20' } : {}) },
    legend: legend === 'none' ? null : { orient: legend, ...(legend === 'right' ? {} : { fillColor: 'white', strokeColor: '#bbb', padding: 6 }) },
  };
  const shape = { field: 'series', type: 'nominal' as const, title: null, scale: { domain: names, range: MARKERS }, legend: color.legend };
  const x = {
    field: 'x', type: 'quantitative' as const, title: opts.xLabel,
    scale: { ...(opts.logX ? { type: 'log' as const } : { type: 'linear' as const, zero: false }), nice: false, padding: 10,
      ...(domain !== null ? { domain } : {}) },
    axis: { values: ticks, labelExpr: tickLabelExpr(infinityAt, opts.infinityLabel ?? '∞') },
  };
  const y = { field: 'y', type: 'quantitative' as const, title: opts.yLabel,
    scale: { ...(opts.logY ? { type: 'log' as const } : { type: 'linear' as const, zero: false }), padding: 10 } };
  const layers: object[] = [
    { transform: [{ filter: "datum.seg === 'main'" }], mark: { type: 'line' }, encoding: { x, y, color } },
    { transform: [{ filter: "datum.seg === 'bridge'" }], mark: { type: 'line', strokeDash: [5, 4] }, encoding: { x, y, color, detail: { field: 'series' } } },
    { transform: [{ filter: "datum.seg !== 'bridge'" }], mark: { type: 'point' }, encoding: { x, y, color, shape } },
  ];
  if (rows.some((r) => r.lo !== undefined))
    layers.push({ transform: [{ filter: "datum.seg !== 'bridge' && isValid(datum.lo)" }], mark: { type: 'rule', strokeWidth: 1.5 },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 360, height: opts.height ?? 240,
    config: PAPER_CONFIG,
    data: { values: rows },
    layer: layers,
  } as TopLevelSpec;
  return renderVegaLite(spec, dropped);
}
