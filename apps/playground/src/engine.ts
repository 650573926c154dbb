// What the page computes, composed from the project's libraries only: methods and their exact-field oracles
// (@pfgm/methods, on @pfgm/field), the ODE solvers (@pfgm/ode), toy data (@pfgm/data), sliced W2 (@pfgm/eval), the
// MLP (@pfgm/networks) and its training step (@pfgm/train). No PFGM math is re-implemented here: this file picks
// configs, runs the libraries and turns tensors into plain numbers for drawing.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { TOY_2D_NAMES, toy2d, type Toy2dName } from '@pfgm/data';
import { slicedWasserstein2 } from '@pfgm/eval';
import {
  decode,
  makeMethod,
  pfgmConfig,
  pfgmppConfig,
  vpConfig,
  landing,
  type Method,
  type MethodConfig,
  type Predictor,
  type SolverKind,
} from '@pfgm/methods';
import { buildNetwork, type Network } from '@pfgm/networks';
import { solve, uniformGrid, type SolverSpec } from '@pfgm/ode';
import { initState, trainStep, type FitOptions, type TrainState } from '@pfgm/train';

export { TOY_2D_NAMES, type Toy2dName };

/** The D control: PFGM++ with these D, ∞ = EDM. */
export const D_VALUES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, Infinity] as const;

export type MethodChoice = 'pfgm' | 'pfgmpp' | 'vp';
export type SolverChoice = 'euler' | 'heun' | 'rk45';
export type PredictorChoice = 'oracle' | 'net';

export interface Settings {
  method: MethodChoice;
  /** PFGM++ D (Infinity = EDM). */
  D: number;
  solver: SolverChoice;
  /** Grid steps of Euler/Heun. */
  steps: number;
  /** Samples drawn from the prior. */
  samples: number;
  predictor: PredictorChoice;
  seed: number;
}

export const DEFAULT_SETTINGS: Settings = { method: 'pfgmpp', D: 128, solver: 'rk45', steps: 20, samples: 200, predictor: 'oracle', seed: 2023 };

/** A label for a method choice, e.g. "PFGM++ D = 128", "EDM (D = ∞)". */
export function methodLabel(s: Pick<Settings, 'method' | 'D'>): string {
  if (s.method === 'pfgm') return 'PFGM';
  if (s.method === 'vp') return 'VP-ODE';
  return s.D === Infinity ? 'EDM (D = ∞)' : `PFGM++ D = ${s.D}`;
}

/**
 * The method config. With the oracle, the Theorem-1 settings of `@pfgm/methods` (theorem1.ts): PFGM with the exact
 * field-line drift and z_min = 1e-6, PFGM++ with D < 128 with σ_min = 1e-6 (heavy-tailed prior); otherwise the
 * papers' defaults, which the network was trained for.
 */
export function methodConfig(s: Pick<Settings, 'method' | 'D' | 'predictor'>): MethodConfig {
  const oracle = s.predictor === 'oracle';
  switch (s.method) {
    case 'pfgm':
      return oracle ? pfgmConfig('cifar10', { zMin: 1e-6, vzShift: { kind: 'signed', eps: 0 } }) : pfgmConfig('cifar10');
    case 'vp':
      return vpConfig();
    case 'pfgmpp':
      return pfgmppConfig(s.D, oracle && s.D < 128 ? { sigmaMin: 1e-6 } : {});
  }
}

/** The solver spec: RK45 at the Theorem-1 spec's tolerances (PFGM 1e-6, others 1e-4); Euler/Heun on the method's grid. */
export function solverSpec(s: Pick<Settings, 'method' | 'solver' | 'steps'>): SolverSpec {
  if (s.solver === 'rk45') {
    const tol = s.method === 'pfgm' ? 1e-6 : 1e-4;
    return { kind: 'rk45', rtol: tol, atol: tol };
  }
  return { kind: s.solver, steps: s.steps };
}

/** The data: distinct 2-D points (charges). */
export interface PointSet {
  name: string;
  points: [number, number][];
}

