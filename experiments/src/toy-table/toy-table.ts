import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { toyDataset, type Toy2dName } from '@pfgm/data';
import { logLikelihood, makeMethod, officialRk45Tol, sample, type Method, type Predictor } from '@pfgm/methods';
import { preset } from '@pfgm/networks';
import { linePlot, scatter2d, type LineSeries, type Polyline } from '@pfgm/report';
import { methodConfigFor, solverSpec, type SolverChoice } from '@pfgm/runs';
import { Rng } from '@pfgm/tensor';
import type { CellContext, Experiment, ReportContext, Row } from '../harness/experiment.js';
import { methodD, methodId, methodLabel, methodParts, type MethodSpec } from '../harness/method-spec.js';
import { ensureTrained } from '../harness/trained-model.js';
import { countNonFinite, meanNll, pointMetrics } from '../shared/point-metrics.js';
import { savePlotPair } from '../shared/save-plot-pair.js';
import { solverLabel } from '../shared/solver-label.js';

/** toy-table: every method on 2-D toys (MLP), sampled with RK45, Euler and Heun; plus the exact-field oracle. */
export interface ToyTableConfig {
  /** Toy distributions (FFJORD set; `8gaussians` and `mixture` have exact densities). */
  datasets: Toy2dName[];
  methods: MethodSpec[];
  /** MLP hidden widths (preset `mlp`: 3 × 256). */
  hidden: number[];
  /** Optimizer steps per model. */
  steps: number;
  /** Training points drawn from the toy (stream `train`). */
  trainPoints: number;
  /** Samplers: rk45 (papers' tolerances), fixed-step ones at a target NFE. */
  solvers: SolverChoice[];
  /** Samples per (model, solver) and held-out test points they are compared with. */
  samples: number;
  testPoints: number;
  /** Test points whose NLL the model computes (likelihood ODE, RK45, exact divergence); 0 = skip. */
  nllPoints: number;
  /** Add the exact-field oracle (training-free) rows, built on the first `oraclePoints` training points. */
  oracle: boolean;
  oraclePoints: number;
  /** RK45 step-attempt cap (sampling and likelihood): a stiff ODE (e.g. an undertrained PFGM field with v_z ≈ 0) is reported as failed instead of running for hours. */
  rk45MaxSteps: number;
  /** Step-attempt cap of the likelihood ODE (PFGM's is stiff as z → z_min: measured, reported as failed, not hidden). */
  nllMaxSteps: number;
  /** Trajectories drawn per scatter plot. */
  trajectories: number;
  seed: number;
}

/** A cell: one (toy, method) pair, with a trained network or the exact-field oracle. */
export interface ToyCell {
  id: string;
  dataset: Toy2dName;
  method: MethodSpec;
  source: 'net' | 'oracle';
}

const ALL_METHODS: MethodSpec[] = [{ name: 'pfgm' }, { name: 'pfgmpp', D: 1 }, { name: 'pfgmpp', D: 128 }, { name: 'pfgmpp', D: 2048 }, { name: 'edm' }, { name: 'vp' }];
const SOLVERS: SolverChoice[] = [{ solver: 'rk45' }, { solver: 'euler', nfe: 20 }, { solver: 'heun', nfe: 35 }];

export const toyTable: Experiment<ToyTableConfig, ToyCell> = {
  name: 'toy-table',
  description: 'PFGM, PFGM++ (D ∈ {1, 128, 2048}), EDM (D = ∞) and VP-ODE on 2-D toys: sliced W2, MMD, NLL, NFE, time; exact-field oracle rows',
  defaultPreset: 'cpu',
  presets: {
    paper: { datasets: ['8gaussians', 'mixture', 'checkerboard', 'rings'], methods: ALL_METHODS, hidden: [256, 256, 256], steps: 20_000, trainPoints: 100_000, solvers: [...SOLVERS, { solver: 'euler', nfe: 100 }], samples: 10_000, testPoints: 10_000, nllPoints: 2000, oracle: true, oraclePoints: 4000, rk45MaxSteps: 20_000, nllMaxSteps: 5000, trajectories: 24, seed: 0 },
    cpu: { datasets: ['8gaussians', 'mixture'], methods: ALL_METHODS, hidden: [128, 128, 128], steps: 800, trainPoints: 10_000, solvers: SOLVERS, samples: 2000, testPoints: 2000, nllPoints: 200, oracle: true, oraclePoints: 1000, rk45MaxSteps: 1500, nllMaxSteps: 300, trajectories: 16, seed: 0 },
    ci: { datasets: ['8gaussians'], methods: [{ name: 'pfgm' }, { name: 'pfgmpp', D: 128 }, { name: 'edm' }, { name: 'vp' }], hidden: [64, 64], steps: 60, trainPoints: 2000, solvers: [{ solver: 'rk45' }, { solver: 'euler', nfe: 10 }], samples: 256, testPoints: 256, nllPoints: 16, oracle: true, oraclePoints: 200, rk45MaxSteps: 60, nllMaxSteps: 40, trajectories: 8, seed: 0 },
  },
  label: (p) => (p === 'ci' ? 'smoke run (tiny training; numbers are not meaningful)' : undefined),
  cells: (cfg) =>
    cfg.datasets.flatMap((dataset) =>
      cfg.methods.flatMap((method) =>
        sources(cfg).map((source): ToyCell => ({ id: `${dataset}-${methodId(method)}-${source}`, dataset, method, source })),
      ),
    ),
  runCell,
  report,
};

