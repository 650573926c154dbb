import * as tf from '@tensorflow/tfjs-core';
import { A, B, C, E, ERROR_ESTIMATOR_ORDER, MAX_FACTOR, MIN_FACTOR, SAFETY } from './dormand-prince.js';
import { CountedField } from './field-eval.js';
import { checkFiniteStart } from './fixed-step.js';
import { minStep } from './float-spacing.js';
import { selectInitialStep } from './initial-step.js';
import { rmsNorm } from './rms-norm.js';
import type { Rk45Options, Rk45Result, TimeGrid, VectorField } from './types.js';
import { checkGrid, checkPositive, checkState } from './validate.js';

/** scipy `validate_tol`: rtol below 100·eps is raised to it. */
const RTOL_FLOOR = 100 * Number.EPSILON;
const ERROR_EXPONENT = -1 / (ERROR_ESTIMATOR_ORDER + 1);

/** Σ_j c_j·K_j over the non-zero c_j (c already multiplied by h, in float64). */
function lincomb(K: readonly tf.Tensor[], c: readonly number[]): tf.Tensor {
  const terms = K.flatMap((k, j) => (c[j] === 0 || c[j] === undefined ? [] : [tf.mul(k, c[j])]));
  return terms.length === 1 ? terms[0] : tf.addN(terms);
}

/** One Dormand–Prince attempt from (t, y, K0 = f(t, y)) with step h (scipy `rk_step`); returns y_new and K1..K6. */
function dopriStep(f: CountedField, t: number, y: tf.Tensor, f0: tf.Tensor, h: number): { yNew: tf.Tensor; K: tf.Tensor[] } {
  const K = [f0];
  try {
    for (let s = 1; s < 6; s++) {
      const ys = tf.tidy(() => tf.add(y, lincomb(K, A[s].map((a) => a * h))));
      try {
        K.push(f.eval(ys, t + C[s] * h));
      } finally {
        ys.dispose();
      }
    }
    const yNew = tf.tidy(() => tf.add(y, lincomb(K, B.map((b) => b * h)))); // [B, ...]
    try {
      K.push(f.eval(yNew, t + h)); // FSAL: K6 = f(t + h, y_new) is the next step's K0
    } catch (e) {
      yNew.dispose();
      throw e;
    }
    return { yNew, K };
  } catch (e) {
    tf.dispose(K.slice(1));
    throw e;
  }
}

/**
 * The RMS error norm ‖h·Σ e_j K_j / (atol + max(|y|, |y_new|)·rtol)‖ (scipy `_estimate_error_norm`).
 * The ratio is formed on the device in float32 and read back: this is the ONE data read per step attempt
 * (the accept/reject decision needs it on the host); squares are summed in float64.
 * Since Σ e_j = 0 the estimate is formed as h·Σ_{j≥1} e_j (K_j − K_0): the stages are nearly equal where the
 * error is small, and subtracting first keeps float32 cancellation out of the sum.
 */
async function errorNorm(K: tf.Tensor[], h: number, y: tf.Tensor, yNew: tf.Tensor, rtol: number, atol: number): Promise<number> {
  const ratio = tf.tidy(() => {
    const dK = K.map((k, j) => (j === 0 || E[j] === 0 ? k : tf.sub(k, K[0]))); // dK[0] unused (e_0 term dropped)
    const err = lincomb(dK, E.map((e, j) => (j === 0 ? 0 : e * h)));
    const scale = tf.add(tf.mul(tf.maximum(tf.abs(y), tf.abs(yNew)), rtol), atol);
    return tf.div(err, scale);
  });
  const r = await ratio.data();
  ratio.dispose();
  return rmsNorm(r);
}

/**
 * Adaptive Dormand–Prince 5(4) with the semantics of `scipy.integrate.solve_ivp(method='RK45')`
 * (scipy 1.10 `_ivp/rk.py`): same controller, initial step, FSAL and `nfev` (1 + 1 for the initial-step
 * heuristic + 6 per attempt). Integrates from grid[0] to grid.at(−1); the interior grid times are ignored.
 * Time and step-size arithmetic is float64; the state is float32. Differences from scipy: a NaN error norm
 * throws (scipy would shrink h until it fails); rtol/atol must be > 0; `maxSteps` bounds the attempts.
 */
