// _FusedMatMul for wasm (tf.fused.matMul, tf.layers Dense): XNNPACK for every shape, stale-operator-safe.
// Fusable cases (linear/relu/relu6 with a [N] bias or none) go to the stock fused XNNPACK call on untransposed
// batch-1 operands; others run the matmul, then Add and the activation kernel.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { release, run, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';
import { scalarMatMul, xnnMatMul } from './batch-mat-mul.js';
import { guardWeights, matMulShapes, SCALAR_MACS, xnnBatchMatMul } from './xnn-mat-mul.js';

interface FusedAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/** Applies a tfjs fused activation with the wasm kernels; releases `x` when it returns a new tensor. */
export function activate(backend: BackendWasm, x: TensorInfo, activation: string, prelu: TensorInfo | undefined, alpha: number): TensorInfo {
  let y: TensorInfo;
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      y = run(backend, tf.Relu, { x });
      break;
    case 'relu6':
      y = run(backend, tf.Relu6, { x });
      break;
    case 'elu':
      y = run(backend, tf.Elu, { x });
      break;
    case 'sigmoid':
      y = run(backend, tf.Sigmoid, { x });
      break;
    case 'leakyrelu':
      y = run(backend, tf.LeakyRelu, { x }, { alpha });
      break;
    case 'prelu':
      if (prelu == null) throw new Error('_FusedMatMul: activation prelu needs preluActivationWeights');
      y = run(backend, tf.Prelu, { x, alpha: prelu });
      break;
    default:
      throw new Error(`_FusedMatMul: unknown activation '${activation}' (expected linear, relu, relu6, elu, sigmoid, leakyrelu, prelu)`);
  }
  release(backend, x);
  return y;
}

/** _FusedMatMul kernel: act(a · b + bias) with tfjs semantics, matmul on XNNPACK. */
export function fusedMatMul({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { a, b, bias, preluActivationWeights } = inputs as Record<string, TensorInfo | undefined> & { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } = (attrs ?? {}) as FusedAttrs;
  const stockFused = wasmKernel(tf._FusedMatMul);
  const stock = () => stockFused({ inputs, backend, attrs });
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock();
  const { M, K, N, outShape } = matMulShapes(a, b, transposeA, transposeB);
  const small = outShape.length === 2 && M * K * N < SCALAR_MACS; // batch 1: scalar matmul, then Add/activation
  const fusable =
    !small &&
    (activation === 'linear' || activation === 'relu' || activation === 'relu6') &&
    (bias == null || (bias.shape.length === 1 && bias.shape[0] === N));
  if (fusable) {
    const call = (a3: TensorInfo, b3: TensorInfo) => {
      const w = guardWeights(backend, b3);
      const out = stockFused({
        inputs: bias == null ? { a: a3, b: w } : { a: a3, b: w, bias },
        backend,
        attrs: { transposeA: false, transposeB: false, activation, leakyreluAlpha },
      });
      if (w !== b3) release(backend, w);
      return out;
    };
    // No stock fallback here: its scalar loop indexes a rank-1 bias as min(i·N + j, N − 1), wrong for rows i > 0.
    return xnnBatchMatMul(backend, a, b, transposeA, transposeB, call);
  }
  let y = xnnBatchMatMul(backend, a, b, transposeA, transposeB, (a3, b3) => xnnMatMul(backend, a3, b3), () =>
    scalarMatMul(backend, a, b, transposeA, transposeB),
  );
  if (bias != null) {
    const z = run(backend, tf.Add, { a: y, b: bias });
    release(backend, y);
    y = z;
  }
  return activate(backend, y, activation, preluActivationWeights, leakyreluAlpha);
}
