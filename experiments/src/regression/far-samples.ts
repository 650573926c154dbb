/** Samples [n, d] split at radius R: the points with ‖x‖ ≤ R (row-major) and how many lie beyond R or are not finite. */
export function splitFar(x: ArrayLike<number>, d: number, R: number): { inside: Float32Array; far: number } {
  const n = x.length / d;
  const keep: number[] = [];
  let far = 0;
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let c = 0; c < d; c++) r2 += x[i * d + c] ** 2;
    if (r2 <= R * R) for (let c = 0; c < d; c++) keep.push(x[i * d + c]);
    else far++; // NaN fails r2 ≤ R², so diverged samples count as far
  }
  return { inside: Float32Array.from(keep), far };
}

/** Largest norm among points [n, d] (the far radius is a multiple of the held-out data's). */
export function maxNorm(x: ArrayLike<number>, d: number): number {
  let m = 0;
  for (let i = 0; i < x.length / d; i++) {
    let r2 = 0;
    for (let c = 0; c < d; c++) r2 += x[i * d + c] ** 2;
    m = Math.max(m, Math.sqrt(r2));
  }
  return m;
}
