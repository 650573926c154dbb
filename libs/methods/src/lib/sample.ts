import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';
import { solve, type SolveOptions, type SolveResult, type SolverSpec, type TimeGrid, type VectorField } from '@pfgm/ode';
import { timeVariable } from './pfgm.js';
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
  // PFGM's and VP's improved Euler ends with a plain Euler step (Poisson_flow `ImprovedEulerPredictor`, NFE 2N − 1,
  // spec §2.4); EDM's does so because its grid ends at 0.
  if (solver.kind === 'heun' && solver.lastStepEuler === undefined && m.config.kind !== 'pfgmpp') solver = { ...solver, lastStepEuler: true };
  const res = await solveWithState(m, solver, m.velocity(p, solver.kind), latents, grid, opts);
  if (opts.finalize === false) return res;
  const x = m.finalize(p, res.x, grid[grid.length - 1], solver.kind);
  res.x.dispose();
  return { ...res, x };
}

/**
 * Solves in the method's RK45 state: PFGM's official RK45 carries a z entry per pixel beside x
 * (`sampling.py::get_rk45_sampler_pfgm`), which only changes the solver's error norm; other cases solve x itself.
 */
async function solveWithState(m: Method, solver: SolverSpec, f: VectorField, x: tf.Tensor, grid: TimeGrid, opts: SolveOptions): Promise<SolveResult> {
  const c = m.config;
  const zChannel = c.kind === 'pfgm' && solver.kind === 'rk45' && (c.rk45State ?? 'xz') === 'xz' && timeVariable(c.time, 'rk45') === 'log-z';
  if (!zChannel) return solve(solver)(f, x, grid, opts);
  const shape = x.shape; // [B, ...data]; the channel is the last axis ([B, H, W, C] images, [B, N] points: one z per row)
  const axis = shape.length - 1;
  const C = shape[axis];
  const begin = new Array<number>(shape.length).fill(0);
  const xSize = [...shape.slice(0, axis), C];
  const zShape = [...shape.slice(0, axis), 1];
  const withZ = tf.tidy(() => tf.concat([x, tf.fill(zShape, Math.exp(grid[0]))], axis));
  const fz: VectorField = (s, t) => tf.tidy(() => tf.concat([f(tf.slice(s, begin, xSize), t), tf.fill(zShape, Math.exp(t))], axis)); // dz/dt = z = e^t
  try {
    const res = await solve(solver)(fz, withZ, grid, opts);
    const out = tf.tidy(() => tf.slice(res.x, begin, xSize));
    res.x.dispose();
    return { ...res, x: out };
  } finally {
    withZ.dispose();
  }
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
  // x only (no official encoder exists; the z channel's initial-step probe overshoots from data points where f = 0).
  return solve(solver)(m.velocity(p, solver.kind), x, grid, opts);
}