/** n points of a 2-D toy of @pfgm/data (seeded). */
export function toyPoints(name: Toy2dName, n: number, seed = 0): PointSet {
  const flat = toy2d(name).sample(n, new Rng(seed));
  const points: [number, number][] = [];
  for (let i = 0; i < n; i++) points.push([flat[2 * i], flat[2 * i + 1]]);
  return { name, points };
}

function pointsTensor(p: PointSet, dims = 2): tf.Tensor2D {
  return tf.tensor2d(p.points.map((q) => q.slice(0, dims)));
}

/** Quantiles of a sorted array (linear interpolation). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < sorted.length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
}

/** The prior's radial law, from the method's own prior sampler: radii ‖x‖ of n draws, and their quantiles. */
export interface PriorLaw {
  label: string;
  n: number;
  radii: Float64Array;
  median: number;
  q10: number;
  q90: number;
  q99: number;
}

export function priorLaw(s: Settings, n = 2000): PriorLaw {
  const m = makeMethod(methodConfig(s));
  const x = m.prior(n, [2], new Rng(s.seed).child(7));
  const v = x.dataSync();
  x.dispose();
  const radii = Float64Array.from({ length: n }, (_, i) => Math.hypot(v[2 * i], v[2 * i + 1])).sort();
  return { label: methodLabel(s), n, radii, median: quantile(radii, 0.5), q10: quantile(radii, 0.1), q90: quantile(radii, 0.9), q99: quantile(radii, 0.99) };
}

/** A sampling run: trajectories (first `keep` samples), landing points and the numbers shown beside them. */
export interface SampleRun {
  label: string;
  solver: string;
  predictor: PredictorChoice;
  n: number;
  nfe: number;
  /** Samples [n][2]. */
  samples: [number, number][];
  /** Trajectories of the first samples: per sample, the visited points (prior → data). */
  paths: [number, number][][];
  /** Sliced W2 between the samples and the data points. */
  sw2: number;
  /** Landing radius: a sample "landed" when its nearest data point is within it. */
  radius: number;
  /** Share of samples that landed within `radius`. */
  landedShare: number;
  /** @pfgm/methods' Theorem-1 landing statistics: largest nearest-point distance, count within 1e-2. */
  maxDistance: number;
  within1e2: number;
  ms: number;
}

/** Samples within `radius` of their nearest data point. */
function landedCount(samples: [number, number][], data: PointSet, radius: number): number {
  let c = 0;
  for (const [a, b] of samples) {
    let best = Infinity;
    for (const [p, q] of data.points) best = Math.min(best, Math.hypot(a - p, b - q));
    if (best <= radius) c++;
  }
  return c;
}

