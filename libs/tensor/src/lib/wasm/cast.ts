// Cast on wasm. To the tensor's own dtype without a copy: tfjs-core's avgPool op casts its result to the input dtype
// (float32 → float32), and the stock kernel copies the bytes each time (8 calls ≈ 9 ms per Inception-v3 forward).
// Tensors are immutable, so sharing the data with one more reference is the same value (as identity.ts does for
// tf.clone). To bool as `x !== 0` (the stock kernel copies the numbers into the byte array: 3 → 3, −1 → 255). Other
// casts, and strings, keep the stock kernel.
import * as tf from '@tensorflow/tfjs-core';
import { wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';

export function cast(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  const { dtype } = args.attrs as { dtype: tf.DataType };
  if (x.dtype === 'string' || dtype === 'string') return wasmKernel(tf.Cast)(args);
  if (x.dtype === dtype) {
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype };
  }
  if (dtype === 'bool') return nonZero(args.backend, x);
  return wasmKernel(tf.Cast)(args);
}

/** A new bool tensor: 1 where x ≠ 0 (NaN included), else 0 (tfjs' cpu rule). */
function nonZero(backend: KernelArgs['backend'], x: TensorInfo): TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out); // bool: a Uint8Array
  for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  return out;
}
