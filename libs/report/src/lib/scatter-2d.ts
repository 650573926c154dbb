import type { TopLevelSpec } from 'vega-lite';
import { PAPER_CONFIG } from './plot-style.js';
import { renderVegaLite, type Plot } from './render.js';

/** A named 2-D point cloud (data or samples): point i is (x[i], y[i]). */
export interface PointSet {
  /** Legend entry, e.g. "data", "PFGM samples". */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** One polyline, e.g. an ODE trajectory x(t) over the solver's steps (vertex k = step k). */
export interface Polyline {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Named group of polylines sharing a colour (e.g. "PFGM trajectories"). */
export interface TrajectorySet {
  name: string;
  paths: readonly Polyline[];
}

/** Options of {@link scatter2d}. */
export interface Scatter2dOptions {
  points?: readonly PointSet[];
  trajectories?: readonly TrajectorySet[];
  title?: string;
  /** Axis titles. Default 'x₁', 'x₂'. */
  xLabel?: string;
  yLabel?: string;
  /**
   * Axis ranges: 'equal' (default) gives both axes the same range around all drawn coordinates, so distances look
   * right; 'auto' fits each axis; explicit ranges clip what lies outside (useful when trajectories start far out).
   */
  domain?: 'equal' | 'auto' | { x: readonly [number, number]; y: readonly [number, number] };
  /** Plot area side in px (square). Default 320. */
  size?: number;
  /** Marker area in px². Default 6. */
  pointSize?: number;
  /** Marker opacity. Default 0.5. */
  opacity?: number;
}

interface Pt { set: string; x: number; y: number }
interface Vertex extends Pt { path: number; k: number }

function checkXY(what: string, x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) throw new Error(`scatter2d: ${what} has ${x.length} x and ${y.length} y values; they must match`);
}

function collect(opts: Scatter2dOptions): { pts: Pt[]; verts: Vertex[]; dropped: number } {
  const pts: Pt[] = [];
  const verts: Vertex[] = [];
  let dropped = 0;
  for (const s of opts.points ?? []) {
    checkXY(`point set ${JSON.stringify(s.name)}`, s.x, s.y);
    for (let i = 0; i < s.x.length; i++) {
      if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) pts.push({ set: s.name, x: s.x[i], y: s.y[i] });
      else dropped++;
    }
  }
  let path = 0;
  for (const t of opts.trajectories ?? []) {
    for (const p of t.paths) {
      checkXY(`a path of ${JSON.stringify(t.name)}`, p.x, p.y);
      for (let k = 0; k < p.x.length; k++) {
        if (Number.isFinite(p.x[k]) && Number.isFinite(p.y[k])) verts.push({ set: t.name, path, k, x: p.x[k], y: p.y[k] });
        else dropped++;
      }
      path++;
    }
  }
  return { pts, verts, dropped };
}

/** Same range on both axes, centred on the data's bounding box, 5% margin. */
function equalDomain(all: readonly Pt[]): { x: [number, number]; y: [number, number] } {
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of all) [x0, x1, y0, y1] = [Math.min(x0, p.x), Math.max(x1, p.x), Math.min(y0, p.y), Math.max(y1, p.y)];
  if (all.length === 0) [x0, x1, y0, y1] = [-1, 1, -1, 1];
  const half = (Math.max(x1 - x0, y1 - y0, 1e-12) / 2) * 1.05;
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  return { x: [cx - half, cx + half], y: [cy - half, cy + half] };
}

/** Scatter plot of 2-D point clouds (data vs samples), with optional trajectories drawn as polylines. */
export async function scatter2d(opts: Scatter2dOptions): Promise<Plot> {
  const { pts, verts, dropped } = collect(opts);
  if (pts.length + verts.length === 0 && dropped === 0)
    throw new Error('scatter2d: nothing to draw; pass points: [{ name, x, y }] and/or trajectories: [{ name, paths }]');
  const names = [...(opts.trajectories ?? []).map((t) => t.name), ...(opts.points ?? []).map((s) => s.name)];
  if (new Set(names).size !== names.length) throw new Error(`scatter2d: set names must be unique, got [${names.join(', ')}]`);
  const domainOpt = opts.domain ?? 'equal';
  const domain = domainOpt === 'auto' ? undefined : domainOpt === 'equal' ? equalDomain([...pts, ...verts]) : domainOpt;
  const scale = (d?: readonly [number, number]) => (d ? { domain: [...d], nice: false, zero: false } : { zero: false });
  const x = { field: 'x', type: 'quantitative' as const, title: opts.xLabel ?? 'x₁', scale: scale(domain?.x) };
  const y = { field: 'y', type: 'quantitative' as const, title: opts.yLabel ?? 'x₂', scale: scale(domain?.y) };
  const color = { field: 'set', type: 'nominal' as const, title: null, scale: { domain: names } };
  const layers: object[] = [];
  if (verts.length > 0)
    layers.push({ data: { values: verts }, mark: { type: 'line', strokeWidth: 0.8, opacity: 0.6, clip: true },
      encoding: { x, y, color, detail: { field: 'path' }, order: { field: 'k' } } });
  if (pts.length > 0)
    layers.push({ data: { values: pts }, mark: { type: 'circle', size: opts.pointSize ?? 6, opacity: opts.opacity ?? 0.5, clip: true },
      encoding: { x, y, color } });
  const side = opts.size ?? 320;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(opts.title ? { title: opts.title } : {}),
    width: side, height: side,
    config: { ...PAPER_CONFIG, axis: { ...PAPER_CONFIG.axis, grid: false } },
    layer: layers.length > 0 ? layers : [{ data: { values: [] }, mark: 'point' }],
  } as TopLevelSpec;
  return renderVegaLite(spec, dropped);
}
