import { studentTQuantile } from './student-t-quantile.js';

/** The regression tolerance of one model's metric, derived from its spread over K sampling seeds. */
export interface SeedTolerance {
  /** Sample mean of the metric over the K seeds. */
  mean: number;
  /** Sample standard deviation (n − 1) over the K seeds. */
  std: number;
  /** Number of seeds K. */
  K: number;
  /** One-sided false-alarm rate per model when nothing changed but the draw. */
  alpha: number;
  /** The multiplier k = t_{1−α, K−1}·√(1 + 1/K). */
  k: number;
  /** mean + k·std: a new single-seed value above it is a regression. */
  tolerance: number;
}

/**
 * Upper one-sided normal prediction bound for ONE new seed's metric: mean + t_{1−α,K−1}·std·√(1 + 1/K). If the
 * per-seed metric is normal, a fresh seed of an unchanged model exceeds it with probability exactly α (the new draw
 * minus the mean, over std·√(1+1/K), is Student-t with K − 1 degrees of freedom).
 */
export function seedTolerance(values: readonly number[], alpha: number): SeedTolerance {
  const K = values.length;
  if (K < 2) throw new Error(`seedTolerance: need at least 2 seed values to measure a spread, got ${K}`);
  if (values.some((v) => !Number.isFinite(v))) throw new Error(`seedTolerance: every seed value must be finite, got [${values.join(', ')}]`);
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`seedTolerance: alpha must be in (0, 0.5), got ${alpha}`);
  const mean = values.reduce((a, v) => a + v, 0) / K;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (K - 1));
  const k = studentTQuantile(1 - alpha, K - 1) * Math.sqrt(1 + 1 / K);
  return { mean, std, K, alpha, k, tolerance: mean + k * std };
}
