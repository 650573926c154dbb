import * as tf from '@tensorflow/tfjs-core';
import { walkGrid, type FixedStep } from './fixed-step.js';
import type { SolveOptions, SolveResult, TimeGrid, VectorField } from './types.js';

/** Forward Euler step x + (t' − t)·f(x, t) (k-diffusion `sample_euler`; PFGM `ForwardEulerPredictor`). */
const eulerStep: FixedStep = (f, x, t, tNext) =>
  tf.tidy(() => {
    const d = f.eval(x, t); // [B, ...]
    return tf.add(x, tf.mul(d, tNext - t));
  });

/** Explicit Euler on every interval of the grid (1st order); NFE = grid.length − 1. */
export function euler(f: VectorField, x0: tf.Tensor, grid: TimeGrid, opts?: SolveOptions): Promise<SolveResult> {
  return walkGrid('euler', eulerStep, f, x0, grid, opts);
}
