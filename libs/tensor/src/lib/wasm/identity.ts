// Identity (tf.clone) on wasm without a copy: the stock kernel copies the tensor's bytes, and tfjs clones every tensor
// a custom-gradient op saves for its backward (engine.runKernelFunc's saveFunc keeps `clone(t)`), so a U-Net training
// step copied ≈ 800 activations (7.5 % of its kernel time). Tensors are immutable, so sharing the data with one more
// reference (what the cpu backend and the wasm Reshape do) is the same value at no cost. Strings keep the stock kernel.
import type { KernelArgs, TensorInfo } from './kernel-utils.js';
import { wasmKernel } from './kernel-utils.js';

export function identity(args: KernelArgs): TensorInfo {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return wasmKernel('Identity')(args);
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
