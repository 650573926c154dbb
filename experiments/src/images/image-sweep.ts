import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageDataset } from '@pfgm/data';
import type { GaussianStats } from '@pfgm/eval';
import { sample, type Method, type Predictor } from '@pfgm/methods';
import type { SolverSpec } from '@pfgm/ode';
import { preset, type Network, type NetworkConfig, type PresetName } from '@pfgm/networks';
import { isRunFinished, saveImageGrid } from '@pfgm/report';
import { solverSpec, trainDefaultsFor, type OpenRun, type SolverChoice } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';
import type { CellContext, Row } from '../harness/experiment.js';
import { methodD, methodId, methodLabel, methodParts, type MethodSpec } from '../harness/method-spec.js';
import { ensureTrained, modelKey, recomputeModelCheck, type ModelSpec } from '../harness/trained-model.js';
import { solverLabel } from '../shared/solver-label.js';
import { imageBitsPerDim, type BpdConfig } from './image-bpd.js';
import { dataSpec, loadImages, type ImageDataConfig } from './image-data.js';
import { datasetBatches, makeImageMetric, metricColumns, type ImageMetric, type MetricKind } from './image-metric.js';

/** What every image experiment fixes: data, metric, training budget, sampling budget. */
export interface ImageSweepConfig {
  data: ImageDataConfig;
  /** fd-fmnist (Fashion-MNIST), fid (CIFAR-10, real Inception weights), fid-synthetic-weights (plumbing checks). */
  metric: MetricKind;
  /** pytorch-fid Inception weights file for `fid` (else the cache, else a verified download). */
  inceptionPath?: string;
  /** Knobs applied over each U-Net preset (e.g. fewer channels for CPU / CI runs). */
  netOverrides: Partial<NetworkConfig>;
  /**
   * Optimizer steps per model and batch size; lr / warm-up override the paper defaults (which assume 100k+ steps).
   * Absent (paper presets): each method's own paper budget — PFGM/VP batch 128 for 1.3 M steps (score_sde `n_iters`),
   * PFGM++/EDM batch 512 for 200 Mimg with the lr ramp at that batch (EDM `train.py`), and their dropout (0.1 / 0.13).
   */
  steps?: number;
  batchSize?: number;
  lr?: number;
  warmup?: number;
  emaBeta?: number;
  /** PFGM large batch B_L (paper 4096; at most the training set). */
  referenceSize?: number;
  /** Samples per cell, reference images (the first `refImages` of `refSplit`), evaluation batch. */
  samples: number;
  refImages: number;
  /**
   * The images the reference statistics come from. CIFAR-10: 'train', as the papers (score_sde/PFGM score against the
   * precomputed training-set statistics, `evaluation.py`/`run_lib.py`; EDM/PFGM++ `fid.py ref` over the training zip);
   * 'test' is an option. Fashion-MNIST: 'test', since the FD-FMNIST classifier was trained on the training images.
   * Recorded in every row (`ref_split`).
   */
  refSplit: 'train' | 'test';
  evalBatch: number;
  /** RK45 step-attempt cap (a stiff ODE is reported, not run for hours). */
  rk45MaxSteps: number;
  /** Images in each cell's sample grid. */
  gridImages: number;
  /**
   * Which weights sample: the EMA (papers) or the raw last ones. With few steps the EMA is mostly the initial network
   * (decay β over n steps keeps β^n of it: 0.999^800 = 0.45), so short CPU runs sample with the raw weights. Default ema.
   */
  sampleWeights?: 'ema' | 'raw';
  /** Bits/dim of held-out images, reported in the RK45 rows (likelihood needs the ODE solved accurately); omitted: not computed. */
  bpd?: BpdConfig;
  /** Training and sampling seed of every cell, unless {@link ImageSweepConfig.seeds} repeats the cells over several. */
  seed: number;
  /**
   * Seeds of training and sampling: every cell runs once per seed (id suffix `-s<seed>`, column `seed`), so a
   * comparison between methods has a spread to be judged against (claims presets, issue 14). Absent: one run at `seed`.
   */
  seeds?: number[];
  /**
   * FD's own sampling noise: this many extra draws (sampling seeds 1001, 1002, …) of the first seed's models with the
   * first solver, no retraining; the report compares their spread with the differences it judges (issue 14).
   */
  noiseDraws?: number;
}

/** One cell: a (method, network) model sampled with one solver, optionally perturbed (robustness). */
export interface ImageCell {
  id: string;
  method: MethodSpec;
  /** U-Net preset name: ddpm-small, ddpmpp-small, ddpm, ddpmpp, … */
  net: PresetName;
  solver: SolverChoice;
  /** Noise injection α (pfgm-spec §4.8): x ← x + α·σ_i·N(0, I) before each Heun step. */
  alpha?: number;
  /** Post-training weight quantization to this many bits (pfgm-spec §4.8). */
  quantBits?: number;
  /** Training and sampling seed of this cell (a `seeds` sweep); absent: the config's `seed`. */
  seed?: number;
  /** A sampling-noise draw: samples with this seed instead of the training seed's (the model is the same). */
  samplingSeed?: number;
}

