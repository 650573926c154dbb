import type { TimeGrid } from './types.js';

// ----------------------------------------------------------------------------
// Time grids t[0] → t[N] (N steps, N + 1 times), float64, prior → data.
// ----------------------------------------------------------------------------

/** Uniform grid of `steps` intervals from t0 to t1, exactly like numpy.linspace(t0, t1, steps + 1). */
export function uniformGrid(t0: number, t1: number, steps: number): TimeGrid {
  checkSteps(steps, 1, 'uniformGrid');
  checkFinite({ t0, t1 }, 'uniformGrid');
  if (t0 === t1) throw new RangeError(`uniformGrid: t0 and t1 are both ${t0}; the grid needs two different end times.`);
  const dt = (t1 - t0) / steps;
  const grid = Float64Array.from({ length: steps + 1 }, (_, i) => t0 + i * dt);
  grid[steps] = t1;
  return grid;
}

/**
 * Geometric grid from a to b (both > 0): exp(linspace(ln a, ln b, steps + 1)), end points exact.
 * PFGM's fixed-step samplers step uniformly in t' = ln z, i.e. Euler/Heun in z on this grid (PFGM App. B.2, spec §2.4).
 */
export function logUniformGrid(a: number, b: number, steps: number): TimeGrid {
  checkSteps(steps, 1, 'logUniformGrid');
  checkFinite({ a, b }, 'logUniformGrid');
  if (!(a > 0 && b > 0)) {
    throw new RangeError(`logUniformGrid: both ends must be > 0 (got a = ${a}, b = ${b}); a log-uniform grid cannot reach 0 or cross it.`);
  }
  const grid = uniformGrid(Math.log(a), Math.log(b), steps).map(Math.exp);
  grid[0] = a;
  grid[steps] = b;
  return grid;
}

/** Options of {@link edmGrid} (EDM Eq. 5; defaults from EDM/PFGM++ `generate.py`). */
export interface EdmGridOptions {
  /** Number of noise levels n (≥ 2); the grid has n + 1 times and Heun costs 2n − 1 NFE. CIFAR-10: 18. */
  steps: number;
  /** Smallest noise level σ_min. Default 0.002. */
  sigmaMin?: number;
  /** Largest noise level σ_max. Default 80. */
  sigmaMax?: number;
  /** Schedule exponent ρ. Default 7. */
  rho?: number;
}

/** EDM ρ-schedule σ_i = (σ_max^{1/ρ} + i/(n−1)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, i < n, then σ_n = 0 (EDM Eq. 5). */
export function edmGrid(opts: EdmGridOptions): TimeGrid {
  const { steps: n, sigmaMin = 0.002, sigmaMax = 80, rho = 7 } = opts;
  checkSteps(n, 2, 'edmGrid');
  checkFinite({ sigmaMin, sigmaMax, rho }, 'edmGrid');
  if (!(sigmaMax > sigmaMin && sigmaMin > 0 && rho > 0)) {
    throw new RangeError(`edmGrid: need sigmaMax > sigmaMin > 0 and rho > 0, got sigmaMax = ${sigmaMax}, ` +
      `sigmaMin = ${sigmaMin}, rho = ${rho} (EDM defaults: 80, 0.002, 7).`);
  }
  const hi = sigmaMax ** (1 / rho);
  const lo = sigmaMin ** (1 / rho);
  const grid = new Float64Array(n + 1); // trailing 0
  for (let i = 0; i < n; i++) grid[i] = (hi + (i / (n - 1)) * (lo - hi)) ** rho;
  return grid;
}

/** Options of {@link vpGrid} (score_sde VP-ODE, spec §6). */
export interface VpGridOptions {
  /** Number of intervals N_s. */
  steps: number;
  /** Final time ε. Default 1e-3 (sampling); likelihood uses 1e-5. */
  eps?: number;
  /** Start time T. Default 1. */
  T?: number;
}

/** VP grid linspace(T, ε, N_s + 1), uniform from T = 1 down to ε (score_sde `sampling.py`). */
export function vpGrid(opts: VpGridOptions): TimeGrid {
  const { steps, eps = 1e-3, T = 1 } = opts;
  if (!(T > eps && eps > 0)) throw new RangeError(`vpGrid: need T > eps > 0, got T = ${T}, eps = ${eps} (defaults 1, 1e-3).`);
  return uniformGrid(T, eps, steps);
}

function checkSteps(steps: number, min: number, fn: string): void {
  if (!(Number.isInteger(steps) && steps >= min)) {
    throw new RangeError(`${fn}: steps must be an integer ≥ ${min}, got ${steps}; the grid has steps + 1 times.`);
  }
}

function checkFinite(values: Record<string, number>, fn: string): void {
  for (const [k, v] of Object.entries(values)) {
    if (!(typeof v === 'number' && Number.isFinite(v))) throw new RangeError(`${fn}: ${k} must be a finite number, got ${v}.`);
  }
}
