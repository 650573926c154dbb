import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { solve, type SolveOptions, type SolveResult, type SolverSpec, type TimeGrid } from '@pfgm/ode';
import type { Method, Predictor } from './types.js';

/** Options of {@link sample} / {@link decode}. */
export interface SampleOptions extends SolveOptions {
  /** Apply the method's final map (VP noise removal; PFGM++ x ← D(x, σ_end) after rk45). Default true. */
  finalize?: boolean;
}

/** The integration times for a solver: the method's grid for fixed-step solvers, its end points for rk45. */
export function samplingGrid(m: Method, solver: SolverSpec): TimeGrid {
  if (solver.kind !== 'rk45') return m.timeGrid(solver.steps, solver.kind);
  const g = m.timeGrid(2, solver.kind);
  const end = g[2] === 0 ? g[1] : g[2]; // EDM's trailing σ = 0 is not an ODE time: stop at σ_min
  return Float64Array.of(g[0], end);
}

/** Maps prior samples (latents) [B, ...data] to data along the method's backward ODE (any solver of @pfgm/ode). */
export async function decode(m: Method, p: Predictor, latents: tf.Tensor, solver: SolverSpec, opts: SampleOptions = {}): Promise<SolveResult> {
  const grid = samplingGrid(m, solver);
  // PFGM's improved Euler ends with a plain Euler step (NFE 2N − 1, spec §2.4); EDM's does so because its grid ends at 0.
  if (solver.kind === 'heun' && solver.lastStepEuler === undefined && m.config.kind === 'pfgm') solver = { ...solver, lastStepEuler: true };
  const res = await solve(solver)(m.velocity(p, solver.kind), latents, grid, opts);
  if (opts.finalize === false) return res;
  const x = m.finalize(p, res.x, grid[grid.length - 1]);
  res.x.dispose();
  return { ...res, x };
}

/** n samples [n, ...dataShape]: prior (row i from rng.forSample(i)) → ODE → final map (aesthetics §3 `sample`). */
export async function sample(
  m: Method,
  p: Predictor,
  solver: SolverSpec,
  n: number,
  dataShape: readonly number[],
  rng: Rng,
  opts: SampleOptions = {},
): Promise<SolveResult> {
  const x0 = m.prior(n, dataShape, rng);
  try {
    return await decode(m, p, x0, solver, opts);
  } finally {
    x0.dispose();
  }
}

/** Maps data [B, ...] to latents by integrating the same ODE forward, from the data end to the prior end (no final map). */
export async function encode(m: Method, p: Predictor, x: tf.Tensor, solver: SolverSpec, opts: SolveOptions = {}): Promise<SolveResult> {
  const g = samplingGrid(m, solver);
  const start = g[g.length - 1] === 0 ? 1 : 0; // a grid ending at σ = 0 cannot start there: drop it
  const grid = Float64Array.from(g.slice(0, g.length - start)).reverse();
  if (solver.kind !== 'rk45' && start === 1) {
    throw new Error('encode: the EDM grid ends at σ = 0, where the ODE is singular; use rk45 or a grid without the trailing 0');
  }
  return solve(solver)(m.velocity(p, solver.kind), x, grid, opts);
}
