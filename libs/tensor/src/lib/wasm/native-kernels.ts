// wasm kernels computed by OpenBLAS through @pfgm/native, directly on the wasm heap (zero copy): the addon reads and
// writes Float32Array views of the tensors' heap bytes (backend.typedArrayFromHeap; re-taken after every allocation,
// because the heap may grow). Anything the addon does not cover (other dtypes, NCHW, prelu, odd bias shapes) falls
// back to this library's XNNPACK kernels or the stock ones, so results keep tfjs semantics everywhere.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { Activation, convGeometry, type NativeAddon } from '@pfgm/native';
import { batchMatMul } from './batch-mat-mul.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { activate, fusedMatMul } from './fused-mat-mul.js';
import { nativeBinaryKernel, nativeConcatKernel, nativeSumKernel } from './native-elementwise.js';
import { GROUP_NORM_GRAD_KERNEL, GROUP_NORM_KERNEL, nativeGroupNormGradKernel, nativeGroupNormKernel } from './native-group-norm.js';
import { nativeAvgPoolGradKernel, nativePoolKernel } from './native-pool.js';
import { nativeSplitKernel } from './native-split.js';
import { ADAM_KERNEL, EMA_KERNEL, nativeAdamKernel, nativeEmaKernel, nativeScaleKernel, nativeSumSquaresKernel, SCALE_KERNEL, SUM_SQUARES_KERNEL } from './native-optimizer.js';
import { heap, release, run, sizeOf, wasmKernel, type KernelArgs, type TensorInfo } from './kernel-utils.js';
import { broadcastIndex, matMulShapes } from './xnn-mat-mul.js';

let addon: NativeAddon | null = null;

/** Sets the addon the native kernels call (registerWasmKernels does, before registering them). */
export function useNativeAddon(a: NativeAddon | null): void {
  addon = a;
}

function native(): NativeAddon {
  if (addon == null) throw new Error('native wasm kernels are registered but no @pfgm/native addon was set');
  return addon;
}

/** a · b (tfjs BatchMatMul semantics: transposes, broadcast outer dims) into a new float32 tensor, by sgemm. */
export function nativeMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const { M, K, N, outerA, outerB, outer, outShape } = matMulShapes(a, b, transposeA, transposeB);
  const bA = sizeOf(outerA);
  const bB = sizeOf(outerB);
  const B = sizeOf(outer);
  const out = backend.makeOutput(outShape, 'float32');
  if (B * M * N === 0) return out;
  const C = heap(backend, out);
  if (K === 0) {
    C.fill(0);
    return out;
  }
  const A = heap(backend, a);
  const Bm = heap(backend, b);
  const lda = transposeA ? M : K;
  const ldb = transposeB ? K : N;
  const blas = native();
  if (bB === 1 && (bA === 1 || !transposeA)) {
    // A broadcast b: all of a's entries stacked into one [B·M, K] product (a untransposed), or a single product.
    blas.sgemm(transposeA, transposeB, bA * M, N, K, 1, A, 0, lda, Bm, 0, ldb, 0, C, 0, N);
    return out;
  }
  const aIndex = broadcastIndex(outer, outerA);
  const bIndex = broadcastIndex(outer, outerB);
  const offA = new Float64Array(B);
  const offB = new Float64Array(B);
  const offC = new Float64Array(B);
  for (let i = 0; i < B; i++) {
    offA[i] = aIndex(i) * M * K;
    offB[i] = bIndex(i) * K * N;
    offC[i] = i * M * N;
  }
  blas.sgemmBatch(transposeA, transposeB, M, N, K, A, offA, Bm, offB, C, offC);
  return out;
}

const float32 = (...xs: (TensorInfo | undefined)[]) => xs.every((x) => x == null || x.dtype === 'float32');

/** BatchMatMul on OpenBLAS. */
export function nativeBatchMatMul(args: KernelArgs): TensorInfo {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  if (!float32(a, b)) return batchMatMul(args);
  return nativeMatMul(args.backend, a, b, transposeA, transposeB);
}