/** The seed a cell trains with (and samples with, unless it is a sampling-noise draw). */
export function cellSeed(cell: Pick<ImageCell, 'seed'>, cfg: Pick<ImageSweepConfig, 'seed'>): number {
  return cell.seed ?? cfg.seed;
}

/** The seed a cell's sampler draws from: its training seed, or the noise draw's own. */
export function cellSamplingSeed(cell: Pick<ImageCell, 'seed' | 'samplingSeed'>, cfg: Pick<ImageSweepConfig, 'seed'>): number {
  return cell.samplingSeed ?? cellSeed(cell, cfg);
}

/** A sampler override for robustness cells: returns samples [n, ...shape] and the NFE. */
export type CellSampler = (method: Method, p: Predictor, solver: SolverSpec, n: number, shape: number[], rng: Rng) => Promise<{ x: tf.Tensor; nfe: number }>;

/** Hooks of robustness cells: a custom sampler and a weight transform applied to the loaded network. */
export interface CellHooks {
  sampler?: CellSampler;
  transformWeights?: (net: Pick<Network, 'weights' | 'names' | 'config' | 'io'>) => () => void;
  /** Opens the model instead of training it (released checkpoints, released-table): the run and its id for the rows. */
  openModel?: () => Promise<{ run: OpenRun; model: string }>;
}

const refCache = new Map<string, { metric: ImageMetric; ref: GaussianStats }>();

async function metricAndReference(cfg: ImageSweepConfig, ctx: CellContext<ImageSweepConfig>): Promise<{ metric: ImageMetric; ref: GaussianStats }> {
  const key = JSON.stringify([cfg.metric, cfg.data, cfg.refImages, cfg.refSplit, ctx.dir]);
  const hit = refCache.get(key);
  if (hit) return hit;
  const metric = await makeImageMetric(cfg.metric, cfg.inceptionPath);
  const images = await loadImages(cfg.data, cfg.refSplit, ctx.sharedDir('standin-cifar10'));
  const n = Math.min(cfg.refImages, images.length);
  const ref = (await metric.stats(datasetBatches(images, n, cfg.evalBatch))).stats;
  ctx.log(`reference statistics of ${n} ${cfg.refSplit}-split ${images.name} images`);
  const v = { metric, ref };
  refCache.set(key, v);
  return v;
}

/** The model id of a cell (its training folder under shared/models): method, network. */
export function modelId(cell: Pick<ImageCell, 'method' | 'net'>): string {
  return `${methodId(cell.method)}-${cell.net}`;
}

/** The training spec of a cell's model: the preset's budget, or each method's paper budget where the preset leaves it out. */
export function cellModelSpec(cell: Pick<ImageCell, 'method' | 'net' | 'seed'>, cfg: ImageSweepConfig, standin: string): ModelSpec {
  const paper = trainDefaultsFor(methodParts(cell.method).methodName, 'paper');
  const dropout = paper.dropout !== undefined ? { dropout: paper.dropout } : {};
  return {
    method: cell.method, data: dataSpec(cfg.data), limit: cfg.data.limit, size: cfg.data.size,
    dataDir: cfg.data.kind === 'standin-cifar10' ? standin : cfg.data.dataDir, netName: cell.net, net: preset(cell.net, { ...dropout, ...cfg.netOverrides }),
    steps: cfg.steps ?? (paper.steps as number), batchSize: cfg.batchSize ?? paper.batchSize, lr: cfg.lr, warmup: cfg.warmup, emaBeta: cfg.emaBeta, referenceSize: cfg.referenceSize, seed: cellSeed(cell, cfg),
  };
}

