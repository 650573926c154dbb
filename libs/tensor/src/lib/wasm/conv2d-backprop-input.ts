// Conv2DBackpropInput for wasm on XNNPACK Conv2D (the stock kernel is a scalar loop, ~16× slower).
// dx[n, h, w, ci] = Σ_{a,b,co} dyₛ[n, h + pt − a, w + pl − b, co] · W[a, b, ci, co], where dyₛ is dy with s − 1 zeros
// inserted between rows/columns (dyₛ = dy for stride 1). That is a stride-1 convolution of dyₛ with
// W′ = reverse(W, [0, 1])^[0,1,3,2] ([kh, kw, Co, Ci]) and pads (kh − 1 − pt, …). Stride s costs s² × the
// multiply-adds of a direct kernel (zeros are multiplied), still far below the scalar loop's time.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { heap, release, run, transpose, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** dy [N, Ho, Wo, C] with (sh − 1, sw − 1) zeros between entries: [N, (Ho−1)·sh + 1, (Wo−1)·sw + 1, C]. */
function zeroStuff(backend: BackendWasm, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, ho, wo, c] = dy.shape;
  const hd = (ho - 1) * sh + 1;
  const wd = (wo - 1) * sw + 1;
  const out = backend.makeOutput([n, hd, wd, c], 'float32', undefined, new Float32Array(n * hd * wd * c));
  const src = heap(backend, dy);
  const dst = heap(backend, out);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        const from = ((b * ho + i) * wo + j) * c;
        dst.set(src.subarray(from, from + c), ((b * hd + i * sh) * wd + j * sw) * c);
      }
    }
  }
  return out;
}

/** Conv2DBackpropInput kernel (NHWC); falls back to the stock kernel where the composed pads would be negative. */
export function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat = 'NHWC', dimRoundingMode, inputShape } = attrs as unknown as BackpropInputAttrs;
  const stock = () => wasmKernel(tf.Conv2DBackpropInput)({ inputs, backend, attrs });
  if (dataFormat !== 'NHWC' || dy.dtype !== 'float32') return stock();
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, inHeight: H, inWidth: W } = info;
  const { top, left } = info.padInfo;
  const hd = (info.outHeight - 1) * sh + 1;
  const wd = (info.outWidth - 1) * sw + 1;
  const pt = kh - 1 - top;
  const pl = kw - 1 - left;
  const pb = H + kh - 1 - hd - pt;
  const pr = W + kw - 1 - wd - pl;
  if (pt < 0 || pl < 0 || pb < 0 || pr < 0) return stock();

  const reversed = run(backend, tf.Reverse, { x: filter }, { dims: [0, 1] });
  const filterT = transpose(backend, reversed, [0, 1, 3, 2]); // [kh, kw, Co, Ci]
  release(backend, reversed);
  const strided = sh > 1 || sw > 1;
  const dyS = strided ? zeroStuff(backend, dy, sh, sw) : dy;
  const dx = run(backend, tf.Conv2D, { x: dyS, filter: filterT }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
    dataFormat: 'NHWC',
  }); // [N, H, W, Ci]
  release(backend, filterT);
  if (strided) release(backend, dyS);
  return dx;
}
