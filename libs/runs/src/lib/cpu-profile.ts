import type { MethodName, TrainDefaults } from './defaults.js';

/** Which training defaults apply to image data: the papers' (GPU budgets), or CPU-sized ones. */
export type TrainProfile = 'paper' | 'cpu';
export const TRAIN_PROFILES: readonly TrainProfile[] = ['paper', 'cpu'];

/**
 * CPU profile for image data: steps that take seconds, not minutes, on a 2-core machine (batch 32, PFGM B_L 256),
 * a warm-up of 100 steps instead of 5k–20k, EMA 0.999 (a half-life of ~700 steps), the papers' lr, clipping and flips.
 * With `--net ddpmpp-small` on 28×28 Fashion-MNIST the first step comes within seconds.
 */
export function cpuTrainDefaults(name: MethodName): TrainDefaults & { flip: boolean } {
  const ema = { kind: 'decay', beta: 0.999, warmup: true } as const;
  switch (name) {
    case 'pfgm':
      return { lr: 2e-4, warmup: 100, gradClip: 1, ema, batchSize: 32, referenceSize: 256, flip: true };
    case 'vp':
      return { lr: 2e-4, warmup: 100, gradClip: 1, ema, batchSize: 32, flip: true };
    case 'pfgmpp':
    case 'edm':
      return { lr: 1e-3, warmup: 100, gradClip: 0, ema, batchSize: 32, flip: false };
  }
}
