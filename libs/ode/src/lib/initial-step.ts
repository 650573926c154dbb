import * as tf from '@tensorflow/tfjs-core';
import type { CountedField } from './field-eval.js';

/**
 * scipy `_ivp.common.select_initial_step` (Hairer–Nørsett–Wanner I, Sec. II.4): |h0| from the RMS norms of
 * y0, f0 and a finite-difference estimate of the second derivative. One field evaluation; y0, f0 and f1 are
 * read once and every norm is computed in float64 on the host.
 */
export async function selectInitialStep(
  f: CountedField,
  t0: number,
  y0: tf.Tensor,
  f0: tf.Tensor,
  dir: number,
  order: number,
  rtol: number,
  atol: number,
): Promise<number> {
  const [y, d] = await Promise.all([y0.data(), f0.data()]);
  const scale = Float64Array.from(y, (v) => atol + Math.abs(v) * rtol);
  const d0 = rmsRatio(y, undefined, scale);
  const d1 = rmsRatio(d, undefined, scale);
  const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  const y1 = tf.tidy(() => tf.add(y0, tf.mul(f0, h0 * dir)));
  const f1 = f.eval(y1, t0 + h0 * dir);
  y1.dispose();
  const d1v = await f1.data();
  f1.dispose();
  const d2 = rmsRatio(d1v, d, scale) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1, d2)) ** (1 / (order + 1));
  return Math.min(100 * h0, h1);
}

/** RMS of (a − b)/scale in float64 (b omitted: a/scale). */
function rmsRatio(a: ArrayLike<number>, b: ArrayLike<number> | undefined, scale: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const r = (b === undefined ? a[i] : a[i] - b[i]) / scale[i];
    s += r * r;
  }
  return Math.sqrt(s) / Math.sqrt(a.length);
}
