import * as tf from '@tensorflow/tfjs-core';
import { songUNetKeyMapping, type Network } from '@pfgm/networks';

/**
 * Post-training weight quantization (PFGM++ `generate_quant.py:411-437`, pfgm-spec §4.8): per official parameter tensor,
 * uniform min/max affine with b bits: scale = (max − min)/(2^b − 1), zero point zp = trunc(clamp(−min/scale, 0, 2^b − 1)),
 * q = clamp(round(zp + w/scale), 0, 2^b − 1), w' = scale·(q − zp). `groups[k]` names the official tensor weight k is part
 * of ({@link officialQuantGroups}; our q, k and v are slices of SongUNet's one qkv tensor, so they share min/max), or null
 * to keep it float. Returns a function that restores the original weights. (In experiments until @pfgm/networks has it.)
 */
export function quantizeWeights(weights: readonly tf.Variable[], groups: readonly (string | null)[], bits: number): () => void {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) throw new Error(`quantizeWeights: bits must be an integer in [2, 16], got ${bits}`);
  if (groups.length !== weights.length) throw new Error(`quantizeWeights: ${groups.length} groups for ${weights.length} weights; pass one group (or null) per weight`);
  const levels = 2 ** bits - 1;
  const members = new Map<string, number[]>();
  groups.forEach((g, k) => {
    if (g !== null) members.set(g, [...(members.get(g) ?? []), k]);
  });
  const saved: [tf.Variable, tf.Tensor][] = [];
  for (const ks of members.values()) {
    const values = ks.map((k) => weights[k].dataSync());
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      for (const a of v) {
        lo = Math.min(lo, a);
        hi = Math.max(hi, a);
      }
    }
    const scale = (hi - lo) / levels || 1;
    const zp = Math.trunc(Math.min(Math.max(-lo / scale, 0), levels));
    ks.forEach((k, n) => {
      const w = weights[k];
      const q = Float32Array.from(values[n], (a) => scale * (Math.min(Math.max(Math.round(zp + a / scale), 0), levels) - zp));
      saved.push([w, w.clone()]);
      const t = tf.tensor(q, w.shape, 'float32');
      w.assign(t);
      t.dispose();
    });
  }
  return () => {
    for (const [w, orig] of saved) {
      w.assign(orig);
      orig.dispose();
    }
  };
}

/** PFGM++ `generate_quant.py:441`: the parameters it quantizes ('weight' in the name, none of 'norm', 'affine', 'map', '32'). */
export function officialQuantizes(officialName: string): boolean {
  return officialName.includes('weight') && !['norm', 'affine', 'map', '32'].some((s) => officialName.includes(s));
}

/**
 * For each of `net`'s weights, the SongUNet parameter it maps to (the released-checkpoint mapping, `songUNetKeyMapping`)
 * when generate_quant.py quantizes that parameter, else null. Its '32' filter keeps CIFAR-10's 32×32 level float
 * (`enc.32x32_conv`, `dec.32x32_aux_conv`, …); at 28×28 no level is named 32.
 */
export function officialQuantGroups(net: Pick<Network, 'config' | 'io' | 'names'>): (string | null)[] {
  const c = net.config;
  if (c.kind !== 'unet' || c.style !== 'ddpmpp') {
    throw new Error(`weight quantization follows PFGM++ generate_quant.py on EDM's SongUNet (our DDPM++-style U-Net); got a ${c.kind === 'unet' ? `${c.style}-style U-Net` : c.kind} network`);
  }
  const official = new Map(songUNetKeyMapping(c, net.io).map((m) => [m.ours, m.official]));
  return net.names.map((name) => {
    const key = official.get(name);
    if (key === undefined) throw new Error(`no SongUNet parameter for weight '${name}'`);
    return officialQuantizes(key) ? key : null;
  });
}
