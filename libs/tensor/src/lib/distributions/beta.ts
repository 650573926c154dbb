import { sampleGamma, sampleLogGamma } from './gamma.js';
import { assertShapeParameter, type RandomSource } from './random-source.js';

/** One Beta draw with its complement, both to full relative precision (no 1 − x cancellation). */
export interface BetaDraw {
  /** x ~ Beta(a, b). */
  x: number;
  /** 1 − x ~ Beta(b, a), computed as G_b/(G_a + G_b), not as 1 − x. */
  oneMinusX: number;
}

const D_INFINITY_HINT = 'D = ∞ is the Gaussian limit: callers use n = σ·N(0, I) instead of a Beta radius';

/**
 * Shapes below this go through log-Gammas: the boost factor U^{1/k} ≥ 2^{−53/k} is a normal float64 for k ≥ 0.1
 * (≥ 2^{−530} ≈ 3e−160) but can be subnormal or 0 for k < 53/1022 ≈ 0.052.
 */
const LOG_PATH_BELOW = 0.1;

/**
 * x ~ Beta(a, b) as G_a/(G_a + G_b) with independent Gammas, and 1 − x as G_b/(G_a + G_b).
 * PFGM prior: Beta(N/2, 1/2) (Xu et al. 2022, App. B.2); PFGM++ kernel: Beta(N/2, D/2) (Xu et al. 2023, §3.2).
 */
export function sampleBeta(src: RandomSource, a: number, b: number): BetaDraw {
  assertShapeParameter('Beta shape a', a, D_INFINITY_HINT);
  assertShapeParameter('Beta shape b', b, D_INFINITY_HINT);
  if (Math.min(a, b) < LOG_PATH_BELOW) {
    // x = 1/(1 + G_b/G_a) = logistic(ln G_a − ln G_b); each side keeps its own relative precision.
    const t = sampleLogGamma(src, a) - sampleLogGamma(src, b);
    return { x: 1 / (1 + Math.exp(-t)), oneMinusX: 1 / (1 + Math.exp(t)) };
  }
  const ga = sampleGamma(src, a);
  const gb = sampleGamma(src, b);
  const s = ga + gb;
  return { x: ga / s, oneMinusX: gb / s };
}

/**
 * q ~ BetaPrime(a, b) as G_a/G_b (= x/(1 − x) for x ~ Beta(a, b), without forming 1 − x).
 * PFGM++ radius R = r·√q with a = N/2, b = D/2 (Xu et al. 2023, Eq. 4 and App. "Beta trick"); mean a/(b − 1).
 */
export function sampleBetaPrime(src: RandomSource, a: number, b: number): number {
  assertShapeParameter('BetaPrime shape a', a, D_INFINITY_HINT);
  assertShapeParameter('BetaPrime shape b', b, D_INFINITY_HINT);
  if (Math.min(a, b) < LOG_PATH_BELOW) return Math.exp(sampleLogGamma(src, a) - sampleLogGamma(src, b));
  return sampleGamma(src, a) / sampleGamma(src, b);
}
