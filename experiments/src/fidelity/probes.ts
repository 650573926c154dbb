import * as tf from '@tensorflow/tfjs-core';
import { dequantized, type Dataset } from '@pfgm/data';
import { pfgmPriorRadius, vpBeta, vpStd } from '@pfgm/field';
import { preprocessForInception } from '@pfgm/eval';
import { decode, logGamma, logLikelihood, makeMethod, pfgmConfig, vpConfig, vpVelocity, type Method, type MethodConfig, type Predictor, type RawNet } from '@pfgm/methods';
import { Rng } from '@pfgm/tensor';
import { buildNetwork, preset } from '@pfgm/networks';
import { officialQuantGroups } from '../images/quantize-weights.js';
import type { Value } from './table.js';
import { initState, trainStep, type EmaSpec } from '@pfgm/train';

// ----------------------------------------------------------------------------
// Probes: read a default that is not an exported constant by calling the real code on a tiny input. Each returns a
// plain number/string, so the fidelity table can pin it.
// ----------------------------------------------------------------------------

/** x rounded to `digits` significant digits (table values are compared exactly). */
export function sig(x: number, digits = 6): number {
  return Number(x.toPrecision(digits));
}

/** A raw network that returns its conditioning label as its output, [B, width]. */
function labelNet(width: number): RawNet {
  return { apply: (_x, cond) => tf.tile(tf.reshape(cond, [-1, 1]), [1, width]) };
}

/** The label a method's predictor feeds the network at time t (PFGM: z; VP: 999·t). */
export function networkLabel(config: MethodConfig, t: number): number {
  const m = makeMethod(config);
  const width = config.kind === 'pfgm' ? 5 : 4; // PFGM's net outputs N + 1 = 5 for 4-dim data
  const out = tf.tidy(() => m.predictor(labelNet(width))(tf.zeros([1, 4]), t));
  const v = out.dataSync()[0];
  out.dispose();
  return sig(v);
}

/** −ε̂·(score scale): the VP velocity at x = 0 for ε̂ = 1, divided by β(t)/(2·std(t)); 1 means score = −ε̂/std. */
export function vpScoreScale(t = 0.5): number {
  const c = vpConfig();
  const ones: Predictor = (x) => tf.onesLike(x);
  const v = tf.tidy(() => vpVelocity(c, ones)(tf.zeros([1, 4]), t));
  const d = v.dataSync()[0];
  v.dispose();
  return sig(d / (vpBeta(c, t) / (2 * vpStd(c, t))));
}

/** Per-sample loss weight the method's `perturb` puts on a batch of 4-dim data, times `scale`. */
export function lossWeight(config: MethodConfig, scale = 1): number {
  const m = makeMethod(config);
  const x0 = tf.zeros([2, 4]);
  const pair = m.perturb(x0, new Rng(0));
  const w = pair.weight.dataSync()[0];
  tf.dispose([x0, pair.input, pair.cond, pair.target, pair.weight]);
  return sig(w * scale);
}

let probeId = 0;

/**
 * EMA weight ÷ weight after one training step from 0 (`trainStep` of `@pfgm/train`): 1 − β of the first update.
 * score_sde's `ExponentialMovingAverage` uses β = min(decay, (1 + n)/(10 + n)), so its first update gives 1 − 2/11.
 */
export function emaShareAfterFirstStep(ema: EmaSpec, batchSize: number): number {
  const w = tf.variable(tf.zeros([1]), true, `fidelity-probe-${probeId++}`);
  const net = { weights: [w], apply: (x: tf.Tensor) => tf.mul(x, w) };
  const perturber = {
    perturb: () => ({ input: tf.ones([1, 1]), cond: tf.zeros([1]) as tf.Tensor1D, target: tf.ones([1, 1]), weight: tf.ones([1]) as tf.Tensor1D }),
  };
  const state = initState(net);
  try {
    trainStep(net, perturber, { batch: () => tf.zeros([1, 1]) }, state, { steps: 1, batchSize, lr: 0.1, warmup: 0, gradClip: 0, ema, seed: 0 });
    return sig(state.ema[0].dataSync()[0] / w.dataSync()[0]);
  } finally {
    tf.dispose([w, ...state.ema, ...state.adam.m, ...state.adam.v]);
  }
}

