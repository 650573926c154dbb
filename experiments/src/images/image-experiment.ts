import { join } from 'node:path';
import { linePlot, type LineSeries } from '@pfgm/report';
import type { SolverChoice } from '@pfgm/runs';
import type { PresetName as NetPreset } from '@pfgm/networks';
import type { AnyPresetName, Experiment, OptionalPresetName, PresetName, ReportContext, Row } from '../harness/experiment.js';
import { methodId, type MethodSpec } from '../harness/method-spec.js';
import { seedRows } from '../claims/claim.js';
import { meanInterval } from '../claims/contrast.js';
import { savePlotPair } from '../shared/save-plot-pair.js';
import { metricColumns } from './image-metric.js';
import { runImageCell, type CellHooks, type ImageCell, type ImageSweepConfig } from './image-sweep.js';

/** An image table: the cross product methods × networks × solvers (× robustness perturbations). */
export interface ImageTableConfig extends ImageSweepConfig {
  methods: MethodSpec[];
  /** U-Net presets every method trains with, or 'official': each method its paper's CIFAR-10 network ({@link officialNet}). */
  nets: NetPreset[] | 'official';
  solvers: SolverChoice[];
}

/**
 * The network of each method's official CIFAR-10 runs: score_sde's NCSN++ in DDPM++ configuration for VP and PFGM
 * (`configs/vp/cifar10_ddpmpp_continuous.py`, Poisson_flow `configs/poisson/cifar10_ddpmpp.py`); EDM's SongUNet with
 * `--arch=ncsnpp` for PFGM++ and EDM (pfgmpp `train.py`, its README's CIFAR-10 command).
 */
export function officialNet(m: MethodSpec): NetPreset {
  return m.name === 'pfgm' || m.name === 'vp' ? 'ddpmpp' : 'ncsnpp-edm';
}

/** The networks a method trains with under `cfg.nets`. */
export function netsFor(cfg: Pick<ImageTableConfig, 'nets'>, m: MethodSpec): NetPreset[] {
  return cfg.nets === 'official' ? [officialNet(m)] : cfg.nets;
}

/** Solver id for cell names: rk45, euler-20, heun-35. */
export function solverId(s: SolverChoice): string {
  return s.solver === 'rk45' ? 'rk45' : `${s.solver}-${s.nfe ?? `s${s.steps}`}`;
}

/** Cells of the plain cross product. */
export function crossCells(cfg: ImageTableConfig): ImageCell[] {
  return cfg.methods.flatMap((method) =>
    netsFor(cfg, method).flatMap((net) => cfg.solvers.map((solver) => ({ id: `${methodId(method)}-${net}-${solverId(solver)}`, method, net, solver }))),
  );
}

/** The cells repeated once per seed of `cfg.seeds` (id suffix `-s<seed>`), seed-major; unchanged when the config has no seeds. */
export function withSeeds(cfg: Pick<ImageSweepConfig, 'seeds'>, cells: readonly ImageCell[]): ImageCell[] {
  const seeds = cfg.seeds;
  if (seeds === undefined) return [...cells];
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`seeds [${seeds.join(', ')}]: expected one or more non-negative integers`);
  // Seed-major: every method's first seed runs before any second seed, so a run stopped early has whole comparisons.
  return seeds.flatMap((seed) => cells.map((c) => ({ ...c, id: `${c.id}-s${seed}`, seed })));
}

/**
 * Sampling-noise draws (`cfg.noiseDraws`): the first seed's cells of the first solver (and unperturbed), sampled again
 * with seeds 1001, 1002, … from the same trained model; appended after the seed sweep.
 */
