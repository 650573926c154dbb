import * as tf from '@tensorflow/tfjs-core';
import type { Param, ParamStore } from '../param-store.js';

/** Per-call state of a forward pass. */
export interface ForwardContext {
  /** Dropout active. */
  training: boolean;
  /** A fresh seed for the next dropout mask. */
  nextSeed(): number;
  /** Class labels [B, labelDim] (one-hot or soft) of a class-conditional U-Net; absent: zeros (EDMPrecond). */
  labels?: tf.Tensor;
}

/** Block family (see UNetConfig.style). */
export type Style = 'ddpm' | 'ddpmpp';

/**
 * GroupNorm group count: DDPM uses 32 (score_sde models/layers.py:625,633, ddpm.py:104), DDPM++ min(C/4, 32)
 * (layerspp.py:173,179). The official DDPM widths are multiples of 32 from 128 up, so every group holds ≥ 4 channels.
 * For the small CPU nets (C = 16, 48, …) DDPM gets the largest divisor of C not above min(32, C/4): the official 32 at
 * every official width, and never one channel per group — GroupNorm over a single channel subtracts that channel's
 * spatial mean, which cancels the per-channel Dense(temb) added just before GN1 and leaves the net blind to t / z
 * (measured: a 16-channel DDPM PFGM net gave the same output at every z). A rule (FIDELITY.md net-ddpm-groups).
 */
export function numGroups(style: Style, C: number): number {
  const G = style === 'ddpm' ? largestDivisorUpTo(C, Math.max(1, Math.min(32, Math.floor(C / 4)))) : Math.min(Math.floor(C / 4), 32);
  if (G < 1 || C % G !== 0) {
    throw new Error(`GroupNorm: ${C} channels cannot be split into ${G} groups (${style}); ${style === 'ddpm' ? 'use a positive channel count' : 'ddpmpp uses min(C/4, 32) groups: use a multiple of 4 up to 128 channels, of 32 above'}`);
  }
  return G;
}

/** The largest divisor of C that is ≤ cap (0 for C < 1). */
function largestDivisorUpTo(C: number, cap: number): number {
  for (let g = Math.min(cap, C); g >= 1; g--) if (C % g === 0) return g;
  return 0;
}

export interface ConvParams {
  W: Param;
  b: Param;
}

/** k×k conv weight [k, k, Cin, Cout] + zero bias, score_sde `default_init(initScale)`. */
export function declareConv(store: ParamStore, name: string, k: number, cin: number, cout: number, initScale = 1): ConvParams {
  return store.scope(name, () => ({
    W: store.add('W', [k, k, cin, cout], { kind: 'varianceScaling', scale: initScale, fanIn: k * k * cin, fanOut: k * k * cout }),
    b: store.add('b', [cout], { kind: 'zeros' }),
  }));
}

/** Dense / NIN weight [in, out] + zero bias. NIN default init scale is 0.1 in score_sde. */
export function declareDense(store: ParamStore, name: string, cin: number, cout: number, initScale = 1): ConvParams {
  return store.scope(name, () => ({
    W: store.add('W', [cin, cout], { kind: 'varianceScaling', scale: initScale, fanIn: cin, fanOut: cout }),
    b: store.add('b', [cout], { kind: 'zeros' }),
  }));
}

export interface NormParams {
  gamma: Param;
  beta: Param;
  groups: number;
}

/** GroupNorm scale (ones) and shift (zeros), 2·C parameters. */
export function declareGroupNorm(store: ParamStore, name: string, style: Style, C: number): NormParams {
  return store.scope(name, () => ({
    gamma: store.add('gamma', [C], { kind: 'ones' }),
    beta: store.add('beta', [C], { kind: 'zeros' }),
    groups: numGroups(style, C),
  }));
}

/** Residual join: DDPM x + h; DDPM++ (x + h)/√2 (score_sde `skip_rescale`, default on for 'ddpmpp'). */
export function residual(style: Style, skipRescale = style === 'ddpmpp'): (x: tf.Tensor, h: tf.Tensor) => tf.Tensor {
  return skipRescale ? (x, h) => tf.mul(tf.add(x, h), Math.SQRT1_2) : (x, h) => tf.add(x, h);
}

