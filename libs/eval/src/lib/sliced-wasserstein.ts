import { Rng } from '@pfgm/tensor';

/**
 * Exact W2² between two 1-D empirical measures with uniform weights: ∫₀¹ (F⁻¹(t) − G⁻¹(t))² dt, merging the
 * breakpoints i/n and j/m of the two quantile step functions (sizes may differ). Sorts copies of its inputs.
 */
export function wasserstein2Squared1d(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a = Float64Array.from(x).sort();
  const b = Float64Array.from(y).sort();
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new Error('wasserstein2Squared1d: both samples need at least one point');
  let i = 0;
  let j = 0;
  let t = 0;
  let w2 = 0;
  while (i < n && j < m) {
    const next = Math.min((i + 1) / n, (j + 1) / m); // end of the current piece of both quantile functions
    w2 += (next - t) * (a[i] - b[j]) ** 2;
    t = next;
    if ((i + 1) / n <= next) i++;
    if ((j + 1) / m <= next) j++;
  }
  return w2;
}

/** Options of {@link slicedWasserstein2}. */
export interface SlicedWassersteinOptions {
  /** Number of directions L. Default 256. */
  directions?: number;
  /** Seed of the random directions (dimension > 2). Default 0. */
  seed?: number;
}

/** Unit directions [L, d]: for d = 2 the midpoint rule on the half circle θ_k = π(k + ½)/L (exact for E[cos²]); else seeded Gaussian directions. */
function directionsFor(d: number, L: number, seed: number): Float64Array {
  const out = new Float64Array(L * d);
  if (d === 2) {
    for (let k = 0; k < L; k++) {
      const th = (Math.PI * (k + 0.5)) / L;
      out[2 * k] = Math.cos(th);
      out[2 * k + 1] = Math.sin(th);
    }
    return out;
  }
  const rng = new Rng(seed);
  for (let k = 0; k < L; k++) {
    const v = rng.normalArray(d);
    const norm = Math.hypot(...v);
    for (let c = 0; c < d; c++) out[k * d + c] = v[c] / norm;
  }
  return out;
}

/**
 * Sliced Wasserstein-2 distance (Bonneel et al. 2015): SW2 = ( E_θ W2²(θᵀX, θᵀY) )^{1/2} over unit directions θ,
 * for point sets x [n, d], y [m, d] (row-major).
 */
export function slicedWasserstein2(x: ArrayLike<number>, y: ArrayLike<number>, d: number, opts: SlicedWassersteinOptions = {}): number {
  const { directions: L = 256, seed = 0 } = opts;
  if (x.length % d !== 0 || y.length % d !== 0) throw new Error(`slicedWasserstein2: point arrays must be row-major [N, ${d}]; got ${x.length} and ${y.length} values`);
  const n = x.length / d;
  const m = y.length / d;
  const theta = directionsFor(d, L, seed);
  const px = new Float64Array(n);
  const py = new Float64Array(m);
  let sum = 0;
  for (let k = 0; k < L; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += theta[k * d + c] * x[i * d + c];
      px[i] = s;
    }
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += theta[k * d + c] * y[j * d + c];
      py[j] = s;
    }
    sum += wasserstein2Squared1d(px, py);
  }
  return Math.sqrt(sum / L);
}
