import * as tf from '@tensorflow/tfjs-core';

/**
 * k latents between a and b ([1, ...] or [...]): directions by spherical interpolation (slerp), norms linearly, so
 * every point has a typical prior radius (PFGM Fig. 10-style latent interpolation). Returns [k, ...a.shape without batch].
 */
export function interpolateLatents(a: tf.Tensor, b: tf.Tensor, k: number): tf.Tensor {
  if (!(Number.isInteger(k) && k >= 2)) throw new Error(`interpolateLatents: k must be an integer ≥ 2 (the end points count), got ${k}`);
  if (a.size !== b.size) throw new Error(`interpolateLatents: a and b differ in size (${a.size} vs ${b.size})`);
  const shape = a.shape[0] === 1 ? a.shape.slice(1) : a.shape;
  const av = Float64Array.from(a.dataSync());
  const bv = Float64Array.from(b.dataSync());
  const na = Math.hypot(...av);
  const nb = Math.hypot(...bv);
  let dot = 0;
  for (let i = 0; i < av.length; i++) dot += (av[i] / na) * (bv[i] / nb);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  const out = new Float32Array(k * av.length);
  for (let j = 0; j < k; j++) {
    const s = j / (k - 1);
    const [wa, wb] = omega < 1e-8 ? [1 - s, s] : [Math.sin((1 - s) * omega) / Math.sin(omega), Math.sin(s * omega) / Math.sin(omega)];
    const norm = (1 - s) * na + s * nb;
    for (let i = 0; i < av.length; i++) out[j * av.length + i] = norm * (wa * (av[i] / na) + wb * (bv[i] / nb));
  }
  return tf.tensor(out, [k, ...shape]);
}