function sources(cfg: ToyTableConfig): ToyCell['source'][] {
  return cfg.oracle ? ['net', 'oracle'] : ['net'];
}

async function runCell(cell: ToyCell, ctx: CellContext<ToyTableConfig>): Promise<Row[]> {
  const { cfg } = ctx;
  const train = toyDataset(cell.dataset, cfg.trainPoints, cfg.seed, 'train');
  const test = toyDataset(cell.dataset, cfg.testPoints, cfg.seed, 'test');
  const base = { dataset: cell.dataset, method: methodLabel(cell.method), D: methodD(cell.method), source: cell.source };
  let method: Method;
  let predictor: Predictor;
  let dispose: () => void;
  let trainSeconds: number | null = null;
  if (cell.source === 'net') {
    const spec = { method: cell.method, data: `toy:${cell.dataset}`, limit: cfg.trainPoints, netName: 'mlp', net: preset('mlp', { hidden: cfg.hidden } as never), steps: cfg.steps, seed: cfg.seed };
    const t = await ensureTrained(join(ctx.sharedDir('models'), `${cell.dataset}-${methodId(cell.method)}`), spec, train, ctx.log);
    ({ method, predictor } = t.run);
    dispose = () => t.run.dispose();
    trainSeconds = t.trainSeconds;
  } else {
    const { methodName, D } = methodParts(cell.method);
    method = makeMethod(methodConfigFor(methodName, { shape: [2], avgNorm: train.averageNorm(), cifar10: false }, Number.isNaN(D) ? undefined : D));
    const ref = train.tensor(Uint32Array.from({ length: Math.min(cfg.oraclePoints, train.length) }, (_, i) => i));
    const o = method.oracle(ref);
    predictor = o.predict;
    dispose = () => {
      o.dispose();
      ref.dispose();
    };
  }
  try {
    const nllRes = cell.source === 'net' && cfg.nllPoints > 0 ? await modelNll(method, predictor, test.points.subarray(0, 2 * cfg.nllPoints), cfg.nllMaxSteps) : null;
    const nll = nllRes === null ? null : typeof nllRes === 'number' ? nllRes : NaN;
    const nllNote = typeof nllRes === 'string' ? `likelihood ODE: ${nllRes}` : null;
    if (nllNote) ctx.log(nllNote);
    const trueNll = test.logDensity && cfg.nllPoints > 0 ? meanNll(test.logDensity(test.points.subarray(0, 2 * cfg.nllPoints))) : null;
    const rows: Row[] = [];
    const traj: Polyline[] = [];
    let scatterSamples: Float32Array | null = null;
    for (const choice of cfg.solvers) {
      const spec = solverSpec(choice, method.config);
      const solver = spec.kind === 'rk45' ? { ...spec, maxSteps: cfg.rk45MaxSteps } : spec;
      const keep = choice.solver === 'rk45' && traj.length === 0 ? cfg.trajectories : 0;
      const paths: number[][] = Array.from({ length: keep }, () => []);
      const t0 = Date.now();
      const res = await sample(method, predictor, solver, cfg.samples, [2], new Rng(cfg.seed + 1), {
        onStep: keep ? (s) => recordPaths(s.x, paths) : undefined,
      }).catch((e: Error) => e);
      const sampleSeconds = (Date.now() - t0) / 1000;
      if (res instanceof Error) {
        ctx.log(`${solverLabel(solver)} failed: ${res.message.split(';')[0]}`);
        rows.push({ ...base, solver: solverLabel(solver), nfe: null, sw2: NaN, mmd2_med: NaN, mmd2_multi: NaN, nll_test: nll, nll_test_true: trueNll, nll_samples_true: null, diverged: cfg.samples, sample_s: sampleSeconds, train_s: trainSeconds, note: [res.message.split(';')[0], nllNote].filter(Boolean).join('; ') });
        continue;
      }
      const x = (await res.x.data()) as Float32Array;
      res.x.dispose();
      if (keep) {
        traj.push(...paths.map((p) => ({ x: p.filter((_, i) => i % 2 === 0), y: p.filter((_, i) => i % 2 === 1) })));
        scatterSamples = x;
      }
      const bad = countNonFinite(x, 2);
      const m = bad === 0 ? pointMetrics(x, test.points, 2) : { sw2: NaN, mmd2Median: NaN, mmd2Multi: NaN };
      const xent = test.logDensity && bad === 0 ? meanNll(test.logDensity(x)) : null;
      rows.push({
        ...base, solver: solverLabel(solver), nfe: res.nfe, sw2: m.sw2, mmd2_med: m.mmd2Median, mmd2_multi: m.mmd2Multi,
        nll_test: nll, nll_test_true: trueNll, nll_samples_true: xent, diverged: bad, sample_s: sampleSeconds, train_s: trainSeconds, note: nllNote,
      });
      ctx.log(`${solverLabel(solver)}: NFE ${res.nfe}, SW2 ${m.sw2.toPrecision(3)}, ${sampleSeconds.toFixed(1)} s`);
    }
    if (scatterSamples) await scatterPlot(ctx, cell, test.points, scatterSamples, traj);
    return rows;
  } finally {
    dispose();
  }
}

