// GroupNorm (+ SiLU) as two fused kernels on the native addon (issue 13): @pfgm/networks' composite GroupNorm runs
// ≈ 6 full-tensor passes forward and ≈ 17 backward as separate wasm kernels (AvgPool, Multiply, Sigmoid, Add, Sum
// made ≈ 35 % of the 28×28 U-Net step's kernel time); the addon does 2 passes each way. The networks library uses
// these kernels when the active backend has them (wasm with @pfgm/native) and its composite everywhere else.
import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from '@pfgm/native';
import { heap, type KernelArgs, type TensorInfo } from './kernel-utils.js';

/** Kernel names: forward (outputs y, mean [B, G], rstd [B, G]) and backward (outputs dx, dγ, dβ). */
export const GROUP_NORM_KERNEL = 'PfgmGroupNorm';
export const GROUP_NORM_GRAD_KERNEL = 'PfgmGroupNormGrad';

/** Attributes of both kernels. */
export interface GroupNormAttrs {
  groups: number;
  eps: number;
  /** SiLU after the affine map. */
  act: boolean;
}

/** Whether the active backend runs the fused GroupNorm kernels. */
export function fusedGroupNormAvailable(): boolean {
  return tf.getKernel(GROUP_NORM_KERNEL, tf.getBackend()) != null;
}

function dims(x: TensorInfo, groups: number): { B: number; HW: number; C: number } {
  if (x.shape.length !== 4 || x.dtype !== 'float32') throw new Error(`${GROUP_NORM_KERNEL}: expected a float32 [B, H, W, C] tensor, got ${x.dtype} [${x.shape}]`);
  const [B, H, W, C] = x.shape;
  if (!(groups > 0) || C % groups !== 0) throw new Error(`${GROUP_NORM_KERNEL}: ${C} channels do not split into ${groups} groups`);
  return { B, HW: H * W, C };
}

/** The forward kernel on the addon. */
export function nativeGroupNormKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo[] {
  return (args) => {
    const { x, gamma, beta } = args.inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
    const { groups, eps, act } = args.attrs as unknown as GroupNormAttrs;
    const { B, HW, C } = dims(x, groups);
    const { backend } = args;
    const y = backend.makeOutput(x.shape, 'float32');
    const mean = backend.makeOutput([B, groups], 'float32');
    const rstd = backend.makeOutput([B, groups], 'float32');
    // Views taken after every allocation (the heap may have grown).
    addon().groupNorm(B, HW, C, groups, eps, act, heap(backend, x), heap(backend, gamma), heap(backend, beta), heap(backend, y), heap(backend, mean), heap(backend, rstd));
    return [y, mean, rstd];
  };
}

/** The backward kernel on the addon. */
export function nativeGroupNormGradKernel(addon: () => NativeAddon): (args: KernelArgs) => TensorInfo[] {
  return (args) => {
    const { dy, x, gamma, beta, mean, rstd } = args.inputs as Record<'dy' | 'x' | 'gamma' | 'beta' | 'mean' | 'rstd', TensorInfo>;
    const { groups, act } = args.attrs as unknown as GroupNormAttrs;
    const { B, HW, C } = dims(x, groups);
    const { backend } = args;
    const dx = backend.makeOutput(x.shape, 'float32');
    const dgamma = backend.makeOutput([C], 'float32');
    const dbeta = backend.makeOutput([C], 'float32');
    const h = (t: TensorInfo) => heap(backend, t);
    addon().groupNormGrad(B, HW, C, groups, act, h(dy), h(x), h(gamma), h(beta), h(mean), h(rstd), h(dx), h(dgamma), h(dbeta));
    return [dx, dgamma, dbeta];
  };
}
