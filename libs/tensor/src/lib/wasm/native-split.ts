// SplitV for wasm on the native addon (issue 13): it is the gradient of Concat, so the U-Net's backward runs one per
// skip connection, and tfjs-wasm makes each part with a strided Slice on one thread (5–7 ms at [32, 28, 28, 48]).
// The addon copies each outer row's pieces with memcpy, rows split over threads. Other dtypes, empty parts and more
// than 63 parts stay on the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '@pfgm/native';
import { heap, sizeOf, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';

/** The addon's limit on parts per call (as for concat). */
const MAX_PARTS = 63;

/** SplitV on the addon. */
export function nativeSplitKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo[] {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number[] | number; axis: number };
    const stock = () => wasmKernel(tf.SplitV)(args) as unknown as TensorInfo[];
    if (x.dtype !== 'float32' || sizeOf(x.shape) === 0) return stock();
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, ax);
    if (sizes.length > MAX_PARTS || sizes.some((s) => s <= 0)) return stock();
    const { backend } = args;
    const inner = sizeOf(x.shape.slice(ax + 1));
    const outs = sizes.map((s) => backend.makeOutput(x.shape.map((d, i) => (i === ax ? s : d)), 'float32'));
    // [outer, Σ sizes·inner] → parts [outer, size·inner]; views taken after every allocation (the heap may grow).
    addon().split(heap(backend, x), sizeOf(x.shape.slice(0, ax)), Float64Array.from(sizes, (s) => s * inner), ...outs.map((t) => heap(backend, t)));
    return outs;
  };
}
