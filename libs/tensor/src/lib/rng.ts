import * as tf from '@tensorflow/tfjs-core';
import { sampleBeta, sampleBetaPrime, type BetaDraw } from './distributions/beta.js';
import { sampleGamma, sampleLogGamma } from './distributions/gamma.js';
import { assertCount, type RandomSource } from './distributions/random-source.js';
import { fillDirection, sampleDirections } from './distributions/sphere.js';

/** n Beta draws with their complements, both to full relative precision (see {@link BetaDraw}). */
export interface BetaArrays {
  /** x_i ~ Beta(a, b). */
  x: Float64Array;
  /** 1 − x_i, computed as G_b/(G_a + G_b) (no cancellation when x_i is near 1). */
  oneMinusX: Float64Array;
}

/** Serializable generator state (for checkpoints: resuming restores the exact stream). */
export interface RngState {
  s: [number, number, number, number];
  /** Second Box–Muller value kept for the next call, or null. */
  spare: number | null;
}

/** splitmix32 finalizer: a well-mixed 32-bit hash of a 32-bit word. */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Seeds xoshiro128** from a list of 32-bit words (seed, stream ids, …). */
function seedState(words: readonly number[]): [number, number, number, number] {
  let h = 0x6a09e667;
  for (const w of words) h = mix32(h ^ mix32(w >>> 0));
  const s: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) s[i] = h = mix32(h + i);
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return s;
}

/**
 * Seeded random numbers in float64 (xoshiro128** core), with per-sample streams.
 * `forSample(k)` is independent of batch size, like EDM's StackedRandomGenerator; tensors are made from the
 * float64 draws, so every tfjs backend sees the same numbers.
 * Samplers: `next*` draw one value, `*Array(…, n)` n float64 values, tensor methods take a shape, `*PerSample`
 * draw row i from `forSample(first + i)`. Gamma/Beta/BetaPrime/sphere math lives in ./distributions/* as pure
 * functions of a {@link RandomSource}; the methods here only delegate.
 */
export class Rng implements RandomSource {
  private s: [number, number, number, number];
  private spare: number | null = null;

  constructor(
    /** The seed (an integer; only the low 32 bits and the stream path matter). */
    readonly seed: number,
    /** Stream path: ids of derived streams, e.g. [k] for sample k. */
    readonly stream: readonly number[] = [],
  ) {
    this.s = seedState([seed, Math.floor(seed / 2 ** 32), stream.length, ...stream]);
  }

  /** Next uniform 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform float64 in (0, 1): never 0, safe under log. */
  nextOpen(): number {
    let u = this.next();
    while (u === 0) u = this.next();
    return u;
  }