/** Trains (or reuses) the cell's model, samples with its solver in batches, scores the samples; one row. */
export async function runImageCell(cell: ImageCell, ctx: CellContext<ImageSweepConfig>, hooks: CellHooks = {}): Promise<Row> {
  const { cfg } = ctx;
  const { t, model } = hooks.openModel ? await opened(hooks.openModel) : await trained(cell, ctx);
  const { run } = t;
  const restore = hooks.transformWeights?.(run.net);
  try {
    const { metric, ref } = await metricAndReference(cfg, ctx);
    const spec = solverSpec(cell.solver, run.method.config);
    const solver = spec.kind === 'rk45' ? { ...spec, maxSteps: cfg.rk45MaxSteps } : spec;
    const draw: CellSampler = hooks.sampler ?? (async (m, p, s, n, shape, rng) => sample(m, p, s, n, shape, rng));
    const t0 = Date.now();
    const batches: tf.Tensor4D[] = [];
    let nfe = 0;
    let note: string | null = null;
    try {
      for (let b = 0; b * cfg.evalBatch < cfg.samples; b++) {
        const n = Math.min(cfg.evalBatch, cfg.samples - b * cfg.evalBatch);
        const r = await draw(run.method, run.predictor, solver, n, run.shape, new Rng(cellSamplingSeed(cell, cfg) + 1, [b]));
        nfe = Math.max(nfe, r.nfe);
        batches.push(r.x as tf.Tensor4D);
      }
    } catch (e) {
      note = (e as Error).message.split(';')[0];
      ctx.log(`sampling failed: ${note}`);
    }
    const sampleSeconds = (Date.now() - t0) / 1000;
    const cols = metricColumns(cfg.metric);
    const base = { method: methodLabel(cell.method), D: methodD(cell.method), net: cell.net, seed: cellSeed(cell, cfg), sampling_seed: cellSamplingSeed(cell, cfg), solver: solverLabel(solver), alpha: cell.alpha ?? null, quant_bits: cell.quantBits ?? null, model, weights: cfg.sampleWeights ?? 'ema', ref_split: `${cfg.refSplit} (${cfg.refImages})` };
    const bpd = solver.kind === 'rk45' && cfg.bpd && !hooks.transformWeights ? await bitsPerDimColumns(run.method, run.predictor, cfg, cellSeed(cell, cfg), ctx) : {};
    if (note !== null) {
      tf.dispose(batches);
      return { ...base, nfe: null, [cols.fd]: NaN, ...(cols.is ? { [cols.is]: NaN } : {}), ...bpd, sample_s: sampleSeconds, train_s: t.trainSeconds, note };
    }
    await saveImageGrid(join(ctx.artifactDir(), 'samples.png'), batches[0].slice(0, Math.min(cfg.gridImages, batches[0].shape[0])), { scale: 2 });
    const nonFinite = batches.reduce((a, x) => a + tf.tidy(() => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32')).arraySync() as number), 0);
    // As the papers' output step (clip to [0, 255] then uint8): clip to [−1, 1]; a non-finite value becomes 0 and is counted.
    const s = await metric.stats(batches.map((x) => tf.tidy(() => tf.clipByValue(tf.where(tf.isFinite(x), x, tf.zerosLike(x)), -1, 1)) as tf.Tensor4D));
    tf.dispose(batches);
    const fd = metric.distance(s.stats, ref);
    ctx.log(`${solverLabel(solver)}: NFE ${nfe}, ${cols.fd} ${fd.toPrecision(4)}, ${sampleSeconds.toFixed(1)} s`);
    return { ...base, nfe, [cols.fd]: fd, ...(cols.is ? { [cols.is]: s.is ?? NaN } : {}), ...bpd, non_finite_values: nonFinite, sample_s: sampleSeconds, train_s: t.trainSeconds, note: null };
  } finally {
    restore?.();
    run.dispose();
  }
}

/** A model opened by a hook (nothing trained). */
async function opened(open: NonNullable<CellHooks['openModel']>): Promise<{ t: { run: OpenRun; trainSeconds: number }; model: string }> {
  const { run, model } = await open();
  return { t: { run, trainSeconds: 0 }, model };
}

/** Trains (or reuses) the cell's model. */
async function trained(cell: ImageCell, ctx: CellContext<ImageSweepConfig>): Promise<{ t: { run: OpenRun; trainSeconds: number }; model: string }> {
  const { cfg } = ctx;
  const standin = ctx.sharedDir('standin-cifar10');
  const train: ImageDataset = await loadImages(cfg.data, 'train', standin, cfg.data.limit);
  const spec = cellModelSpec(cell, cfg, standin);
  // Models live in the results root's models/ folder keyed by their training config: every table that needs the same
  // model (e.g. euler-sweep after fmnist-table) reuses it instead of training it again.
  const model = `${spec.data}-${modelId(cell)}-${modelKey(spec, train)}`;
  recomputeModelCheck(ctx, cell.id, model, isRunFinished(join(ctx.modelsDir(), model)));
  const t = await ensureTrained(join(ctx.modelsDir(), model), spec, train, ctx.log, { ema: cfg.sampleWeights !== 'raw' });
  return { t, model };
}

/** The bits/dim columns of an RK45 row: mean bits/dim of held-out images and the likelihood ODE's NFE (NaN + note when it fails). */
async function bitsPerDimColumns(method: Method, p: Predictor, cfg: ImageSweepConfig, seed: number, ctx: CellContext<ImageSweepConfig>): Promise<Row> {
  const c = cfg.bpd as BpdConfig;
  const test = await loadImages(cfg.data, 'test', ctx.sharedDir('standin-cifar10'));
  const t0 = Date.now();
  try {
    const r = await imageBitsPerDim(method, p, test, c, seed);
    ctx.log(`bits/dim ${r.bpd.toFixed(3)} on ${Math.min(c.images, test.length)} held-out images (likelihood NFE ${r.nfe}, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return { bpd: r.bpd, bpd_images: Math.min(c.images, test.length), bpd_nfe: r.nfe, bpd_s: (Date.now() - t0) / 1000 };
  } catch (e) {
    const why = (e as Error).message.split(';')[0];
    ctx.log(`bits/dim failed: ${why}`);
    return { bpd: NaN, bpd_images: Math.min(c.images, test.length), bpd_nfe: null, bpd_s: (Date.now() - t0) / 1000, bpd_note: why };
  }
}
