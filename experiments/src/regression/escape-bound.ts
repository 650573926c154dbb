import betaCdf from '@stdlib/stats-base-dists-beta-cdf';

/** P(X ≥ x) for X ~ Binomial(T, p): the regularized incomplete beta I_p(x, T − x + 1) (1 when x ≤ 0, 0 when x > T). */
export function binomialUpperTail(x: number, T: number, p: number): number {
  if (x <= 0) return 1;
  if (x > T) return 0;
  return betaCdf(p, x, T - x + 1);
}

/**
 * Largest far-sample count a new seed may have: the conditional test of two Poisson rates (Przyborowski & Wilenski
 * 1940). With C far samples over K baseline seeds and X at the new seed, under an unchanged rate X | X + C ~
 * Binomial(X + C, 1/(K + 1)); X regresses when P(Binomial(X + C, 1/(K+1)) ≥ X) ≤ α. Exact (conservative: discrete),
 * no normality assumed. Returns the largest X that passes.
 */
export function escapeTolerance(C: number, K: number, alpha: number): number {
  if (!Number.isInteger(C) || C < 0) throw new RangeError(`escapeTolerance: the baseline far count must be a non-negative integer, got ${C}`);
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`escapeTolerance: K must be a positive integer, got ${K}`);
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`escapeTolerance: alpha must be in (0, 0.5), got ${alpha}`);
  let x = 0;
  while (binomialUpperTail(x + 1, x + 1 + C, 1 / (K + 1)) > alpha) x++;
  return x;
}
