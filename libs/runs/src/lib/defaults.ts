import { pfgmRecipe, pfgmZExp } from '@pfgm/field';
import { edmConfig, pfgmConfig, pfgmppConfig, vpConfig, type MethodConfig } from '@pfgm/methods';
import type { EmaSpec } from '@pfgm/train';

/** The method names of the CLI: `edm` is PFGM++ with D = ∞. */
export type MethodName = 'pfgm' | 'pfgmpp' | 'edm' | 'vp';
export const METHOD_NAMES: readonly MethodName[] = ['pfgm', 'pfgmpp', 'edm', 'vp'];

/** What the method defaults depend on. */
export interface DataFacts {
  /** Per-sample shape, e.g. [2] or [32, 32, 3]. */
  shape: readonly number[];
  /** Average L2 norm of the examples in [−1, 1] (PFGM recipe, spec §1.7). */
  avgNorm: number;
  /** True for CIFAR-10 itself: the official config table applies. */
  cifar10: boolean;
}

/**
 * The method config for a data set: CIFAR-10 uses the official tables; other data get PFGM's M, z_max and
 * upper_norm from the recipe of spec §1.7 (`hyper-parameters.py`) and z_exp from {@link pfgmZExp} (the official
 * (N, z_exp) pairs interpolated in log–log; 5 for N ≤ 3072 as CIFAR-10's config). Sampling in the official variables.
 */
export function methodConfigFor(name: MethodName, data: DataFacts, D = 128): MethodConfig {
  switch (name) {
    case 'pfgm': {
      if (data.cifar10) return pfgmConfig('cifar10');
      const N = data.shape.reduce((a, b) => a * b, 1);
      const r = pfgmRecipe({ avgNorm: data.avgNorm, N });
      return pfgmConfig('cifar10', { M: r.M, zMax: r.zMax, upperNorm: r.upperNorm, zExp: pfgmZExp(N) });
    }
    case 'pfgmpp':
      return pfgmppConfig(D);
    case 'edm':
      return edmConfig();
    case 'vp':
      return vpConfig();
  }
}

/** Optimizer, EMA and batch defaults of a training run. */
export interface TrainDefaults {
  lr: number;
  warmup: number;
  gradClip: number;
  ema: EmaSpec;
  batchSize: number;
  /** PFGM's large batch B_L (spec §1.3); undefined for the other methods. */
  referenceSize?: number;
  /**
   * Random horizontal flips of training images. PFGM and VP: on (score_sde/Poisson_flow `data.random_flip = True`,
   * `configs/default_cifar10_configs.py`; applied for every image set, as the nearest official config). PFGM++/EDM: off
   * (EDM `train.py --xflip` defaults to False; its non-leaking augmentation pipe, `--augment 0.12`, is not implemented).
   * Absent: off.
   */
  flip?: boolean;
}

/**
 * Paper defaults (spec §1.5, §4.7, §6) for image data; a toy profile (short runs on 2-D points) otherwise:
 * lr 1e-3, 100 warm-up steps, EMA 0.995 (short runs), batch 256 (PFGM B_L 1024).
 */
export function trainDefaultsFor(name: MethodName, profile: 'paper' | 'toy'): TrainDefaults {
  if (profile === 'toy') {
    return { lr: 1e-3, warmup: 100, gradClip: 1, ema: { kind: 'decay', beta: 0.995 }, batchSize: 256, flip: false, ...(name === 'pfgm' ? { referenceSize: 1024 } : {}) };
  }
  switch (name) {
    case 'pfgm':
      return { lr: 2e-4, warmup: 5000, gradClip: 1, ema: { kind: 'decay', beta: 0.9999 }, batchSize: 128, referenceSize: 4096, flip: true };
    case 'vp':
      return { lr: 2e-4, warmup: 5000, gradClip: 1, ema: { kind: 'decay', beta: 0.9999 }, batchSize: 128, flip: true };
    case 'pfgmpp':
    case 'edm':
      // EDM: lr ramp over 10 Mimg at batch 512, EMA half-life 0.5 Mimg with ramp-up 0.05, no clipping.
      return { lr: 1e-3, warmup: Math.round(10e6 / 512), gradClip: 0, ema: { kind: 'halflife', images: 5e5, rampup: 0.05 }, batchSize: 512, flip: false };
  }
}
