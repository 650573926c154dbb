import * as tf from '@tensorflow/tfjs-core';
import { walkGrid, type FixedStep } from './fixed-step.js';
import type { HeunOptions, SolveResult, TimeGrid, VectorField } from './types.js';

/** Heun step (EDM Alg. 1 lines 5–7): Euler predictor, trapezoidal corrector; a plain Euler step if `euler`. */
function heunStep(lastStepEuler: boolean): FixedStep {
  return (f, x, t, tNext, last) =>
    tf.tidy(() => {
      const h = tNext - t;
      const d = f.eval(x, t); // [B, ...]
      const xPred = tf.add(x, tf.mul(d, h));
      if (last && lastStepEuler) return xPred;
      const dNext = f.eval(xPred, tNext);
      return tf.add(x, tf.mul(tf.add(d, dNext), h / 2));
    });
}

/**
 * Heun's 2nd-order method (EDM Alg. 1; PFGM `ImprovedEulerPredictor`) on every grid interval.
 * NFE = 2N, or 2N − 1 with `lastStepEuler` (default: on iff the grid ends at t = 0, as in EDM).
 */
export async function heun(f: VectorField, x0: tf.Tensor, grid: TimeGrid, opts: HeunOptions = {}): Promise<SolveResult> {
  const lastStepEuler = opts.lastStepEuler ?? grid.at(-1) === 0;
  return walkGrid('heun', heunStep(lastStepEuler), f, x0, grid, opts);
}
