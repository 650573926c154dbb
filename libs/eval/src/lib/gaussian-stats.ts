/**
 * Streaming Gaussian statistics of feature vectors (FID §2.1): float64 accumulators of Σx and Σxxᵀ
 * (EDM `fid.py` scheme), so features are never all held in memory.
 */

/** Mean and covariance of N feature vectors of dimension `dim`. */
export interface GaussianStats {
  /** Number of samples the statistics were computed from (0 when unknown, e.g. read from an `.npz`). */
  n: number;
  /** Mean, [dim]. */
  mu: Float64Array;
  /** Covariance with 1/(N−1) (`np.cov`), row-major [dim, dim]. */
  sigma: Float64Array;
}

/** Accumulates Σx and Σxxᵀ in float64; `stats()` gives mu and the unbiased covariance. */
export class GaussianAccumulator {
  /** Samples added so far. */
  n = 0;
  private readonly sum: Float64Array; // [dim]
  private readonly sumSq: Float64Array; // [dim, dim], upper triangle filled while accumulating
  private readonly row: Float64Array;

  constructor(readonly dim: number) {
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`GaussianAccumulator: dim must be a positive integer, got ${dim}`);
    this.sum = new Float64Array(dim);
    this.sumSq = new Float64Array(dim * dim);
    this.row = new Float64Array(dim);
  }

  /** Adds a batch of features, row-major [B, dim] (float32 from the network or float64). */
  add(features: ArrayLike<number>): this {
    const D = this.dim;
    if (features.length % D !== 0) {
      throw new Error(`GaussianAccumulator.add: got ${features.length} values, not a multiple of dim ${D}; pass a row-major [B, ${D}] batch`);
    }
    const B = features.length / D;
    const { sum, sumSq, row: x } = this;
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < D; i++) x[i] = features[b * D + i];
      for (let i = 0; i < D; i++) {
        const xi = x[i];
        sum[i] += xi;
        if (xi === 0) continue; // ReLU features are often exactly 0
        const off = i * D;
        for (let j = i; j < D; j++) sumSq[off + j] += xi * x[j];
      }
    }
    this.n += B;
    return this;
  }

  /** mu = Σx/N, Sigma = (Σxxᵀ − N·mu·muᵀ)/(N−1). Needs N ≥ 2. */
  stats(): GaussianStats {
    const { n: N, dim: D } = this;
    if (N < 2) throw new Error(`GaussianAccumulator.stats: need at least 2 samples for a covariance, got ${N}`);
    const mu = this.sum.map((s) => s / N);
    const sigma = new Float64Array(D * D);
    for (let i = 0; i < D; i++) {
      for (let j = i; j < D; j++) {
        const c = (this.sumSq[i * D + j] - N * mu[i] * mu[j]) / (N - 1);
        sigma[i * D + j] = c;
        sigma[j * D + i] = c;
      }
    }
    return { n: N, mu, sigma };
  }
}

/** Statistics of a whole in-memory feature matrix, row-major [N, dim] (convenience for small sets). */
export function gaussianStats(features: ArrayLike<number>, dim: number): GaussianStats {
  return new GaussianAccumulator(dim).add(features).stats();
}