  /** Standard normal float64 (Box–Muller, pairs cached). */
  nextNormal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextOpen()));
    const theta = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** n uniform [0, 1) draws as float64. */
  uniformArray(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  /** n standard normal draws as float64. */
  normalArray(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextNormal();
    return out;
  }

  /** Float32 tensor of standard normals. */
  normal(shape: readonly number[]): tf.Tensor {
    return tf.tensor(Float32Array.from(this.normalArray(sizeOf(shape))), [...shape], 'float32');
  }

  /** Float32 tensor of uniforms in [0, 1). */
  uniform(shape: readonly number[]): tf.Tensor {
    return tf.tensor(Float32Array.from(this.uniformArray(sizeOf(shape))), [...shape], 'float32');
  }

  // ---- Float64 samplers (implemented in ./distributions/*, which take any RandomSource) ----

  /** Gamma(k, 1) (shape k, scale 1) by Marsaglia–Tsang, k < 1 by the U^{1/k} boost. */
  nextGamma(k: number): number {
    return sampleGamma(this, k);
  }

  /** ln of a Gamma(k, 1) draw; finite even for tiny k where the Gamma value itself underflows. */
  nextLogGamma(k: number): number {
    return sampleLogGamma(this, k);
  }

  /** x ~ Beta(a, b) with 1 − x, as a ratio of Gammas (PFGM: Beta(N/2, 1/2); PFGM++: Beta(N/2, D/2)). */
  nextBeta(a: number, b: number): BetaDraw {
    return sampleBeta(this, a, b);
  }

  /** q ~ BetaPrime(a, b) = G_a/G_b (PFGM++ radius R = r·√q with a = N/2, b = D/2). */
  nextBetaPrime(a: number, b: number): number {
    return sampleBetaPrime(this, a, b);
  }

  /** One uniform direction on S^{N−1} (g/‖g‖ with g ~ N(0, I_N)), float64 of length N. */
  nextDirection(N: number): Float64Array {
    return sampleDirections(this, 1, N);
  }

  /** n Gamma(k, 1) draws as float64. */
  gammaArray(k: number, n: number): Float64Array {
    assertCount('n', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = sampleGamma(this, k);
    return out;
  }

  /** n Beta(a, b) draws and their complements as float64. */
  betaArray(a: number, b: number, n: number): BetaArrays {
    assertCount('n', n);
    const x = new Float64Array(n);
    const oneMinusX = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = sampleBeta(this, a, b);
      x[i] = d.x;
      oneMinusX[i] = d.oneMinusX;
    }
    return { x, oneMinusX };
  }

  /** n BetaPrime(a, b) draws as float64. */
  betaPrimeArray(a: number, b: number, n: number): Float64Array {
    assertCount('n', n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = sampleBetaPrime(this, a, b);
    return out;
  }

  /** n uniform directions on S^{N−1}, row-major [n, N] float64 (unit rows). */
  directionArray(n: number, N: number): Float64Array {
    return sampleDirections(this, n, N);
  }

  /** Float32 tensor of uniform directions: shape [B, ...rest], each row unit-norm over the N = ∏rest entries. */
  directions(shape: readonly number[]): tf.Tensor {
    const [B, N] = batchAndRow(shape);
    return tf.tensor(Float32Array.from(sampleDirections(this, B, N)), [...shape], 'float32');
  }

  // ---- Per-sample variants: row i is drawn from forSample(first + i), whatever the batch. ----
  // Two per-sample calls on the same Rng reuse the same per-sample streams (so their draws are correlated):
  // give each quantity its own parent, e.g. rng.child(0).betaPrimePerSample(...), rng.child(1).directionsPerSample(...),
  // or draw everything of sample k from one `forSample(k)` in sequence.

  /** B draws, draw i = `draw(this.forSample(first + i))`. */
  perSample(B: number, first: number, draw: (r: Rng) => number): Float64Array {
    assertCount('batch size B', B);
    const out = new Float64Array(B);
    for (let i = 0; i < B; i++) out[i] = draw(this.forSample(first + i));
    return out;
  }

  /** B BetaPrime(a, b) draws, draw i from `forSample(first + i)`. */
  betaPrimePerSample(a: number, b: number, B: number, first = 0): Float64Array {
    return this.perSample(B, first, (r) => sampleBetaPrime(r, a, b));
  }

  /** B Beta(a, b) draws with complements, draw i from `forSample(first + i)`. */
  betaPerSample(a: number, b: number, B: number, first = 0): BetaArrays {
    assertCount('batch size B', B);
    const x = new Float64Array(B);
    const oneMinusX = new Float64Array(B);
    for (let i = 0; i < B; i++) {
      const d = sampleBeta(this.forSample(first + i), a, b);
      x[i] = d.x;
      oneMinusX[i] = d.oneMinusX;
    }
    return { x, oneMinusX };
  }

  /** Float32 directions tensor [B, ...rest] whose row i comes from `forSample(first + i)`. */
  directionsPerSample(shape: readonly number[], first = 0): tf.Tensor {
    const [B, N] = batchAndRow(shape);
    const out = new Float64Array(B * N); // [B, N]
    for (let i = 0; i < B; i++) fillDirection(this.forSample(first + i), N, out, i * N);
    return tf.tensor(Float32Array.from(out), [...shape], 'float32');
  }

  /** An independent stream for sample k: its draws do not depend on the batch it is drawn in. */
  forSample(k: number): Rng {
    return new Rng(this.seed, [...this.stream, k]);
  }

  /** An independent child stream named by an integer (e.g. the training step). */
  child(id: number): Rng {
    return this.forSample(id);
  }

  /** Per-sample normals: row i comes from `forSample(first + i)` (EDM StackedRandomGenerator). */
  normalPerSample(shape: readonly number[], first = 0): tf.Tensor {
    const [B, ...rest] = shape;
    const per = sizeOf(rest);
    const out = new Float32Array(B * per);
    for (let i = 0; i < B; i++) out.set(this.forSample(first + i).normalArray(per), i * per);
    return tf.tensor(out, [...shape], 'float32');
  }

  /** Current state, to store in a checkpoint. */
  state(): RngState {
    return { s: [...this.s], spare: this.spare };
  }

  /** Restores a state produced by {@link state}. */
  setState(st: RngState): void {
    if (!Array.isArray(st?.s) || st.s.length !== 4 || st.s.some((w) => !Number.isInteger(w))) {
      throw new Error(`invalid RngState: expected {s: [4 uint32], spare}, got ${JSON.stringify(st)}`);
    }
    this.s = [st.s[0] >>> 0, st.s[1] >>> 0, st.s[2] >>> 0, st.s[3] >>> 0];
    this.spare = st.spare;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** [B, N] of a batch shape [B, ...rest] with N = ∏rest ≥ 1 (rows are directions on S^{N−1}). */
function batchAndRow(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new Error(`invalid directions shape [${shape.join(', ')}]: expected [B, ...rest] (batch first, rest ≥ 1 dim)`);
  }
  const N = sizeOf(shape.slice(1));
  if (N < 1) throw new Error(`invalid directions shape [${shape.join(', ')}]: a direction needs N ≥ 1 entries`);
  return [sizeOf(shape.slice(0, 1)), N];
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape [${shape.join(', ')}]: dimensions must be non-negative integers`);
    n *= d;
  }
  return n;
}
