// The optimizer's updates as fused multi-tensor kernels on the native addon (issue 13): @pfgm/train's Adam
// (Kingma & Ba 2015, Alg. 1), weight EMA (score_sde `models/ema.py`) and global-norm clipping (score_sde `losses.py`,
// `grad_clip`) run ≈ 15 small wasm kernels per weight tensor, ≈ 2000 launches per step of the 28×28 U-Net; each of
// these kernels takes every weight of the step in one launch and does one pass over it in C (optimizer.c), with the
// composites' float32 operations in their order. @pfgm/train uses them when the active backend has them (wasm with
// @pfgm/native) and its composites everywhere else.
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '@pfgm/native';
import { heap, type KernelArgs, type TensorInfo } from './kernel-utils.js';

/** Adam: inputs [w₀, g₀, m₀, v₀, w₁, …] (float32, each quadruple one shape); outputs [w₀', m₀', v₀', w₁', …]. */
export const ADAM_KERNEL = 'PfgmAdam';
/** EMA: inputs [ema₀, w₀, ema₁, w₁, …]; outputs [ema₀', ema₁', …]. */
export const EMA_KERNEL = 'PfgmEma';
/** Σ x² over every element of every input, in float64; output [2] float32: hi, lo with hi + lo = the sum to ≈ 2⁻⁴⁸. */
export const SUM_SQUARES_KERNEL = 'PfgmSumSquares';
/** Scale: inputs [x₀, x₁, …]; outputs [x₀·s, x₁·s, …] (s = 1 shares the inputs' data, as Identity does). */
export const SCALE_KERNEL = 'PfgmScale';

/** Adam's constants as @pfgm/train's adamStep computes them for step t (the kernel rounds each to float32). */
export interface AdamKernelAttrs {
  beta1: number;
  beta2: number;
  /** lr·√(1 − β2ᵗ)/(1 − β1ᵗ). */
  stepSize: number;
  /** ε̂ = ε·√(1 − β2ᵗ). */
  epsHat: number;
}

/** EMA decay β: ema' = ema·β + w·(1 − β). */
export interface EmaKernelAttrs {
  beta: number;
}

/** The factor s of {@link SCALE_KERNEL}. */
export interface ScaleKernelAttrs {
  scale: number;
}

/** Whether the active backend runs the fused optimizer kernels. */
export function fusedOptimizerAvailable(): boolean {
  const backend = tf.getBackend();
  return [ADAM_KERNEL, EMA_KERNEL, SUM_SQUARES_KERNEL, SCALE_KERNEL].every((k) => tf.getKernel(k, backend) != null);
}

/** Checks that `inputs` are float32 groups of `k` equal shapes. */
function groups(name: string, inputs: TensorInfo[], k: number): void {
  if (inputs.length % k !== 0) throw new Error(`${name}: expected groups of ${k} inputs, got ${inputs.length}`);
  inputs.forEach((t, i) => {
    const first = inputs[i - (i % k)];
    if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, first.shape)) {
      throw new Error(`${name}: input ${i} is ${t.dtype} [${t.shape}], expected float32 [${first.shape}]`);
    }
  });
}

/** The Adam kernel on the addon. */
export function nativeAdamKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo[] {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const { beta1, beta2, stepSize, epsHat } = args.attrs as unknown as AdamKernelAttrs;
    groups(ADAM_KERNEL, inputs, 4);
    const { backend } = args;
    const outs = inputs.map((t, i) => (i % 4 === 1 ? null : backend.makeOutput(t.shape, 'float32'))).filter((t) => t != null);
    // Views taken after every allocation (the heap may have grown).
    const h = (t: TensorInfo) => heap(backend, t);
    for (let j = 0; j < inputs.length / 4; j++) {
      const [w, g, m, v] = inputs.slice(4 * j, 4 * j + 4);
      addon().adam(h(w), h(g), h(m), h(v), h(outs[3 * j]), h(outs[3 * j + 1]), h(outs[3 * j + 2]), beta1, beta2, stepSize, epsHat);
    }
    return outs;
  };
}

/** The EMA kernel on the addon. */
export function nativeEmaKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo[] {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const { beta } = args.attrs as unknown as EmaKernelAttrs;
    groups(EMA_KERNEL, inputs, 2);
    const { backend } = args;
    const outs = inputs.filter((_, i) => i % 2 === 0).map((e) => backend.makeOutput(e.shape, 'float32'));
    outs.forEach((o, j) => addon().ema(heap(backend, inputs[2 * j]), heap(backend, inputs[2 * j + 1]), heap(backend, o), beta));
    return outs;
  };
}

/** The sum-of-squares kernel on the addon. */
export function nativeSumSquaresKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    groups(SUM_SQUARES_KERNEL, inputs, 1);
    const { backend } = args;
    const out = backend.makeOutput([2], 'float32');
    let s = 0; // float64
    for (const x of inputs) s += addon().sumSquares(heap(backend, x));
    const hi = Math.fround(s);
    heap(backend, out).set([hi, s - hi]);
    return out;
  };
}

/** The scale kernel on the addon. */
export function nativeScaleKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo[] {
  return (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const { scale } = args.attrs as unknown as ScaleKernelAttrs;
    groups(SCALE_KERNEL, inputs, 1);
    const { backend } = args;
    if (scale === 1) {
      return inputs.map((x) => {
        backend.incRef(x.dataId);
        return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
      });
    }
    const outs = inputs.map((x) => backend.makeOutput(x.shape, 'float32'));
    outs.forEach((o, j) => addon().scale(heap(backend, inputs[j]), heap(backend, o), scale));
    return outs;
  };
}
