import * as tf from '@tensorflow/tfjs-core';
import { avgPool2x, conv2d, dense, dropout, groupNormSilu, nin, upsampleNearest2x } from '../ops.js';
import type { ParamStore } from '../param-store.js';
import { firDownsample2x, firUpsample2x } from './fir.js';
import {
  declareConv,
  declareDense,
  declareGroupNorm,
  residual,
  type ForwardContext,
  type Style,
} from './common.js';

/** Residual block: x [B, H, W, in], act(temb) [B, tembDim] → [B, H', W', out]. */
export type ResBlock = (x: tf.Tensor, actTemb: tf.Tensor, ctx: ForwardContext) => tf.Tensor;

export interface ResBlockOptions {
  style: Style;
  cin: number;
  cout: number;
  tembDim: number;
  dropout: number;
  /** BigGAN resampling inside the block (DDPM++ only): nearest 2× up or 2×2 average-pool down. */
  resample?: 'up' | 'down';
  /** Residual join (x + h)/√2; default: the style's (see {@link residual}). */
  skipRescale?: boolean;
  /** FIR kernel for the resampling (score_sde `fir=True`), e.g. [1, 3, 3, 1]; default nearest / 2×2 mean. */
  firKernel?: readonly number[];
}

/**
 * Residual block of score_sde: DDPM `ResnetBlockDDPM` (1×1 NIN shortcut when in ≠ out, x + h) or DDPM++
 * `ResnetBlockBigGANpp` (resampling of both paths, 1×1 conv shortcut when in ≠ out or resampling, (x + h)/√2).
 * h = Conv1(Dropout(SiLU(GN1(Conv0(SiLU(GN0(x))) + Dense(SiLU(temb)))))); Conv1 starts at ~0 (init_scale 0).
 */
export function declareResBlock(store: ParamStore, name: string, o: ResBlockOptions): ResBlock {
  if (o.resample !== undefined && o.style === 'ddpm') throw new Error('DDPM residual blocks do not resample');
  return store.scope(name, () => {
    const gn0 = declareGroupNorm(store, 'norm0', o.style, o.cin);
    const conv0 = declareConv(store, 'conv0', 3, o.cin, o.cout);
    const temb = declareDense(store, 'temb', o.tembDim, o.cout);
    const gn1 = declareGroupNorm(store, 'norm1', o.style, o.cout);
    const conv1 = declareConv(store, 'conv1', 3, o.cout, o.cout, 0);
    const needsSkip = o.cin !== o.cout || o.resample !== undefined;
    const skip = !needsSkip
      ? null
      : o.style === 'ddpm'
        ? declareDense(store, 'skip', o.cin, o.cout, 0.1) // NIN_0
        : declareConv(store, 'skip', 1, o.cin, o.cout); // Conv_2 (conv1x1)
    const join = residual(o.style, o.skipRescale);
    const resample = resampler(o.resample, o.firKernel);

    return (x, actTemb, ctx) => {
      let h = groupNormSilu(x, gn0.gamma.value, gn0.beta.value, gn0.groups); // [B, H, W, in]
      let xs = x;
      if (resample !== null) {
        h = resample(h);
        xs = resample(x);
      }
      h = conv2d(h, conv0.W.value, conv0.b.value); // [B, H', W', out]
      const t = dense(actTemb, temb.W.value, temb.b.value); // [B, out]
      h = tf.add(h, tf.reshape(t, [t.shape[0], 1, 1, o.cout]));
      h = groupNormSilu(h, gn1.gamma.value, gn1.beta.value, gn1.groups);
      if (ctx.training) h = dropout(h, o.dropout, ctx.nextSeed());
      h = conv2d(h, conv1.W.value, conv1.b.value);
      if (skip !== null) {
        xs = o.style === 'ddpm' ? nin(xs, skip.W.value, skip.b.value) : conv2d(xs, skip.W.value, skip.b.value);
      }
      return join(xs, h);
    };
  });
}

/** The BigGAN block's resampling of both paths: nearest / 2×2 mean, or FIR with `k` (score_sde `fir`). */
function resampler(resample: 'up' | 'down' | undefined, k: readonly number[] | undefined): ((x: tf.Tensor) => tf.Tensor) | null {
  if (resample === undefined) return null;
  if (k === undefined) return resample === 'up' ? upsampleNearest2x : avgPool2x;
  return resample === 'up' ? (x) => firUpsample2x(x, k) : (x) => firDownsample2x(x, k);
}
