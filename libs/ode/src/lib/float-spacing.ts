const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** numpy.nextafter(t, direction·∞) for finite float64 t: the adjacent double towards +∞ (dir > 0) or −∞. */
export function nextAfter(t: number, dir: number): number {
  if (t === 0) return dir > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = t;
  // For t > 0 the bit pattern grows with t; for t < 0 it grows with |t|.
  i64[0] += (t > 0) === (dir > 0) ? 1n : -1n;
  return f64[0];
}

/** scipy RK45 `min_step`: 10·|nextafter(t, direction·∞) − t|. */
export function minStep(t: number, dir: number): number {
  return 10 * Math.abs(nextAfter(t, dir) - t);
}
