import * as tf from '@tensorflow/tfjs-core';
import { declareDense } from './blocks/common.js';
import { declareEmbedding } from './embedding.js';
import { dense, silu } from './ops.js';
import type { ParamStore } from './param-store.js';
import type { MlpConfig, NetworkIo } from './types.js';
import type { Forward } from './unet.js';

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * MLP for low-dimensional data: h₀ = [flatten(x), embed(cond)], h_{l+1} = SiLU(W_l h_l + b_l), out = W h_L + b,
 * reshaped to [B, ...outShape] (e.g. [B, N+1] for PFGM on 2-D data).
 */
export function declareMlp(store: ParamStore, config: MlpConfig, io: NetworkIo): Forward {
  if (config.hidden.length === 0) throw new Error('MLP needs at least one hidden layer (config.hidden = [])');
  const nIn = size(io.inShape);
  const nOut = size(io.outShape);
  const embed = declareEmbedding(store, config.embedding, config.embedDim);
  const widths = [nIn + config.embedDim, ...config.hidden];
  const layers = config.hidden.map((w, l) => declareDense(store, `dense.${l}`, widths[l], w));
  const out = declareDense(store, 'out', widths[widths.length - 1], nOut);
  return (x, cond) => {
    const B = x.shape[0];
    let h = tf.concat([tf.reshape(x, [B, nIn]), embed(cond)], 1); // [B, N + E]
    for (const p of layers) h = silu(dense(h, p.W.value, p.b.value));
    return tf.reshape(dense(h, out.W.value, out.b.value), [B, ...io.outShape]); // [B, ...out]
  };
}