/** Codes of the activations the addon applies in place (others go through the wasm kernels). */
const ACTIVATION_CODES: Record<string, number> = {
  linear: Activation.linear,
  relu: Activation.relu,
  relu6: Activation.relu6,
  leakyrelu: Activation.leakyrelu,
  sigmoid: Activation.sigmoid,
  elu: Activation.elu,
};

/** Whether `bias` broadcasts along the last axis only (shape [..1, C]) with C = `cols`. */
function rowBias(bias: TensorInfo | undefined, cols: number): boolean {
  if (bias == null) return true;
  const s = bias.shape;
  return s.length >= 1 && s[s.length - 1] === cols && sizeOf(s) === cols;
}

/**
 * act(y + bias) in place when the addon can (row bias, activation with a code), else through the wasm Add and
 * activation kernels (a new tensor; `y` released). Returns the result.
 */
function biasAndActivation(
  backend: BackendWasm,
  y: TensorInfo,
  bias: TensorInfo | undefined,
  activation: string,
  prelu: TensorInfo | undefined,
  alpha: number,
): TensorInfo {
  const cols = y.shape[y.shape.length - 1] ?? 1;
  const code = ACTIVATION_CODES[activation];
  const size = sizeOf(y.shape);
  if (code != null && rowBias(bias, cols)) {
    if (size === 0 || (bias == null && code === Activation.linear)) return y;
    native().biasActivate(heap(backend, y), 0, size / cols, cols, bias == null ? null : heap(backend, bias), 0, code, alpha);
    return y;
  }
  let z = y;
  if (bias != null) {
    z = run(backend, tf.Add, { a: y, b: bias });
    release(backend, y);
  }
  return activate(backend, z, activation, prelu, alpha);
}

interface FusedMatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

/** _FusedMatMul on OpenBLAS: act(a · b + bias). */
export function nativeFusedMatMul(args: KernelArgs): TensorInfo {
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & { a: TensorInfo; b: TensorInfo };
  const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } = (args.attrs ?? {}) as FusedMatMulAttrs;
  if (!float32(a, b, bias, preluActivationWeights)) return fusedMatMul(args);
  const y = nativeMatMul(args.backend, a, b, transposeA, transposeB);
  return biasAndActivation(args.backend, y, bias, activation, preluActivationWeights, leakyreluAlpha);
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
interface ConvAttrs {
  strides: [number, number] | number;
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

/** The addon's geometry array for a tfjs conv info. */
function geometry(info: tf.backend_util.Conv2DInfo): Float64Array {
  return convGeometry({
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  });
}

type Shape4 = [number, number, number, number];

/** y = conv2d(x, filter) (NHWC) into a new tensor, by im2col + sgemm. */
function nativeConvForward(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, attrs: ConvAttrs): TensorInfo {
  const { strides, pad, dilations = 1, dimRoundingMode } = attrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter.shape as Shape4, strides, dilations, pad, dimRoundingMode);
  const out = backend.makeOutput(info.outShape, 'float32');
  native().conv2d(geometry(info), heap(backend, x), 0, heap(backend, filter), 0, heap(backend, out), 0);
  return out;
}

/**
 * Forward convolutions whose im2col rows are this short (kh·kw·Ci, e.g. a 3×3 conv of a 1-channel image) stay on
 * XNNPACK: copying 9 floats per row costs more than the product (measured 1.07 vs 0.68 ms, 28×28×1 → 16, batch 32).
 */
const MIN_IM2COL_ROW = 16;

/** Whether the forward convolution goes to OpenBLAS. */
function nativeForward(x: TensorInfo, filter: TensorInfo, attrs: ConvAttrs, ...more: (TensorInfo | undefined)[]): boolean {
  const [kh, kw, ci] = filter.shape;
  return (attrs.dataFormat ?? 'NHWC') === 'NHWC' && float32(x, filter, ...more) && kh * kw * ci >= MIN_IM2COL_ROW;
}

