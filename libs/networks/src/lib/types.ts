import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@pfgm/tensor';

/** Noise/time-label embedding: DDPM sinusoidal of the raw label, or Gaussian Fourier features (NCSN++). */
export type EmbeddingConfig =
  | {
      kind: 'positional';
      /** Largest period of the sinusoids (DDPM / score_sde `max_positions`). Default 10000. */
      maxPositions: number;
    }
  | {
      kind: 'fourier';
      /** Std of the fixed random frequencies W ~ N(0, scale²) (score_sde `fourier_scale`). Default 16. */
      scale: number;
    };

/** Fully connected net for low-dimensional data: [x, embed(cond)] → SiLU MLP → out. */
export interface MlpConfig {
  kind: 'mlp';
  /** Widths of the hidden layers, e.g. [256, 256, 256]. */
  hidden: number[];
  /** Width of the label embedding (even). E.g. 64. */
  embedDim: number;
  /** Label embedding type. */
  embedding: EmbeddingConfig;
}

/**
 * U-Net of score_sde_pytorch (Song et al. 2021): `style: 'ddpm'` is `models/ddpm.py` (Ho et al. 2020 blocks:
 * conv resampling, unscaled skips, GroupNorm(32)); `style: 'ddpmpp'` is `models/ncsnpp.py` with the DDPM++ config
 * (BigGAN residual up/down blocks, skip_rescale 1/√2, GroupNorm(min(C/4, 32)), no FIR, no progressive growing).
 */
export interface UNetConfig {
  kind: 'unet';
  /** Block family: 'ddpm' (vanilla DDPM backbone) or 'ddpmpp' (DDPM++, BigGAN-style residual resampling). */
  style: 'ddpm' | 'ddpmpp';
  /** Base channels `nf`. DDPM++ CIFAR-10: 128. */
  channels: number;
  /** Channel multiplier per resolution `ch_mult`. CIFAR-10: [1, 2, 2, 2]. */
  channelMult: number[];
  /** Residual blocks per resolution. DDPM: 2, DDPM++: 4, DDPM++ deep: 8. */
  numBlocks: number;
  /** Resolutions (side length in pixels) with self-attention. CIFAR-10: [16]. */
  attnResolutions: number[];
  /** Dropout rate inside residual blocks. score_sde CIFAR-10: 0.1. */
  dropout: number;
  /** Label embedding. DDPM / DDPM++: positional; NCSN++: Fourier, scale 16. */
  embedding: EmbeddingConfig;
  /** 'ddpmpp' only: residual joins (x + h)/√2 (score_sde `skip_rescale`). Default true. */
  skipRescale?: boolean;
  /** 'ddpmpp' only: FIR kernel of the BigGAN up/down blocks (score_sde `fir=True`, `fir_kernel` [1, 3, 3, 1]). Default none. */
  firKernel?: number[];
  /**
   * 'ddpmpp' only: encoder input pyramid. 'residual' is EDM SongUNet's NCSN++ encoder (`encoder_type='residual'`): after
   * each downsampling block, h = (h + FIRdown(conv3×3(aux)))/√2 and aux = h, starting from aux = the input image.
   * Default 'standard' (none).
   */
  encoderType?: 'standard' | 'residual';
  /** Class-conditional: labels [B, labelDim] enter as Dense(labels·√labelDim) added to the noise embedding (EDM `map_label`). */
  labelDim?: number;
}

export type NetworkConfig = MlpConfig | UNetConfig;

/** Per-sample input and output shapes (no batch axis). A U-Net with outShape [H·W·C + 1] has the PFGM head. */
export interface NetworkIo {
  inShape: number[];
  outShape: number[];
}

/** A raw function approximator F(x, c); knows nothing of sigma, z or preconditioning. */
export interface Network {
  readonly config: NetworkConfig;
  /** Per-sample shapes. */
  readonly io: NetworkIo;
  /** [B, ...inShape], cond [B] → [B, ...outShape]. Never disposes its arguments. `training` enables dropout. */
  apply(x: tf.Tensor, cond: tf.Tensor1D, training?: boolean, labels?: tf.Tensor2D): tf.Tensor;
  /** Every weight in a stable order; names are unique (`down.0.conv0.W`). Fixed ones have `trainable: false`. */
  readonly weights: tf.Variable[];
  /** Local names of `weights`, same order (the tf.Variable names carry a per-instance prefix). */
  readonly names: string[];
  /** The weights an optimizer updates (`weights` minus the fixed Fourier frequencies). */
  readonly trainableWeights: tf.Variable[];
  /** Source of dropout masks (one uint32 seed per dropout call); save its `state()` in checkpoints. */
  readonly dropoutRng: Rng;
  /** Number of scalars in `weights` (PyTorch `sum(p.numel())` convention, fixed Fourier W included). */
  readonly numParams: number;
  dispose(): void;
}
