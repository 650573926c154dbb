import * as tf from '@tensorflow/tfjs-core';
import { groupNorm, nin } from '../ops.js';
import type { ParamStore } from '../param-store.js';
import { declareDense, declareGroupNorm, residual, type Style } from './common.js';

/** Self-attention over the H·W positions: [B, H, W, C] → [B, H, W, C]. */
export type AttnBlock = (x: tf.Tensor) => tf.Tensor;

/**
 * Single-head spatial self-attention of DDPM (score_sde `AttnBlock` / `AttnBlockpp`):
 * q, k, v = NIN(GN(x)); h = NIN_3(softmax(q kᵀ/√C) v); DDPM x + h, DDPM++ (x + h)/√2. 2C + 4(C² + C) parameters.
 */
export function declareAttnBlock(store: ParamStore, name: string, style: Style, C: number, skipRescale?: boolean): AttnBlock {
  return store.scope(name, () => {
    const gn = declareGroupNorm(store, 'norm', style, C);
    const q = declareDense(store, 'q', C, C, 0.1);
    const k = declareDense(store, 'k', C, C, 0.1);
    const v = declareDense(store, 'v', C, C, 0.1);
    const out = declareDense(store, 'out', C, C, 0);
    const join = residual(style, skipRescale);
    return (x) => {
      const [B, H, W] = x.shape;
      const h = groupNorm(x, gn.gamma.value, gn.beta.value, gn.groups);
      const flat = (p: typeof q): tf.Tensor3D => tf.reshape(nin(h, p.W.value, p.b.value), [B, H * W, C]);
      const logits = tf.mul(tf.matMul(flat(q), flat(k), false, true), 1 / Math.sqrt(C)); // [B, HW, HW]
      const a = tf.matMul(tf.softmax(logits), flat(v)); // [B, HW, C]
      return join(x, nin(tf.reshape(a, [B, H, W, C]), out.W.value, out.b.value));
    };
  });
}
