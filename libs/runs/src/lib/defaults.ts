import { pfgmRecipe, pfgmZExp } from '@pfgm/field';
import { edmConfig, pfgmConfig, pfgmppConfig, pfgmppTrainingDefaults, pfgmTrainingDefaults, vpConfig, vpTrainingDefaults, type MethodConfig, type TrainingDefaults } from '@pfgm/methods';
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
  /** Paper profile: the training length in optimizer steps at `batchSize` (score_sde `n_iters`; EDM `--duration` 200 Mimg / 512). */
  steps?: number;
  /** Paper profile: the network's dropout (score_sde DDPM++ 0.1; EDM/PFGM++ CIFAR-10 `--dropout 0.13`). */
  dropout?: number;
}

/** Batch, lr, warm-up (in steps at that batch), length and dropout of the methods library's paper table (one source of truth). */
function fromPaper(t: TrainingDefaults): Pick<TrainDefaults, 'lr' | 'warmup' | 'batchSize' | 'steps' | 'dropout'> {
  const inSteps = (x: { unit: 'steps' | 'images'; length: number }) => (x.unit === 'steps' ? x.length : Math.round(x.length / t.batchSize));
  return { lr: t.lr, warmup: inSteps(t.warmup), batchSize: t.batchSize, steps: inSteps(t.duration), dropout: t.dropout };
}

/**
 * Paper defaults (spec §1.5, §4.7, §6) for image data; a toy profile (short runs on 2-D points) otherwise:
 * lr 1e-3, 100 warm-up steps, EMA 0.995 (short runs), batch 256 (PFGM B_L 1024).
 */
export function trainDefaultsFor(name: MethodName, profile: 'paper' | 'toy'): TrainDefaults {
  if (profile === 'toy') {
    return { lr: 1e-3, warmup: 100, gradClip: 1, ema: { kind: 'decay', beta: 0.995, warmup: true }, batchSize: 256, flip: false, ...(name === 'pfgm' ? { referenceSize: 1024 } : {}) };
  }
  switch (name) {
    case 'pfgm':
      return { ...fromPaper(pfgmTrainingDefaults('cifar10')), gradClip: 1, ema: { kind: 'decay', beta: 0.9999, warmup: true }, referenceSize: 4096, flip: true };
    case 'vp':
      return { ...fromPaper(vpTrainingDefaults()), gradClip: 1, ema: { kind: 'decay', beta: 0.9999, warmup: true }, flip: true };
    case 'pfgmpp':
    case 'edm':
      // EDM: batch 512 for 200 Mimg, lr ramp over 10 Mimg at that batch, EMA half-life 0.5 Mimg with ramp-up 0.05, no clipping, dropout 0.13.
      return { ...fromPaper(pfgmppTrainingDefaults('cifar10')), gradClip: 0, ema: { kind: 'halflife', images: 5e5, rampup: 0.05 }, flip: false };
  }
}
