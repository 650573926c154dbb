import * as tf from '@tensorflow/tfjs-core';
import { walkGrid, type FixedStep } from './fixed-step.js';
import type { SolveOptions, SolveResult, TimeGrid, VectorField } from './types.js';

/** Classical 4th-order Runge–Kutta step (Hairer–Nørsett–Wanner I, Table II.1.2, "the" RK4). */
const rk4Step: FixedStep = (f, x, t, tNext) =>
  tf.tidy(() => {
    const h = tNext - t;
    const tMid = t + h / 2;
    const k1 = f.eval(x, t); // [B, ...]
    const k2 = f.eval(tf.add(x, tf.mul(k1, h / 2)), tMid);
    const k3 = f.eval(tf.add(x, tf.mul(k2, h / 2)), tMid);
    const k4 = f.eval(tf.add(x, tf.mul(k3, h)), tNext);
    const sum = tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]);
    return tf.add(x, tf.mul(sum, h / 6));
  });

/** Classical RK4 on every interval of the grid (4th order); NFE = 4(grid.length − 1). */
export function rk4(f: VectorField, x0: tf.Tensor, grid: TimeGrid, opts?: SolveOptions): Promise<SolveResult> {
  return walkGrid('rk4', rk4Step, f, x0, grid, opts);
}
