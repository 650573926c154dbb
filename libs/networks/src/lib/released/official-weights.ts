import * as tf from '@tensorflow/tfjs-core';
import type { HostTensor, StateDict } from '@pfgm/tensor';
import type { Network } from '../types.js';

// Shared by the released-checkpoint loaders: how an official PyTorch weight maps onto one of ours, the key check
// with a one-line error, and the assignment.

/**
 * How a PyTorch weight is laid out relative to ours: as is, nn.Linear [out, in], nn.Conv2d [out, in, kh, kw], a 1×1
 * conv used as a dense layer [out, in, 1, 1] → [in, out], or one third of EDM's fused attention `qkv` 1×1 conv
 * ([3C, in, 1, 1] weight / [3C] bias, output channel 3c + j is q (j = 0), k (1) or v (2) of channel c).
 */
export type Layout = 'same' | 'linear' | 'conv' | 'conv1x1' | 'qkv0' | 'qkv1' | 'qkv2';

/** One of our weights and the official state-dict key it is read from. */
export interface KeyMapping {
  /** Our local weight name (`Network.names`). */
  ours: string;
  /** The official key (without a DataParallel `module.` prefix). */
  official: string;
  /** Shape of the official tensor. */
  shape: number[];
  layout: Layout;
}

/** The official shape of one of our weights: Linear [in, out] → [out, in]; conv [kh, kw, in, out] → [out, in, kh, kw]. */
export function officialShape(ours: readonly number[], layout: Layout): number[] {
  switch (layout) {
    case 'same':
      return [...ours];
    case 'linear':
      return [ours[1], ours[0]];
    case 'conv':
      return [ours[3], ours[2], ours[0], ours[1]];
    case 'conv1x1':
      return [ours[1], ours[0], 1, 1];
    case 'qkv0':
    case 'qkv1':
    case 'qkv2':
      return ours.length === 1 ? [3 * ours[0]] : [3 * ours[1], ours[0], 1, 1];
  }
}

/** Reorders an official tensor's values into our layout (NHWC convs, [in, out] dense). */
export function toOurLayout(t: HostTensor, layout: Layout): Float32Array {
  const d = t.data;
  if (layout === 'same') return d;
  if (layout === 'qkv0' || layout === 'qkv1' || layout === 'qkv2') {
    const j = Number(layout[3]);
    const C = t.shape[0] / 3;
    const I = t.shape.length === 1 ? 1 : t.shape[1];
    const out = new Float32Array(C * I);
    for (let o = 0; o < C; o++) for (let i = 0; i < I; i++) out[i * C + o] = d[(3 * o + j) * I + i];
    return out;
  }
  const out = new Float32Array(d.length);
  if (layout === 'linear' || layout === 'conv1x1') {
    const [O, I] = t.shape;
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) out[i * O + o] = d[o * I + i];
    return out;
  }
  const [O, I, KH, KW] = t.shape;
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let h = 0; h < KH; h++)
        for (let w = 0; w < KW; w++) out[((h * KW + w) * I + i) * O + o] = d[((o * I + i) * KH + h) * KW + w];
  return out;
}

/** Drops a DataParallel / DistributedDataParallel `module.` prefix when every key has it. */
export function stripModulePrefix(sd: StateDict): StateDict {
  const keys = [...sd.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return sd;
  return new Map([...sd].map(([k, v]) => [k.slice('module.'.length), v]));
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * Checks that a file's tensors are exactly the expected keys and shapes (besides `ignored` ones); throws one line
 * naming the first missing, extra and misshaped key (in module order) and how many of each.
 */
export function checkKeys(expected: readonly KeyMapping[], file: StateDict, where: string, what: string, ignored: (key: string) => boolean = () => false): void {
  const want = new Map(expected.map((m) => [m.official, m.shape]));
  const missing = expected.filter((m) => !file.has(m.official));
  const extra = [...file.keys()].filter((k) => !want.has(k) && !ignored(k));
  const misshaped = expected.filter((m) => file.has(m.official) && fmt((file.get(m.official) as HostTensor).shape) !== fmt(m.shape));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing key '${missing[0].official}' ${fmt(missing[0].shape)}${more(missing.length)}`);
  if (extra.length > 0) parts.push(`extra key '${extra[0]}' ${fmt((file.get(extra[0]) as HostTensor).shape)}${more(extra.length)}`);
  if (misshaped.length > 0) {
    const m = misshaped[0];
    parts.push(`key '${m.official}' is ${fmt((file.get(m.official) as HostTensor).shape)}, expected ${fmt(m.shape)}${more(misshaped.length)}`);
  }
  if (parts.length > 0) throw new Error(`${where}: not a ${what}: ${parts.join('; ')}`);
}

function more(n: number): string {
  return n > 1 ? ` (+${n - 1} more)` : '';
}

/** Sets each mapped weight of `net` from `values` (official key → tensor; keys and shapes already checked). */
export function assignOfficial(net: Network, mapping: readonly KeyMapping[], values: (m: KeyMapping) => HostTensor): void {
  const byName = new Map(net.names.map((n, i) => [n, net.weights[i]]));
  if (mapping.length !== net.weights.length) throw new Error(`key mapping covers ${mapping.length} of ${net.weights.length} weights (loader bug)`);
  for (const m of mapping) {
    const v = byName.get(m.ours);
    if (v === undefined) throw new Error(`key mapping names unknown weight '${m.ours}' (loader bug)`);
    tf.tidy(() => v.assign(tf.tensor(toOurLayout(values(m), m.layout), v.shape, 'float32')));
  }
}
