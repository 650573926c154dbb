/** Options of {@link mmdRbf}. */
export interface MmdOptions {
  /** RBF bandwidths h in k(x, y) = exp(−‖x − y‖² / (2h²)). Default: median pairwise distance × {¼, ½, 1, 2, 4}. */
  bandwidths?: number[];
}

/** MMD² at one bandwidth. */
export interface MmdResult {
  h: number;
  /** Unbiased estimate (may be slightly negative when P = Q). */
  mmd2: number;
}

function sqDist(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  for (let c = 0; c < d; c++) s += (a[i * d + c] - b[j * d + c]) ** 2;
  return s;
}

/** Median of the pairwise distances between x and y (on at most 1000 points of each). */
function medianDistance(x: ArrayLike<number>, y: ArrayLike<number>, d: number): number {
  const n = Math.min(x.length / d, 1000);
  const m = Math.min(y.length / d, 1000);
  const ds = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) ds[i * m + j] = Math.sqrt(sqDist(x, i, y, j, d));
  ds.sort();
  return ds[Math.floor(ds.length / 2)] || 1;
}

/**
 * Unbiased squared Maximum Mean Discrepancy with Gaussian RBF kernels (Gretton et al. 2012, Eq. 3), at several
 * bandwidths in one O((n+m)²·d) pass: MMD²_u = mean_{i≠j} k(xᵢ,xⱼ) + mean_{i≠j} k(yᵢ,yⱼ) − 2·mean_{i,j} k(xᵢ,yⱼ).
 * x [n, d], y [m, d] row-major, n, m ≥ 2.
 */
export function mmdRbf(x: ArrayLike<number>, y: ArrayLike<number>, d: number, opts: MmdOptions = {}): MmdResult[] {
  if (x.length % d !== 0 || y.length % d !== 0) throw new Error(`mmdRbf: point arrays must be row-major [N, ${d}]; got ${x.length} and ${y.length} values`);
  const n = x.length / d;
  const m = y.length / d;
  if (n < 2 || m < 2) throw new Error(`mmdRbf: need at least 2 points on each side, got ${n} and ${m}`);
  const med = opts.bandwidths ? 1 : medianDistance(x, y, d);
  const hs = opts.bandwidths ?? [0.25, 0.5, 1, 2, 4].map((f) => f * med);
  if (hs.some((h) => !(h > 0))) throw new Error(`mmdRbf: bandwidths must be positive, got ${hs.join(', ')}`);
  const g = hs.map((h) => -1 / (2 * h * h));
  const kxx = new Float64Array(hs.length);
  const kyy = new Float64Array(hs.length);
  const kxy = new Float64Array(hs.length);
  const accumulate = (acc: Float64Array, d2: number, w: number) => {
    for (let b = 0; b < hs.length; b++) acc[b] += w * Math.exp(g[b] * d2);
  };
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) accumulate(kxx, sqDist(x, i, x, j, d), 2);
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) accumulate(kyy, sqDist(y, i, y, j, d), 2);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) accumulate(kxy, sqDist(x, i, y, j, d), 1);
  return hs.map((h, b) => ({ h, mmd2: kxx[b] / (n * (n - 1)) + kyy[b] / (m * (m - 1)) - (2 * kxy[b]) / (n * m) }));
}