export function withNoiseDraws(cfg: Pick<ImageSweepConfig, 'seeds' | 'noiseDraws'>, cells: readonly ImageCell[]): ImageCell[] {
  const draws = cfg.noiseDraws ?? 0;
  if (draws === 0) return [...cells];
  if (!Number.isInteger(draws) || draws < 0) throw new Error(`noiseDraws ${draws}: expected a non-negative integer`);
  const first = cells.find((c) => (c.alpha ?? 0) === 0 && c.quantBits === undefined);
  const base = cells.filter((c) => c.seed === cells[0].seed && (c.alpha ?? 0) === 0 && c.quantBits === undefined && JSON.stringify(c.solver) === JSON.stringify(first?.solver));
  const extra = base.flatMap((c) => Array.from({ length: draws }, (_, k) => ({ ...c, id: `${c.id}-draw${k + 1}`, samplingSeed: 1001 + k })));
  return [...cells, ...extra];
}

/** Label of presets that run on generated stand-ins or tiny budgets. */
export function plumbingLabel(p: AnyPresetName, cfg: ImageSweepConfig): string | undefined {
  if (cfg.data.kind === 'standin-cifar10' || cfg.metric === 'fid-synthetic-weights') return 'PLUMBING CHECK on synthetic stand-ins (generated CIFAR-format data and/or synthetic Inception weights): the numbers are not FID and mean nothing';
  return p === 'ci' ? 'smoke run (tiny training; numbers are not meaningful)' : undefined;
}

/** Builds an image experiment from presets, a cell plan and an optional plot; every cell runs {@link runImageCell}. */
export function imageExperiment<Cfg extends ImageTableConfig>(e: {
  name: string;
  description: string;
  defaultPreset: PresetName;
  presets: Record<PresetName, Cfg> & Partial<Record<OptionalPresetName, Cfg>>;
  cells?: (cfg: Cfg) => ImageCell[];
  hooks?: (cell: ImageCell, cfg: Cfg) => CellHooks;
  report?: (ctx: ReportContext<Cfg>) => Promise<string[]>;
}): Experiment<Cfg, ImageCell> {
  return {
    name: e.name,
    description: e.description,
    defaultPreset: e.defaultPreset,
    presets: e.presets,
    label: plumbingLabel,
    cells: (cfg: Cfg) => withNoiseDraws(cfg, withSeeds(cfg, (e.cells ?? crossCells)(cfg))),
    runCell: async (cell, ctx) => [await runImageCell(cell, ctx, e.hooks?.(cell, ctx.cfg))],
    report: e.report,
  };
}

/**
 * A line plot of the metric against `x(row)`, one series per `seriesOf(row)`, saved as SVG + PNG in the run folder;
 * rows of several seeds at one x become their mean with a 95 % t-interval error bar (sampling-noise draws left out).
 */
export async function metricPlot(ctx: ReportContext<ImageSweepConfig>, file: string, xLabel: string, x: (r: Row) => number, seriesOf: (r: Row) => string, opts: { logX?: boolean; title?: string } = {}): Promise<string[]> {
  const col = metricColumns(ctx.cfg.metric).fd;
  const groups = new Map<string, Row[]>();
  for (const r of seedRows(ctx.rows)) {
    if (!Number.isFinite(Number(r[col])) || !Number.isFinite(x(r)) && x(r) !== Infinity) continue;
    const k = seriesOf(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  // Several seeds at one x (claims presets): the mean with its 95 % t-interval as an error bar.
  const series: LineSeries[] = [...groups].map(([name, rows]) => {
    const xs = [...new Set(rows.map(x))].sort((a, b) => a - b);
    const at = xs.map((v) => meanInterval(rows.filter((r) => x(r) === v).map((r) => Number(r[col]))));
    const err = at.map((c) => (Number.isFinite(c.hi) ? c.hi - c.estimate : 0));
    return { name, x: xs, y: at.map((c) => c.estimate), ...(err.some((e) => e > 0) ? { yErr: err } : {}) };
  });
  if (series.length === 0) return [];
  const plot = await linePlot({ series, xLabel, yLabel: col.replace(/_/g, '-').toUpperCase(), logX: opts.logX, title: opts.title ?? ctx.cfg.metric });
  return (await savePlotPair(join(ctx.dir, file), plot)).map((f) => f.slice(ctx.dir.length + 1));
}

/** Series name of a row: its method label (and net when several). */
export function methodSeries(r: Row): string {
  return String(r.method);
}