/** Prior → ODE → samples with the oracle of `data` or a trained predictor; numbers from @pfgm/eval and @pfgm/methods. */
export async function runSampling(s: Settings, data: PointSet, net: Network | null, keep = 48, radius = 0.05): Promise<SampleRun> {
  const t0 = performance.now();
  const cfg = methodConfig(s);
  const m = makeMethod(cfg);
  const ref = pointsTensor(data);
  if (s.predictor === 'net' && net == null) throw new Error('train a network first');
  const owned = s.predictor === 'oracle' || net == null ? m.oracle(ref) : null;
  const predict: Predictor = owned?.predict ?? m.predictor(net as Network);
  const x0 = m.prior(s.samples, [2], new Rng(s.seed));
  const paths: [number, number][][] = Array.from({ length: Math.min(keep, s.samples) }, () => []);
  try {
    const res = await decode(m, predict, x0, solverSpec(s), {
      onStep: ({ x }) => {
        const k = paths.length;
        // The first two columns: PFGM's official RK45 state carries a z entry per row ([B, 3]).
        const t = tf.slice(x, [0, 0], [k, 2]);
        const v = t.dataSync();
        t.dispose();
        for (let i = 0; i < k; i++) paths[i].push([v[2 * i], v[2 * i + 1]]);
      },
    });
    const flat = res.x.dataSync();
    const samples: [number, number][] = Array.from({ length: s.samples }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
    for (let i = 0; i < paths.length; i++) paths[i].push(samples[i]);
    const toy = { points: data.points, counts: data.points.map(() => 1) };
    const l = landing(res.x, toy);
    res.x.dispose();
    const finite = samples.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    const sw2 = finite.length === 0 ? NaN : slicedWasserstein2(finite.flat(), data.points.flat(), 2);
    return {
      label: methodLabel(s) + (s.predictor === 'oracle' ? ', exact-field oracle' : ', trained MLP'),
      solver: s.solver === 'rk45' ? 'RK45' : `${s.solver === 'euler' ? 'Euler' : 'Heun'} ${s.steps} steps`,
      predictor: s.predictor,
      n: s.samples,
      nfe: res.nfe,
      samples,
      paths,
      sw2,
      radius,
      landedShare: landedCount(samples, data, radius) / s.samples,
      maxDistance: l.maxDistance,
      within1e2: l.within1e2,
      ms: performance.now() - t0,
    };
  } finally {
    tf.dispose([x0, ref]);
    owned?.dispose();
  }
}

/** A field view: arrows (unit directions of the backward flow) and streamlines, in plot coordinates. */
export interface FieldView {
  /** Arrow tails and directions (unit length in data units; the caller scales). */
  arrows: { x: number; y: number; dx: number; dy: number; mag: number }[];
  /** Streamlines (half-plane view only). */
  lines: [number, number][][];
  /** Vertical axis name of the half-plane view: z (PFGM), σ (PFGM++/EDM), t (VP). */
  tName: string;
  tMax: number;
}

/** Direction of the backward time (−1: t decreases from the prior to the data). */
function timeDirection(m: Method, solver: SolverKind): number {
  const g = m.timeGrid(4, solver);
  return Math.sign(g[g.length - 1] - g[0]);
}

/** The method's time variable for fixed-step solvers and the top of the half-plane view. */
function timeAxis(s: Settings): { name: string; top: number; bottom: number } {
  if (s.method === 'pfgm') return { name: 'z', top: 6, bottom: 1e-3 };
  if (s.method === 'vp') return { name: 't', top: 1, bottom: 1e-3 };
  return { name: 'σ', top: 4, bottom: 2e-3 };
}

function oracleOrNet(m: Method, s: Settings, ref: tf.Tensor, net: Network | null): { predict: Predictor; dispose(): void } {
  if (s.predictor === 'net' && net != null && ref.shape[1] === 2) return { predict: m.predictor(net), dispose: () => undefined };
  return m.oracle(ref);
}

/**
 * The backward flow on the 2-D data plane at time `t` (z, σ or VP t): arrows of −dx/dt on a grid, from the method's
 * velocity with the oracle (or the trained net).
 */
export function planeField(s: Settings, data: PointSet, net: Network | null, t: number, extent: number, cells = 17): FieldView {
  const m = makeMethod(methodConfig(s));
  const ref = pointsTensor(data);
  const p = oracleOrNet(m, s, ref, net);
  const dir = timeDirection(m, 'euler');
  const pts: number[][] = [];
  for (let i = 0; i < cells; i++) for (let j = 0; j < cells; j++) pts.push([-extent + (2 * extent * (i + 0.5)) / cells, -extent + (2 * extent * (j + 0.5)) / cells]);
  try {
    const v = tf.tidy(() => m.velocity(p.predict, 'euler')(tf.tensor2d(pts), t)).dataSync() as Float32Array;
    const arrows = pts.map(([x, y], k) => {
      const dx = dir * v[2 * k];
      const dy = dir * v[2 * k + 1];
      const mag = Math.hypot(dx, dy);
      return { x, y, dx: mag > 0 ? dx / mag : 0, dy: mag > 0 ? dy / mag : 0, mag };
    });
    return { arrows, lines: [], tName: timeAxis(s).name, tMax: t };
  } finally {
    ref.dispose();
    p.dispose();
  }
}

/**
 * The (x, t) half-plane of a 1-D slice: the data's x-coordinates are the charges on the line t = 0; arrows are the
 * unit directions of (dx, dt) of the backward flow, streamlines are the method's ODE solved with @pfgm/ode (RK4 on a
 * uniform grid) from the top of the view down to the data.
 */
export async function halfPlaneField(s: Settings, data: PointSet, extent: number, cols = 21, rows = 12, lines = 15): Promise<FieldView> {
  const m = makeMethod(methodConfig({ ...s, predictor: 'oracle' }));
  const ref = pointsTensor(data, 1);
  const p = m.oracle(ref);
  const axis = timeAxis(s);
  const dir = timeDirection(m, 'euler');
  const f = m.velocity(p.predict, 'euler');
  try {
    const arrows: FieldView['arrows'] = [];
    const xs = Array.from({ length: cols }, (_, i) => -extent + (2 * extent * (i + 0.5)) / cols);
    for (let r = 0; r < rows; r++) {
      const t = axis.top * ((r + 0.5) / rows);
      const v = tf.tidy(() => f(tf.tensor2d(xs, [cols, 1]), t)).dataSync() as Float32Array;
      // One step of the backward flow moves (dx, dt) ∝ (v, 1)·dir; both axes in data units.
      xs.forEach((x, i) => {
        const dx = dir * v[i];
        const dy = dir;
        const mag = Math.hypot(dx, dy);
        arrows.push({ x, y: t, dx: dx / mag, dy: dy / mag, mag });
      });
    }
    const starts = Array.from({ length: lines }, (_, i) => -extent + (2 * extent * (i + 0.5)) / lines);
    const paths: [number, number][][] = starts.map(() => []);
    const grid = uniformGrid(axis.top, axis.bottom, 120);
    const x0 = tf.tensor2d(starts, [lines, 1]);
    const res = await solve({ kind: 'rk4', steps: 120 })(f, x0, grid, {
      onStep: ({ x, t }) => {
        const v = x.dataSync();
        starts.forEach((_, i) => paths[i].push([v[i], t]));
      },
    });
    tf.dispose([x0, res.x]);
    return { arrows, lines: paths, tName: axis.name, tMax: axis.top };
  } finally {
    ref.dispose();
    p.dispose();
  }
}

/** Training state of the in-page MLP. */
export interface Trainer {
  net: Network;
  state: TrainState;
  opts: FitOptions;
  method: Method;
  settings: Settings;
  losses: number[];
}

/** A small MLP for `s`'s method (hidden 3×64, SiLU, positional embedding 32), with the method's training step. */
export function makeTrainer(s: Settings, data: PointSet, steps: number, batch = 256): { trainer: Trainer; step(): number; dispose(): void } {
  const method = makeMethod(methodConfig({ ...s, predictor: 'net' }));
  const io = method.networkIo([2]);
  const net = buildNetwork({ kind: 'mlp', hidden: [64, 64, 64], embedDim: 32, embedding: { kind: 'positional', maxPositions: 10000 } }, io, new Rng(s.seed).child(11));
  const state = initState(net);
  const opts: FitOptions = {
    steps,
    batchSize: batch,
    lr: s.method === 'pfgmpp' ? 2e-3 : 1e-3,
    warmup: 0,
    gradClip: 1,
    ema: { kind: 'decay', beta: 0.99 },
    seed: s.seed,
  };
  const all = tf.tensor2d(data.points);
  const source = {
    batch(step: number): tf.Tensor {
      // A batch drawn with replacement from the data points (seeded per step).
      const rng = new Rng(s.seed).child(1000 + step);
      const idx = Array.from({ length: batch }, () => Math.floor(rng.next() * data.points.length));
      return tf.tidy(() => tf.gather(all, tf.tensor1d(idx, 'int32')));
    },
  };
  const trainer: Trainer = { net, state, opts, method, settings: s, losses: [] };
  return {
    trainer,
    dispose() {
      all.dispose();
    },
    step() {
      const r = trainStep(net, method, source, state, opts);
      trainer.losses.push(r.loss);
      return r.loss;
    },
  };
}
