import * as tf from '@tensorflow/tfjs-core';
import type { ToyData } from './toy-data.js';

/** Where samples landed relative to a toy data set (Theorem 1 check: the flow carries the prior onto the data). */
export interface Landing {
  /** Largest distance from a sample to its nearest data point. */
  maxDistance: number;
  /** Number of samples within 1e-2 of a data point. */
  within1e2: number;
  /** Number of samples whose nearest point is k. */
  counts: number[];
  /** Pearson χ² statistic of `counts` against the weights ∝ multiplicities (K − 1 degrees of freedom). */
  chi2: number;
}

/** Nearest-point landing statistics of samples x [n, N] on a toy data set. */
export function landing(x: tf.Tensor, d: ToyData): Landing {
  const rows = x.arraySync() as number[][];
  const counts = d.points.map(() => 0);
  let maxDistance = 0;
  let within1e2 = 0;
  for (const r of rows) {
    let best = Infinity;
    let arg = 0;
    d.points.forEach((p, k) => {
      const dist = Math.hypot(...p.map((v, j) => v - r[j]));
      if (dist < best) [best, arg] = [dist, k];
    });
    counts[arg]++;
    if (best < 1e-2) within1e2++;
    maxDistance = Math.max(maxDistance, Number.isNaN(best) ? Infinity : best);
  }
  const total = d.counts.reduce((a, b) => a + b, 0);
  const chi2 = counts.reduce((acc, c, k) => {
    const e = (rows.length * d.counts[k]) / total;
    return acc + (c - e) ** 2 / e;
  }, 0);
  return { maxDistance, within1e2, counts, chi2 };
}
