// Conv2DBackpropFilter for wasm (missing in tfjs-backend-wasm 4.22), composed from XNNPACK Conv2D and Transpose.
// dW[a, b, ci, co] = Σ_{n,i,j} x[n, i·s + a − pt, j·s + b − pl, ci] · dy[n, i, j, co] is a stride-1 convolution of
// xᵀ = x^[3,1,2,0] ([Ci, H, W, N]: the batch becomes the channel axis) with dyᵀ = dy^[1,2,0,3] ([Ho, Wo, N, Co]) as
// the filter, dilated by the forward stride s, with the forward pads; its [Ci, kh, kw, Co] result, transposed by
// [1, 2, 0, 3], is dW [kh, kw, Ci, Co].
import * as tf from '@tensorflow/tfjs-core';
import { release, run, transpose, type KernelArgs, type TensorInfo } from './kernel-utils.js';

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Conv2DBackpropFilter kernel (NHWC). */
export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat = 'NHWC', dimRoundingMode, filterShape } = attrs as unknown as BackpropFilterAttrs;
  if (dataFormat !== 'NHWC') {
    throw new Error(`wasm Conv2DBackpropFilter supports dataFormat 'NHWC' only, got '${dataFormat}'; transpose to NHWC first.`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const { outHeight: Ho, outWidth: Wo } = info;
  const { top, bottom, left, right } = info.padInfo;
  // Rows the dilated dy filter cannot reach are dropped from the bottom/right padding (then cropped if still over).
  const excessH = H + top + bottom - (Ho - 1) * sh - kh;
  const excessW = W + left + right - (Wo - 1) * sw - kw;
  const bottom2 = Math.max(0, bottom - excessH);
  const right2 = Math.max(0, right - excessW);
  const outH = H + top + bottom2 - (Ho - 1) * sh;
  const outW = W + left + right2 - (Wo - 1) * sw;

  const xT = transpose(backend, x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = transpose(backend, dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  let g = run(backend, tf.Conv2D, { x: xT, filter: dyT }, {
    strides: [1, 1],
    dilations: [sh, sw],
    pad: [[0, 0], [top, bottom2], [left, right2], [0, 0]],
    dataFormat: 'NHWC',
  }); // [Ci, outH, outW, Co]
  release(backend, xT);
  release(backend, dyT);
  if (outH !== kh || outW !== kw) {
    const cropped = run(backend, tf.Slice, { x: g }, { begin: [0, 0, 0, 0], size: [g.shape[0], kh, kw, g.shape[3]] });
    release(backend, g);
    g = cropped;
  }
  const dW = transpose(backend, g, [1, 2, 0, 3]); // [kh, kw, Ci, Co]
  release(backend, g);
  return dW;
}
