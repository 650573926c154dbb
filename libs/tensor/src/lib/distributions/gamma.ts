import { assertShapeParameter, type RandomSource } from './random-source.js';

/** Gamma(k, 1) for k ≥ 1: Marsaglia & Tsang (2000), "A simple method for generating gamma variables", §4. */
function marsagliaTsang(src: RandomSource, k: number): number {
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = src.nextNormal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = src.nextOpen();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v; // squeeze
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * ln G with G ~ Gamma(k, 1) (shape k, scale 1), finite for every k > 0.
 * k < 1 uses the boost G(k) = G(k+1)·U^{1/k} (Marsaglia & Tsang 2000, §6) in log space, so tiny k (where G
 * itself underflows to 0) still gives a usable log.
 */
export function sampleLogGamma(src: RandomSource, k: number): number {
  assertShapeParameter('Gamma shape k', k);
  if (k >= 1) return Math.log(marsagliaTsang(src, k));
  const g = marsagliaTsang(src, k + 1);
  return Math.log(g) + Math.log(src.nextOpen()) / k;
}

/**
 * G ~ Gamma(k, 1) (shape k, scale 1; mean k, variance k) by Marsaglia–Tsang, with the U^{1/k} boost for k < 1.
 * For k < 0.1 the value can be subnormal or underflow to 0; use {@link sampleLogGamma} there.
 */
export function sampleGamma(src: RandomSource, k: number): number {
  assertShapeParameter('Gamma shape k', k);
  if (k >= 1) return marsagliaTsang(src, k);
  return marsagliaTsang(src, k + 1) * Math.exp(Math.log(src.nextOpen()) / k);
}