export async function rk45(f: VectorField, x0: tf.Tensor, grid: TimeGrid, opts: Rk45Options = {}): Promise<Rk45Result> {
  const dir = checkGrid(grid, 'rk45');
  checkState(x0, 'rk45');
  const { rtol: rtolIn = 1e-3, atol = 1e-6, maxStep = Infinity, maxSteps = 100_000 } = opts;
  checkPositive('rtol', rtolIn, 'rk45', 'use e.g. 1e-3 (scipy default), 1e-4 (PFGM) or 1e-5 (VP-ODE).');
  checkPositive('atol', atol, 'rk45', 'use e.g. 1e-6 (scipy default), 1e-4 (PFGM) or 1e-5 (VP-ODE).');
  if (!(maxStep > 0)) throw new RangeError(`rk45: maxStep must be > 0, got ${maxStep}; omit it for no limit.`);
  if (!(Number.isInteger(maxSteps) && maxSteps > 0)) {
    throw new RangeError(`rk45: maxSteps must be a positive integer, got ${maxSteps}.`);
  }
  const rtol = Math.max(rtolIn, RTOL_FLOOR);
  const t0 = grid[0];
  const tBound = grid[grid.length - 1];
  if (opts.firstStep !== undefined) {
    checkPositive('firstStep', opts.firstStep, 'rk45', 'omit it to use the initial-step heuristic.');
    if (opts.firstStep > Math.abs(tBound - t0)) {
      throw new RangeError(`rk45: firstStep = ${opts.firstStep} exceeds the integration span |${tBound} − ${t0}|; ` +
        'use a smaller first step or omit it.');
    }
  }
  await checkFiniteStart(x0, 'rk45');

  const field = new CountedField(f, 'rk45');
  let y = x0;
  let fy = field.eval(x0, t0); // K0 of the first step
  const ts = [t0];
  let accepted = 0;
  let rejected = 0;
  try {
    opts.onStep?.({ i: 0, t: t0, x: x0, nfe: field.nfe });
    let hAbs = opts.firstStep ?? (await selectInitialStep(field, t0, y, fy, dir, ERROR_ESTIMATOR_ORDER, rtol, atol));
    let t = t0;
    while (dir * (t - tBound) < 0) {
      // --- one accepted step (scipy RungeKutta._step_impl) ---
      const hMin = minStep(t, dir);
      hAbs = hAbs > maxStep ? maxStep : hAbs < hMin ? hMin : hAbs;
      let stepRejected = false;
      for (;;) {
        if (hAbs < hMin) {
          throw new Error(`rk45: required step size ${hAbs} is less than the spacing between numbers at t = ${t} ` +
            `(step ${accepted}, ${rejected} rejected); the problem may be stiff or singular near this time.`);
        }
        if (accepted + rejected >= maxSteps) {
          throw new Error(`rk45: exceeded maxSteps = ${maxSteps} step attempts (${accepted} accepted, ${rejected} ` +
            `rejected) at t = ${t} with |h| = ${hAbs}; the ODE may be stiff or rtol/atol too tight: raise maxSteps or loosen the tolerances.`);
        }
        let tNew = t + hAbs * dir;
        if (dir * (tNew - tBound) > 0) tNew = tBound;
        const h = tNew - t;
        hAbs = Math.abs(h);
        const { yNew, K } = dopriStep(field, t, y, fy, h);
        const fNew = K[6];
        let errNorm: number;
        try {
          errNorm = await errorNorm(K, h, y, yNew, rtol, atol);
        } catch (e) {
          tf.dispose([yNew, ...K.slice(1)]);
          throw e;
        }
        tf.dispose(K.slice(1, 6));
        if (Number.isNaN(errNorm)) {
          tf.dispose([yNew, fNew]);
          throw new RangeError(`rk45: the vector field produced non-finite values (NaN or ±Inf) in step ${accepted} ` +
            `(attempt from t = ${t} to ${tNew}, ${rejected} rejected so far); the state at t = ${t} was finite. ` +
            'Check the field near these times (e.g. a division by t or sigma = 0).');
        }
        if (errNorm < 1) {
          const factor = errNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errNorm ** ERROR_EXPONENT);
          hAbs *= stepRejected ? Math.min(1, factor) : factor;
          if (y !== x0) y.dispose();
          fy.dispose();
          y = yNew;
          fy = fNew;
          t = tNew;
          break;
        }
        tf.dispose([yNew, fNew]);
        hAbs *= Math.max(MIN_FACTOR, SAFETY * errNorm ** ERROR_EXPONENT);
        stepRejected = true;
        rejected++;
      }
      accepted++;
      ts.push(t);
      opts.onStep?.({ i: accepted, t, x: y, nfe: field.nfe });
    }
  } catch (e) {
    if (y !== x0) y.dispose();
    fy.dispose();
    throw e;
  }
  fy.dispose();
  return { x: y, nfe: field.nfe, ts, accepted, rejected };
}