/** Conv2D on OpenBLAS (NHWC, float32; other cases: the stock kernel). */
export function nativeConv2D(args: KernelArgs): TensorInfo {
  const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs;
  if (!nativeForward(x, filter, attrs)) return wasmKernel(tf.Conv2D)(args);
  return nativeConvForward(args.backend, x, filter, attrs);
}

/** FusedConv2D on OpenBLAS: act(conv2d(x, filter) + bias). */
export function nativeFusedConv2D(args: KernelArgs): TensorInfo {
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & { x: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs;
  if (!nativeForward(x, filter, attrs, bias, preluActivationWeights)) return wasmKernel(tf.FusedConv2D)(args);
  const y = nativeConvForward(args.backend, x, filter, attrs);
  return biasAndActivation(args.backend, y, bias, attrs.activation ?? 'linear', preluActivationWeights, attrs.leakyreluAlpha ?? 0.2);
}

/** Conv2DBackpropInput on OpenBLAS: dx = ∂conv2d/∂x applied to dy (sgemm + col2im). */
export function nativeConv2DBackpropInput(args: KernelArgs): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !float32(dy, filter)) return conv2DBackpropInput(args);
  const { backend } = args;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as Shape4, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const out = backend.makeOutput(attrs.inputShape, 'float32');
  native().conv2dBackpropInput(geometry(info), heap(backend, dy), 0, heap(backend, filter), 0, heap(backend, out), 0);
  return out;
}

/** Conv2DBackpropFilter on OpenBLAS: dW = ∂conv2d/∂W applied to dy (im2col + sgemm). */
export function nativeConv2DBackpropFilter(args: KernelArgs): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !float32(x, dy)) return conv2DBackpropFilter(args);
  const { backend } = args;
  const info = tf.backend_util.computeConv2DInfo(x.shape as Shape4, attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  native().conv2dBackpropFilter(geometry(info), heap(backend, x), 0, heap(backend, dy), 0, heap(backend, out), 0);
  return out;
}

/** Kernel name → native implementation, registered over the wasm kernels when the addon is available. */
export const NATIVE_WASM_KERNELS: Readonly<Record<string, (args: never) => tf.TensorInfo>> = {
  [tf.Add]: nativeBinaryKernel(tf.Add, native),
  [tf.Sub]: nativeBinaryKernel(tf.Sub, native),
  [tf.Multiply]: nativeBinaryKernel(tf.Multiply, native),
  [tf.Concat]: nativeConcatKernel(native),
  [tf.Sum]: nativeSumKernel(native),
  [tf.BatchMatMul]: nativeBatchMatMul,
  [tf._FusedMatMul]: nativeFusedMatMul,
  [tf.Conv2D]: nativeConv2D,
  [tf.FusedConv2D]: nativeFusedConv2D,
  [tf.Conv2DBackpropInput]: nativeConv2DBackpropInput,
  [tf.Conv2DBackpropFilter]: nativeConv2DBackpropFilter,
  [GROUP_NORM_KERNEL]: nativeGroupNormKernel(native) as unknown as (args: never) => tf.TensorInfo,
  [GROUP_NORM_GRAD_KERNEL]: nativeGroupNormGradKernel(native) as unknown as (args: never) => tf.TensorInfo,
  [tf.SplitV]: nativeSplitKernel(native) as unknown as (args: never) => tf.TensorInfo,
  [tf.MaxPool]: nativePoolKernel(tf.MaxPool, native),
  [tf.AvgPool]: nativePoolKernel(tf.AvgPool, native),
  [tf.AvgPoolGrad]: nativeAvgPoolGradKernel(native),
  [ADAM_KERNEL]: nativeAdamKernel(native) as unknown as (args: never) => tf.TensorInfo,
  [EMA_KERNEL]: nativeEmaKernel(native) as unknown as (args: never) => tf.TensorInfo,
  [SUM_SQUARES_KERNEL]: nativeSumSquaresKernel(native) as unknown as (args: never) => tf.TensorInfo,
  [SCALE_KERNEL]: nativeScaleKernel(native) as unknown as (args: never) => tf.TensorInfo,
};
