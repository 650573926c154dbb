import type { StateDict } from '@pfgm/tensor';
import { checkKeys } from './official-weights.js';
import { ncsnppKeyMapping, ncsnppToUNet, type NcsnppConfig, type ScoreSdeCheckpoint } from './score-sde.js';

// The official configs of the released score_sde-format checkpoints (the .pth files carry no config):
// Poisson_flow `configs/poisson/{cifar10_ddpmpp, cifar10_ddpmpp_deep, celeba64_ddpmpp, bedroom_ddpmpp}.py` and
// score_sde `configs/vp/cifar10_ddpmpp{,_deep}_continuous.py`. All: DDPM++ (BigGAN blocks, no FIR, skip_rescale,
// positional embedding, attention at 16², centered data, dropout 0.1).

function ddpmpp(sde: 'poisson' | 'vpsde', size: number, chMult: number[], blocks: number): NcsnppConfig {
  return {
    model: {
      nf: 128, ch_mult: chMult, num_res_blocks: blocks, attn_resolutions: [16], dropout: 0.1, fir: false, fir_kernel: [1, 3, 3, 1],
      skip_rescale: true, resblock_type: 'biggan', progressive: 'none', progressive_input: 'none', embedding_type: 'positional',
      fourier_scale: 16, conditional: true, scale_by_sigma: false, resamp_with_conv: true, nonlinearity: 'swish',
      normalization: 'GroupNorm', attention_type: 'ddpm',
    },
    data: { image_size: size, num_channels: 3, centered: true },
    training: { sde },
  };
}

/** Official configs of the released NCSN++ (DDPM++) checkpoints, by a name of ours. */
export const NCSNPP_RELEASED = {
  /** PFGM CIFAR-10 (Xu et al. 2022, Table 1: FID 2.48 with RK45). */
  'pfgm-cifar10-ddpmpp': ddpmpp('poisson', 32, [1, 2, 2, 2], 4),
  /** PFGM CIFAR-10, DDPM++ deep (FID 2.35). */
  'pfgm-cifar10-ddpmpp-deep': ddpmpp('poisson', 32, [1, 2, 2, 2], 8),
  /** PFGM CelebA 64². */
  'pfgm-celeba64-ddpmpp': ddpmpp('poisson', 64, [1, 2, 2, 2], 4),
  /** PFGM LSUN bedroom 256². */
  'pfgm-bedroom256-ddpmpp': ddpmpp('poisson', 256, [1, 1, 2, 2, 4, 4], 2),
  /** score_sde VP, DDPM++ continuous (the VP-ODE baseline rows). */
  'vp-cifar10-ddpmpp-continuous': ddpmpp('vpsde', 32, [1, 2, 2, 2], 4),
  /** score_sde VP, DDPM++ deep continuous. */
  'vp-cifar10-ddpmpp-deep-continuous': ddpmpp('vpsde', 32, [1, 2, 2, 2], 8),
} satisfies Record<string, NcsnppConfig>;

export type NcsnppReleasedName = keyof typeof NCSNPP_RELEASED;

/**
 * The released config whose keys and shapes a checkpoint's model has exactly (they tell PFGM's N+1 output, depth,
 * resolution apart; the two 4-block CIFAR-10 PFGM and VP models differ in the last conv). Throws one line when none does.
 */
export function matchNcsnppReleased(ckpt: ScoreSdeCheckpoint | StateDict, where = 'checkpoint.pth'): { name: NcsnppReleasedName; config: NcsnppConfig } {
  const model = ckpt instanceof Map ? ckpt : ckpt.model;
  for (const [name, config] of Object.entries(NCSNPP_RELEASED) as [NcsnppReleasedName, NcsnppConfig][]) {
    const { config: unet, io } = ncsnppToUNet(config);
    try {
      checkKeys(ncsnppKeyMapping(unet, io), model, where, name, (k) => k === 'sigmas');
      return { name, config: structuredClone(config) };
    } catch {
      continue;
    }
  }
  throw new Error(`${where}: matches none of the released NCSN++ configs (${Object.keys(NCSNPP_RELEASED).join(', ')}); pass its config explicitly`);
}
