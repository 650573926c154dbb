import * as tf from '@tensorflow/tfjs-core';

/**
 * Post-training weight quantization (PFGM++ `generate_quant.py`, pfgm-spec §4.8): per tensor, uniform min/max affine with
 * b bits: scale = (max − min)/(2^b − 1), zero point zp = trunc(clamp(−min/scale, 0, 2^b − 1)),
 * q = clamp(round(zp + w/scale), 0, 2^b − 1), w' = scale·(q − zp). Applied to kernels (rank ≥ 2) whose name has no
 * 'norm', 'emb' or 'map' (the official code skips norm/affine/map layers); biases and norm gains stay float.
 * Returns a function that restores the original weights. (In experiments until @pfgm/networks has it.)
 */
export function quantizeWeights(weights: readonly tf.Variable[], names: readonly string[], bits: number): () => void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new Error(`quantizeWeights: bits must be an integer in [2, 16], got ${bits}`);
  const levels = 2 ** bits - 1;
  const saved: [tf.Variable, tf.Tensor][] = [];
  weights.forEach((w, k) => {
    if (w.rank < 2 || /norm|emb|map/i.test(names[k] ?? '')) return;
    const v = w.dataSync();
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of v) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, a);
    }
    const scale = (hi - lo) / levels || 1;
    const zp = Math.trunc(Math.min(Math.max(-lo / scale, 0), levels));
    const q = Float32Array.from(v, (a) => scale * (Math.min(Math.max(Math.round(zp + a / scale), 0), levels) - zp));
    saved.push([w, w.clone()]);
    const t = tf.tensor(q, w.shape, 'float32');
    w.assign(t);
    t.dispose();
  });
  return () => {
    for (const [w, orig] of saved) {
      w.assign(orig);
      orig.dispose();
    }
  };
}