/** The PFGM prior radius clip [lower, upper] (`pfgmPriorRadius` with z_max tiny, then huge). */
export function pfgmPriorClip(upperNorm: number): [number, number] {
  const lower = pfgmPriorRadius(new Rng(0), 3072, { zMax: 1e-12, upperNorm });
  const upper = pfgmPriorRadius(new Rng(0), 3072, { zMax: 1e12, upperNorm });
  return [lower, upper];
}

/** ln of the sphere constant the project's PFGM prior density uses for data dimension N (backed out at x = 0). */
export function pfgmLogSphereConstant(N: number): number {
  const c = pfgmConfig('cifar10');
  const x = tf.zeros([1, N]);
  const logp = makeMethod(c).likelihood([N]).priorLogDensity(x)[0];
  x.dispose();
  return (-(N + 1) / 2) * Math.log(c.zMax * c.zMax) + Math.log(2 * c.zMax) - logp;
}

/** The official code's constant (Poisson_flow `likelihood.py:227-230`): ln 2 + (N/2)·ln π − ln Γ(N/2), the unit sphere of R^N. */
export function officialLogSphereConstant(N: number): number {
  return Math.log(2) + (N / 2) * Math.log(Math.PI) - logGamma(N / 2);
}

/** bits/dim of the project minus bits/dim with the official constant, for the same model and data (dimension N). */
export function sphereConstantBpdShift(N: number): number {
  return sig((pfgmLogSphereConstant(N) - officialLogSphereConstant(N)) / (N * Math.LN2));
}

/** The bits/dim offset `logLikelihood` adds when none is passed: a zero flow with a log-density-0 prior gives bpd = offset. */
export async function defaultBpdOffset(): Promise<number> {
  const fake = {
    likelihood: () => ({ t0: 0, t1: 1, velocity: () => (x: tf.Tensor) => tf.mul(x, 0), priorLogDensity: (x: tf.Tensor) => new Float64Array(x.shape[0]) }),
  } as unknown as Method;
  const x = tf.zeros([1, 1]);
  try {
    const r = await logLikelihood(fake, (y) => y, x);
    return sig(r.bpd[0]);
  } finally {
    x.dispose();
  }
}

/** Which resize/scale convention `preprocessForInception` uses when none is named. */
export function defaultInceptionMode(): string {
  const img = tf.tensor4d(Array.from({ length: 2 * 3 * 3 }, (_, i) => (37 * i) % 256), [1, 3, 2, 3]);
  try {
    const modes = ['legacy-tf', 'pytorch-fid'] as const;
    const hits = modes.filter((m) => {
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(preprocessForInception(img), preprocessForInception(img, m)))).dataSync()[0]);
      return d === 0;
    });
    return hits.join('|');
  } finally {
    img.dispose();
  }
}

/** A stand-in predictor of the right shape for each method (finite fields, no training): zeros, PFGM v = (0, −1). */
function standInPredictor(config: MethodConfig): Predictor {
  if (config.kind !== 'pfgm') return (x) => tf.zerosLike(x);
  return (x) => tf.concat([tf.zeros([x.shape[0], x.size / x.shape[0]]), tf.fill([x.shape[0], 1], -1)], 1);
}

/** Field evaluations `decode` spends with Heun on an n-step grid (official improved Euler / EDM Heun: 2n − 1). */
export async function heunNfe(config: MethodConfig, n: number): Promise<number> {
  const m = makeMethod(config);
  const x0 = tf.ones([1, 4]);
  const res = await decode(m, standInPredictor(config), x0, { kind: 'heun', steps: n }, { finalize: false });
  tf.dispose([x0, res.x]);
  return res.nfe;
}