/** Appends the first `paths.length` rows of a state [B, 2] to their polylines (flat x, y pairs). */
function recordPaths(x: tf.Tensor, paths: number[][]): void {
  const v = tf.tidy(() => x.slice([0, 0], [paths.length, 2]).dataSync());
  for (let k = 0; k < paths.length; k++) paths[k].push(v[2 * k], v[2 * k + 1]);
}

/** Mean NLL (nats) of test points under the model (likelihood ODE, RK45 at the sampling tolerance, exact divergence for N = 2), or why it failed. */
async function modelNll(method: Method, p: Predictor, points: Float32Array, maxSteps: number): Promise<number | string> {
  const x = tf.tensor2d(points, [points.length / 2, 2]);
  const tol = officialRk45Tol(method.config.kind);
  try {
    return meanNll((await logLikelihood(method, p, x, { solver: { kind: 'rk45', rtol: tol, atol: tol, maxSteps } })).logp);
  } catch (e) {
    return (e as Error).message.split(';')[0];
  } finally {
    x.dispose();
  }
}

async function scatterPlot(ctx: CellContext<ToyTableConfig>, cell: ToyCell, data: Float32Array, samples: Float32Array, traj: Polyline[]): Promise<void> {
  const n = Math.min(1000, data.length / 2, samples.length / 2);
  const xs = (a: Float32Array) => Array.from({ length: n }, (_, i) => a[2 * i]);
  const ys = (a: Float32Array) => Array.from({ length: n }, (_, i) => a[2 * i + 1]);
  const plot = await scatter2d({
    title: `${cell.dataset}: ${methodLabel(cell.method)}${cell.source === 'oracle' ? ' exact-field oracle' : ''} (RK45)`,
    points: [{ name: 'test data', x: xs(data), y: ys(data) }, { name: 'samples', x: xs(samples), y: ys(samples) }],
    trajectories: [{ name: 'ODE trajectories', paths: traj }],
    domain: { x: [-5, 5], y: [-5, 5] },
  });
  await savePlotPair(join(ctx.artifactDir(), 'samples'), plot);
}

async function report(ctx: ReportContext<ToyTableConfig>): Promise<string[]> {
  const files: string[] = [];
  for (const dataset of ctx.cfg.datasets) {
    const series: LineSeries[] = [];
    for (const source of ['net', 'oracle'] as const) {
      for (const m of ctx.cfg.methods) {
        const rows = ctx.rows.filter((r) => r.dataset === dataset && r.method === methodLabel(m) && r.source === source && Number(r.nfe) > 0 && Number.isFinite(Number(r.sw2))).sort((a, b) => Number(a.nfe) - Number(b.nfe));
        if (rows.length === 0) continue;
        series.push({ name: `${methodLabel(m)}${source === 'oracle' ? ' oracle' : ''}`, x: rows.map((r) => Number(r.nfe)), y: rows.map((r) => Number(r.sw2)) });
      }
    }
    const plot = await linePlot({ series, xLabel: 'NFE', yLabel: 'sliced W2 to test data', logX: true, logY: true, title: `toy-table: ${dataset}` });
    files.push(...(await savePlotPair(join(ctx.dir, `sw2-vs-nfe-${dataset}`), plot)).map((f) => f.slice(ctx.dir.length + 1)));
  }
  return files;
}
