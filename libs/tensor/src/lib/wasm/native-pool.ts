// MaxPool, AvgPool and AvgPoolGrad for wasm on the native addon (issue 13): the stock kernels run on one thread, and
// Inception-v3's 3×3 pools (13 calls per forward, ≈ 40 ms at batch 8) and the U-Net's 2×2 downsampling gradient
// (≈ 3 ms per call at [32, 28, 28, 16]) are memory-bound loops the addon vectorises over channels and threads over
// rows. tfjs semantics: max over the window's valid positions, average ÷ their count, gradient × 1/(fh·fw). Other
// dtypes, dilations and NCHW stay on the stock kernels.
import * as tf from '@tensorflow/tfjs-core';
import { poolGeometry, type NativeAddon } from '@pfgm/native';
import { heap, sizeOf, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';

type Shape4 = [number, number, number, number];

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The addon's geometry array for a tfjs pool info. */
function geometry(info: tf.backend_util.Conv2DInfo): Float64Array {
  return poolGeometry({
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  });
}

/** Whether the addon computes this pool: float32, NHWC, 4-D, no dilation. */
function covered(info: tf.backend_util.Conv2DInfo, ...xs: TensorInfo[]): boolean {
  return (
    xs.every((t) => t.dtype === 'float32' && t.shape.length === 4) &&
    info.dataFormat === 'channelsLast' &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1
  );
}

type PoolOp = 'maxPool' | 'avgPool';

/** A forward pool kernel (MaxPool or AvgPool) on the addon. */
export function nativePoolKernel(name: typeof tf.MaxPool | typeof tf.AvgPool, addon: () => NativeAddon): (args: KernelArgs) => TensorInfo {
  const op: PoolOp = name === tf.MaxPool ? 'maxPool' : 'avgPool';
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as PoolAttrs;
    if (x.shape.length !== 4) return wasmKernel(name)(args);
    const info = tf.backend_util.computePool2DInfo(x.shape as Shape4, filterSize, strides, 1, pad, dimRoundingMode);
    if (!covered(info, x) || sizeOf(x.shape) === 0 || sizeOf(info.outShape) === 0) return wasmKernel(name)(args);
    const { backend } = args;
    const out = backend.makeOutput(info.outShape, 'float32');
    addon()[op](geometry(info), heap(backend, x), heap(backend, out));
    return out;
  };
}

/** AvgPoolGrad on the addon: dx [input's shape] from dy. */
export function nativeAvgPoolGradKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo {
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad } = args.attrs as unknown as PoolAttrs;
    if (input.shape.length !== 4) return wasmKernel(tf.AvgPoolGrad)(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as Shape4, filterSize, strides, 1, pad);
    if (!covered(info, dy, input) || sizeOf(dy.shape) === 0) return wasmKernel(tf.AvgPoolGrad)(args);
    const { backend } = args;
    const dx = backend.makeOutput(input.shape, 'float32');
    addon().avgPoolGrad(geometry(info), heap(backend, dy), heap(backend, dx));
    return dx;
  };
}
