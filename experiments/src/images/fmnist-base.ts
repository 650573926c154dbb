import type { ImageSweepConfig } from './image-sweep.js';

/** Fashion-MNIST budgets: `cpu` ≈ an hour here (not run to completion in CI), `ci` a 1–2 minute smoke run, `paper` GPU scale. */
export const FMNIST_BASE: Record<'paper' | 'cpu' | 'ci', ImageSweepConfig> = {
  paper: { data: { kind: 'fmnist', limit: 60_000, size: 32 }, metric: 'fd-fmnist', netOverrides: {}, steps: 200_000, batchSize: 128, samples: 10_000, refImages: 10_000, evalBatch: 250, rk45MaxSteps: 20_000, gridImages: 64, seed: 0 },
  cpu: { data: { kind: 'fmnist', limit: 60_000, size: 32 }, metric: 'fd-fmnist', netOverrides: { channels: 16, dropout: 0 }, steps: 1500, batchSize: 32, lr: 1e-3, warmup: 100, emaBeta: 0.999, referenceSize: 2048, samples: 1000, refImages: 5000, evalBatch: 100, rk45MaxSteps: 2000, gridImages: 64, seed: 0 },
  ci: { data: { kind: 'fmnist', limit: 256, size: 32 }, metric: 'fd-fmnist', netOverrides: { channels: 8, numBlocks: 1, dropout: 0 }, steps: 8, batchSize: 16, lr: 1e-3, warmup: 2, emaBeta: 0.9, referenceSize: 128, samples: 160, refImages: 256, evalBatch: 80, rk45MaxSteps: 40, gridImages: 16, seed: 0 },
};
