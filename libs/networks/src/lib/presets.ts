import type { NetworkConfig, UNetConfig } from './types.js';

const positional = { kind: 'positional', maxPositions: 10000 } as const;

/**
 * U-Net presets ("architecture strength"). Full-size ones are the score_sde CIFAR-10 configs
 * (`configs/vp/ddpm/cifar10.py`, `configs/vp/cifar10_ddpmpp_continuous.py`, `..._deep_continuous.py`; PFGM uses the
 * same backbones, Poisson_flow `configs/poisson/cifar10_ddpmpp*.py`); `-small` ones are CPU-sized (nf 32, 2 levels).
 */
export const UNET_PRESETS = {
  /** Vanilla DDPM (Ho et al. 2020) as ported in score_sde: nf 128, (1,2,2,2), 2 blocks, attn@16. 35.2M params. */
  ddpm: unet('ddpm', 128, [1, 2, 2, 2], 2),
  /** DDPM++ (Song et al. 2021): BigGAN resampling blocks, 4 blocks. 61.8M params. */
  ddpmpp: unet('ddpmpp', 128, [1, 2, 2, 2], 4),
  /** DDPM++ deep: 8 blocks per resolution. 106.6M params. */
  'ddpmpp-deep': unet('ddpmpp', 128, [1, 2, 2, 2], 8),
  /**
   * EDM's SongUNet with `--arch=ncsnpp` (Karras et al. 2022; PFGM++'s released CIFAR-10 models): Fourier embedding of
   * c_noise, FIR [1,3,3,1] resampling, residual input encoder, channel_mult [2,2,2], dropout 0.13. 56.4M params.
   */
  'ncsnpp-edm': {
    ...unet('ddpmpp', 128, [2, 2, 2], 4), dropout: 0.13, embedding: { kind: 'fourier', scale: 16 }, firKernel: [1, 3, 3, 1], encoderType: 'residual',
  },
  /** EDM's SongUNet with `--arch=ddpmpp`: positional embedding, [1,1] resampling, channel_mult [2,2,2], dropout 0.13. 55.7M. */
  'ddpmpp-edm': { ...unet('ddpmpp', 128, [2, 2, 2], 4), dropout: 0.13 },
  'ddpm-small': unet('ddpm', 32, [1, 2], 2),
  'ddpmpp-small': unet('ddpmpp', 32, [1, 2], 2),
  'ddpmpp-deep-small': unet('ddpmpp', 32, [1, 2], 4),
} satisfies Record<string, UNetConfig>;

export type UNetPresetName = keyof typeof UNET_PRESETS;

/** Toy MLP (2-D data): 3×256 SiLU, positional embedding width 64. */
export const MLP_PRESETS = {
  mlp: { kind: 'mlp', hidden: [256, 256, 256], embedDim: 64, embedding: positional },
} satisfies Record<string, NetworkConfig>;

export type PresetName = UNetPresetName | keyof typeof MLP_PRESETS;

/** A copy of a named preset, with optional overrides of its knobs (e.g. `{dropout: 0, embedding: fourier}`). */
export function preset<K extends PresetName>(name: K, overrides: Partial<NetworkConfig> = {}): NetworkConfig {
  const all: Record<string, NetworkConfig> = { ...UNET_PRESETS, ...MLP_PRESETS };
  const base = all[name];
  if (base === undefined) throw new Error(`unknown network preset "${name}"; expected one of ${Object.keys(all).join(', ')}`);
  return { ...structuredClone(base), ...structuredClone(overrides) } as NetworkConfig;
}

function unet(style: UNetConfig['style'], channels: number, channelMult: number[], numBlocks: number): UNetConfig {
  return { kind: 'unet', style, channels, channelMult, numBlocks, attnResolutions: [16], dropout: 0.1, embedding: positional };
}
