import { assertCount, type RandomSource } from './random-source.js';

/**
 * Writes one uniform direction on S^{N−1} (g/‖g‖, g ~ N(0, I_N), norm in float64) into `out[offset .. offset+N)`.
 * PFGM/PFGM++ perturbation and prior direction u (Xu et al. 2022 §3; 2023 §3.2).
 */
export function fillDirection(src: RandomSource, N: number, out: Float64Array, offset = 0): void {
  for (;;) {
    let sq = 0;
    for (let j = 0; j < N; j++) {
      const g = src.nextNormal();
      out[offset + j] = g;
      sq += g * g;
    }
    if (sq > 0) {
      const inv = 1 / Math.sqrt(sq);
      for (let j = 0; j < N; j++) out[offset + j] *= inv;
      return;
    }
  }
}

/** n uniform directions on S^{N−1}, row-major [n, N] float64. */
export function sampleDirections(src: RandomSource, n: number, N: number): Float64Array {
  assertCount('number of directions n', n);
  assertCount('sphere dimension N (directions lie on S^{N−1} in R^N)', N, 1);
  const out = new Float64Array(n * N); // [n, N]
  for (let i = 0; i < n; i++) fillDirection(src, N, out, i * N);
  return out;
}
