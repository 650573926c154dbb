import * as tf from '@tensorflow/tfjs-core';

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
 */
export class Rng {
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

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape [${shape.join(', ')}]: dimensions must be non-negative integers`);
    n *= d;
  }
  return n;
}
