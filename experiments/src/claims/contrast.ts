import { studentTQuantile } from '../regression/student-t-quantile.js';

/** One group of per-seed values and its weight in a contrast. */
export interface Group {
  values: readonly number[];
  weight: number;
}

/** A two-sided interval for Σ wᵢ·meanᵢ over independent groups. */
export interface Contrast {
  /** Σ wᵢ·meanᵢ. */
  estimate: number;
  /** Standard error √(Σ wᵢ²·sᵢ²/nᵢ). */
  se: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  lo: number;
  hi: number;
  level: number;
  /** Seeds per group. */
  n: number[];
}

const mean = (v: readonly number[]): number => v.reduce((a, x) => a + x, 0) / v.length;
const variance = (v: readonly number[]): number => {
  const m = mean(v);
  return v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1);
};

/**
 * Welch's interval for a linear contrast of independent group means (Σ wᵢ·x̄ᵢ, e.g. x̄_A − x̄_B, or a difference of
 * differences), with the Welch–Satterthwaite df. Every group needs ≥ 2 finite values; otherwise the interval is
 * (−∞, ∞) — no claim can be judged from one seed.
 */
export function contrast(groups: readonly Group[], level = 0.95): Contrast {
  const n = groups.map((g) => g.values.length);
  const finite = groups.every((g) => g.values.every(Number.isFinite));
  const estimate = finite && groups.every((g) => g.values.length > 0) ? groups.reduce((a, g) => a + g.weight * mean(g.values), 0) : NaN;
  if (!finite || n.some((k) => k < 2)) return { estimate, se: NaN, df: NaN, lo: -Infinity, hi: Infinity, level, n };
  const terms = groups.map((g) => (g.weight ** 2 * variance(g.values)) / g.values.length); // wᵢ²·sᵢ²/nᵢ
  const se2 = terms.reduce((a, t) => a + t, 0);
  const se = Math.sqrt(se2);
  if (se === 0) return { estimate, se, df: Infinity, lo: estimate, hi: estimate, level, n };
  const df = se2 ** 2 / terms.reduce((a, t, i) => a + t ** 2 / (n[i] - 1), 0);
  const t = studentTQuantile(0.5 + level / 2, df);
  return { estimate, se, df, lo: estimate - t * se, hi: estimate + t * se, level, n };
}

/** A t-interval for one group's mean (n ≥ 2; else ±∞). */
export function meanInterval(values: readonly number[], level = 0.95): Contrast {
  return contrast([{ values, weight: 1 }], level);
}
