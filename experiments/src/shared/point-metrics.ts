import { mmdRbf, slicedWasserstein2 } from '@pfgm/eval';

/** Sample-quality metrics of 2-D points against held-out data. */
export interface PointMetrics {
  /** Sliced Wasserstein-2 (256 directions) between samples and test points. */
  sw2: number;
  /** Unbiased MMD² with the RBF kernel at h = median pairwise distance. */
  mmd2Median: number;
  /** Sum of unbiased MMD² over h = median × {¼, ½, 1, 2, 4} (a multi-bandwidth MMD²). */
  mmd2Multi: number;
}

/** SW2 and MMD² (several bandwidths) of samples x [n, d] against test points y [m, d], both row-major. */
export function pointMetrics(x: ArrayLike<number>, y: ArrayLike<number>, d: number): PointMetrics {
  const mmd = mmdRbf(x, y, d);
  return { sw2: slicedWasserstein2(x, y, d), mmd2Median: mmd[2].mmd2, mmd2Multi: mmd.reduce((a, r) => a + r.mmd2, 0) };
}

/** Mean negative log-density −(1/n) Σ log p(xᵢ) in nats. */
export function meanNll(logp: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < logp.length; i++) s -= logp[i];
  return s / logp.length;
}

/** Points with a non-finite coordinate (a diverged sample), counted per row of [n, d]. */
export function countNonFinite(x: ArrayLike<number>, d: number): number {
  let bad = 0;
  for (let i = 0; i < x.length / d; i++) {
    for (let c = 0; c < d; c++) {
      if (!Number.isFinite(x[i * d + c])) {
        bad++;
        break;
      }
    }
  }
  return bad;
}
