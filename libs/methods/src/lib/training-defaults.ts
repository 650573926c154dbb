import type { Dataset } from './configs.js';

/** The papers' training hyperparameters for one method and dataset (spec §1.5–1.6, §4.7, §6). */
export interface TrainingDefaults {
  /** Batch size fed to the network (PFGM: the small batch B). */
  batchSize: number;
  /** PFGM only: the large reference batch B_L of the target (equals batchSize when there is none). */
  referenceBatchSize?: number;
  /** Adam learning rate. */
  lr: number;
  /** Linear warm-up: optimizer steps (score_sde) or images (EDM `lr_rampup_kimg`·1000). */
  warmup: { unit: 'steps' | 'images'; length: number };
  /** Gradient-norm clip (score_sde 1.0), or null (EDM: none; gradients pass through nan_to_num). */
  gradClip: number | null;
  /** EMA: decay per step (score_sde) or half-life in images with ramp-up ratio (EDM). */
  ema: { kind: 'decay'; decay: number } | { kind: 'half-life'; images: number; rampup: number };
  /** Dropout rate of the network. */
  dropout: number;
  /** Training length: optimizer steps (score_sde) or images (EDM `duration`). */
  duration: { unit: 'steps' | 'images'; length: number };
}

/** PFGM training defaults (`configs/poisson/*.py` + score_sde defaults). */
export function pfgmTrainingDefaults(dataset: Dataset = 'cifar10'): TrainingDefaults {
  const base: TrainingDefaults = {
    batchSize: 128, referenceBatchSize: 4096, lr: 2e-4, warmup: { unit: 'steps', length: 5000 }, gradClip: 1,
    ema: { kind: 'decay', decay: 0.9999 }, dropout: 0.1, duration: { unit: 'steps', length: 1_300_000 },
  };
  if (dataset === 'celeba64') return { ...base, referenceBatchSize: 512 };
  // LSUN bedroom: configs/poisson/bedroom_ddpmpp.py:29-30,85 (B = B_L = 32, lr 2e-5) on default_lsun_configs.py:10,61
  // (2.4M iterations, dropout 0).
  if (dataset === 'lsun-bedroom256') return { ...base, batchSize: 32, referenceBatchSize: 32, lr: 2e-5, dropout: 0, duration: { unit: 'steps', length: 2_400_000 } };
  return base;
}

/** PFGM++ / EDM training defaults (`train.py`, `training_loop.py`; CIFAR-10 = EDM's; FFHQ overrides as in the README). */
export function pfgmppTrainingDefaults(dataset: 'cifar10' | 'ffhq64' = 'cifar10'): TrainingDefaults {
  const base: TrainingDefaults = {
    batchSize: 512, lr: 1e-3, warmup: { unit: 'images', length: 10_000_000 }, gradClip: null,
    ema: { kind: 'half-life', images: 500_000, rampup: 0.05 }, dropout: 0.13, duration: { unit: 'images', length: 200_000_000 },
  };
  return dataset === 'ffhq64' ? { ...base, batchSize: 256, lr: 2e-4, dropout: 0.05 } : base;
}

/** VP (score_sde `configs/vp/cifar10_ddpmpp_continuous.py`) training defaults. */
export function vpTrainingDefaults(): TrainingDefaults {
  return {
    batchSize: 128, lr: 2e-4, warmup: { unit: 'steps', length: 5000 }, gradClip: 1, ema: { kind: 'decay', decay: 0.9999 },
    dropout: 0.1, duration: { unit: 'steps', length: 1_300_000 },
  };
}