/** Whether `decode` applies the VP noise-removal step after a fixed-step (Euler) solve. */
export async function vpDenoisesAfterEuler(): Promise<boolean> {
  const m = makeMethod(vpConfig());
  const p: Predictor = (x) => tf.onesLike(x);
  const x0 = tf.ones([1, 4]);
  const a = await decode(m, p, x0, { kind: 'euler', steps: 2 });
  const b = await decode(m, p, x0, { kind: 'euler', steps: 2 }, { finalize: false });
  const differ = tf.tidy(() => tf.max(tf.abs(tf.sub(a.x, b.x))).dataSync()[0]) > 0;
  tf.dispose([x0, a.x, b.x]);
  return differ;
}

/**
 * The size |Δt| of VP Euler's first step at `steps` steps, through the real `decode`: x₁ = x₀ + drift(x₀, 1)·Δt with
 * ε̂ = 0, so drift = −½β(1)·x₀ = −10 at x₀ = 1 and |Δt| = (x₁ − x₀)/10 (backward in t: Δt < 0).
 */
export async function vpEulerStep(steps: number): Promise<number> {
  const c = vpConfig();
  const x0 = tf.ones([1, 1]);
  let x1 = NaN;
  const res = await decode(makeMethod(c), (x) => tf.zerosLike(x), x0, { kind: 'euler', steps }, {
    finalize: false,
    onStep: (st) => { if (st.i === 1) x1 = st.x.dataSync()[0]; },
  });
  tf.dispose([x0, res.x]);
  return (x1 - 1) / (0.5 * vpBeta(c, 1));
}

/** Entries per sample of the state PFGM's RK45 integrates (the error norm averages over them), for a 2×2×1 image. */
export async function pfgmRk45StateEntries(): Promise<number> {
  const c = pfgmConfig('cifar10');
  const x0 = tf.ones([1, 2, 2, 1]);
  let entries = 0;
  const res = await decode(makeMethod(c), standInPredictor(c), x0, { kind: 'rk45', rtol: 1e-4, atol: 1e-4 }, {
    finalize: false,
    onStep: (s) => { entries = s.x.size / s.x.shape[0]; },
  });
  tf.dispose([x0, res.x]);
  return entries;
}

/** The 8-bit bin each dequantized pixel lands in, ⌊128·(y + 1)⌋, for pixels 0, 128 and 255 (`dequantized` of @pfgm/data). */
export function dequantizedBins(): number[] {
  const pixels = [0, 128, 255];
  const ds = { kind: 'image', sampleShape: [3], gather: () => Float32Array.from(pixels, (p) => p / 127.5 - 1) } as unknown as Dataset;
  const y = dequantized(ds, [0], new Rng(0));
  const v = Array.from(y.dataSync(), (t) => Math.floor(128 * (t + 1)));
  y.dispose();
  return v;
}

/**
 * The quantization filter on a 32×32 DDPM++ net (2 levels, attention at 16): whether conv_in (32×32), a 16×16 conv, a
 * GroupNorm gain and a block's embedding projection (SongUNet `affine`) are quantized, and whether q, k, v share a tensor.
 */
export function quantFilterProbe(bits: readonly number[]): Value {
  const net = buildNetwork(preset('ddpmpp-small', { attnResolutions: [16] }), { inShape: [32, 32, 3], outShape: [32, 32, 3] }, new Rng(0), { init: false });
  try {
    const groups = officialQuantGroups(net);
    const g = new Map(net.names.map((n, i) => [n, groups[i]]));
    const qkv = new Set(['q', 'k', 'v'].map((x) => g.get(`down.1.attn.0.${x}.W`)));
    return {
      convIn32: g.get('conv_in.W') !== null,
      conv16: g.get('down.1.block.0.conv0.W') !== null,
      norm: g.get('down.1.block.0.norm0.gamma') !== null,
      affine: g.get('down.1.block.0.temb.W') !== null,
      qkvOneTensor: qkv.size === 1 && !qkv.has(null),
      bits: [...bits],
    };
  } finally {
    net.dispose();
  }
}
