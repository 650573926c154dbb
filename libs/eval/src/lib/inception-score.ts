/** Options of {@link inceptionScore}. */
export interface InceptionScoreOptions {
  /** Number of contiguous splits `[k·N/S, (k+1)·N/S)`. Default 10 (Salimans et al. 2016). */
  splits?: number;
  /**
   * Shuffle rows first with numpy's `RandomState(seed).permutation(N)`, as torch-fidelity does
   * (`samples_shuffle=True`, seed 2020). Default: no shuffle (original improved-gan code).
   */
  shuffleSeed?: number;
}

/** Mean and population standard deviation (ddof = 0) of the per-split scores. */
export interface InceptionScore {
  mean: number;
  std: number;
}

/** log Σ exp, stable, over row `z[off .. off+C)`. */
function logSumExp(z: ArrayLike<number>, off: number, C: number): number {
  let m = -Infinity;
  for (let c = 0; c < C; c++) m = Math.max(m, z[off + c]);
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(z[off + c] - m);
  return m + Math.log(s);
}

/** exp(mean_i KL(p_i ‖ q)) for rows `idx` of logits, q = mean_i p_i; float64 softmax. */
function splitScore(z: ArrayLike<number>, idx: ArrayLike<number>, C: number): number {
  const n = idx.length;
  const logp = new Float64Array(n * C);
  const q = new Float64Array(C);
  for (let r = 0; r < n; r++) {
    const off = idx[r] * C;
    const lse = logSumExp(z, off, C);
    for (let c = 0; c < C; c++) {
      const lp = z[off + c] - lse;
      logp[r * C + c] = lp;
      q[c] += Math.exp(lp) / n;
    }
  }
  const logq = q.map(Math.log);
  let kl = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < C; c++) {
      const lp = logp[r * C + c];
      const p = Math.exp(lp);
      if (p > 0) kl += p * (lp - logq[c]);
    }
  }
  return Math.exp(kl / n);
}

/**
 * Inception Score (Salimans et al. 2016, §4; fid-spec §3): exp(E_x KL(p(y|x) ‖ p(y))) per split,
 * from logits `z = pool3·W` (no bias) over all `classes` (1008 for the 2015 graph), row-major [N, classes].
 */
export function inceptionScore(logits: ArrayLike<number>, classes: number, opts: InceptionScoreOptions = {}): InceptionScore {
  const { splits = 10, shuffleSeed } = opts;
  if (logits.length % classes !== 0) {
    throw new Error(`inceptionScore: ${logits.length} logits is not a multiple of ${classes} classes; pass row-major [N, ${classes}]`);
  }
  const N = logits.length / classes;
  if (!Number.isInteger(splits) || splits < 1 || splits > N) {
    throw new Error(`inceptionScore: splits must be an integer in [1, N = ${N}], got ${splits}`);
  }
  const order = shuffleSeed === undefined ? Int32Array.from({ length: N }, (_, i) => i) : numpyPermutation(N, shuffleSeed);
  const scores: number[] = [];
  for (let k = 0; k < splits; k++) {
    const lo = Math.floor((k * N) / splits);
    const hi = Math.floor(((k + 1) * N) / splits);
    scores.push(splitScore(logits, order.subarray(lo, hi), classes));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, s) => a + (s - mean) ** 2, 0) / splits);
  return { mean, std };
}

// ---------------------------------------------------------------------------------------------
// numpy RandomState(seed).permutation(n): MT19937 seeded by init_genrand(seed), then a Fisher–Yates
// shuffle drawing bounded integers by masked rejection (numpy `random_interval` legacy path).

/** MT19937 32-bit generator as seeded by numpy's `RandomState(int)`. */
class MT19937 {
  private readonly mt = new Uint32Array(624);
  private idx = 624;
  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * prev + i (mod 2^32), split to stay exact in float64
      this.mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
  }
  next(): number {
    const mt = this.mt;
    if (this.idx >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.idx = 0;
    }
    let y = mt[this.idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** numpy `RandomState(seed).permutation(n)` (legacy shuffle: i from n−1 down to 1, j = interval(i)). */
export function numpyPermutation(n: number, seed: number): Int32Array {
  const rng = new MT19937(seed);
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    // random_interval(max = i): mask = smallest 2^k − 1 ≥ i; draw 32-bit values until (v & mask) ≤ i
    let mask = i;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let j: number;
    do j = (rng.next() & mask) >>> 0;
    while (j > i);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
