import type * as tf from '@tensorflow/tfjs-core';

// ----------------------------------------------------------------------------
// The ODE dx/dt = f(x, t) on a batched state, and what a solver returns.
// This library knows nothing of PFGM: `t` is whatever the caller integrates in.
// ----------------------------------------------------------------------------

/** dx/dt at time t, same t for the whole batch (k-diffusion `to_d`). Must not dispose x; returns a fresh tensor the solver owns. */
export type VectorField = (x: tf.Tensor, t: number) => tf.Tensor;

/** Times from prior to data, t[0] → t[N], float64, strictly increasing or strictly decreasing. */
export type TimeGrid = Float64Array;

/** One per-step report for trajectory plots and progress bars. `x` is borrowed: valid only during the callback (clone it to keep it). */
export interface StepInfo {
  /** Step index: 0 for the initial state, then 1, 2, … after each (accepted) step. */
  i: number;
  /** Time reached (float64). */
  t: number;
  /** State at time t, [B, ...]. Do not dispose. */
  x: tf.Tensor;
  /** Field evaluations so far. */
  nfe: number;
}

/** Result of a solve; the caller owns and must dispose `x`. */
export interface SolveResult {
  /** Final state at the last grid time, same shape as x0. */
  x: tf.Tensor;
  /** Number of field evaluations (for rk45: scipy's `nfev`). */
  nfe: number;
  /** Times visited, starting with t0 and ending with the last grid time (scipy's `sol.t`). */
  ts: number[];
  /** rk45 only: accepted steps. */
  accepted?: number;
  /** rk45 only: rejected step attempts. */
  rejected?: number;
}

/** Result of {@link rk45}: scipy's step statistics are always present. */
export interface Rk45Result extends SolveResult {
  accepted: number;
  rejected: number;
}

/** Options shared by every solver. */
export interface SolveOptions {
  /** Called with the initial state (i = 0) and after every accepted step. Default: none. */
  onStep?: (s: StepInfo) => void;
}

/** Options of {@link heun}. */
export interface HeunOptions extends SolveOptions {
  /** Make the last step a plain Euler step (EDM Alg. 1 line 8, PFGM improved Euler). Default: true iff the last grid time is 0. */
  lastStepEuler?: boolean;
}

/** Options of {@link rk45}: the semantics of `scipy.integrate.solve_ivp(method='RK45')`. */
export interface Rk45Options extends SolveOptions {
  /** Relative tolerance, > 0. scipy default 1e-3 (PFGM uses 1e-4, VP-ODE 1e-5). */
  rtol?: number;
  /** Absolute tolerance, > 0. scipy default 1e-6 (PFGM uses 1e-4, VP-ODE 1e-5). */
  atol?: number;
  /** Initial step size |h0|; default: scipy's `select_initial_step` heuristic. */
  firstStep?: number;
  /** Largest allowed |h|. Default Infinity (scipy). */
  maxStep?: number;
  /** Give up (with an error) after this many step attempts, accepted + rejected. Default 100000. */
  maxSteps?: number;
}

/** A solver; fixed-step solvers walk every grid time, rk45 integrates from grid[0] to grid.at(-1). */
export type Solver<O extends SolveOptions = SolveOptions> = (
  f: VectorField,
  x0: tf.Tensor,
  grid: TimeGrid,
  opts?: O,
) => Promise<SolveResult>;

/** Which solver to use; `steps` for fixed-step solvers is the number of grid intervals the caller builds its grid with. */
export type SolverSpec =
  | { kind: 'euler'; steps: number }
  | { kind: 'heun'; steps: number; lastStepEuler?: boolean }
  | { kind: 'rk4'; steps: number }
  | { kind: 'rk45'; rtol: number; atol: number; firstStep?: number; maxStep?: number; maxSteps?: number };
