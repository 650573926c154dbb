import type { ImageSweepConfig } from './image-sweep.js';

/**
 * CIFAR-10 budgets; FID against the training set as the papers (`refSplit: 'test'` is the option). `paper`: the papers' scale (GPU). `cpu`: real CIFAR-10 and pytorch-fid Inception weights (a clear
 * error names how to provide them), small U-Nets, ~an hour of training per table here: 4500 steps per model since the
 * OpenBLAS kernels (issue 13) made the 32×32 training step 3.1× faster than plain wasm (idle bench 2026-12-06; 1500 steps
 * with plain wasm, 3000 with the first native kernels at 2×). `ci`: the generated CIFAR-format
 * stand-in and synthetic Inception weights — a plumbing check, labelled so in every output.
 */
export const CIFAR_BASE: Record<'paper' | 'cpu' | 'ci', ImageSweepConfig> = {
  paper: { data: { kind: 'cifar10', limit: 50_000 }, metric: 'fid', netOverrides: {}, samples: 50_000, refImages: 50_000, refSplit: 'train', evalBatch: 250, rk45MaxSteps: 20_000, gridImages: 64, bpd: { images: 10_000, batch: 250, probes: 1, passes: 5, maxSteps: 20_000 }, seed: 0 },
  cpu: { data: { kind: 'cifar10', limit: 50_000 }, metric: 'fid', netOverrides: { channels: 16, dropout: 0 }, steps: 4500, batchSize: 32, lr: 1e-3, warmup: 100, emaBeta: 0.999, referenceSize: 2048, samples: 2500, refImages: 10_000, refSplit: 'train', evalBatch: 100, rk45MaxSteps: 2000, gridImages: 64, bpd: { images: 100, batch: 50, probes: 1, tol: 1e-4, maxSteps: 500 }, seed: 0 },
  ci: { data: { kind: 'standin-cifar10', limit: 320 }, metric: 'fid-synthetic-weights', netOverrides: { channels: 8, numBlocks: 1, dropout: 0 }, steps: 4, batchSize: 16, lr: 1e-3, warmup: 2, emaBeta: 0.9, referenceSize: 64, samples: 16, refImages: 16, refSplit: 'train', evalBatch: 16, rk45MaxSteps: 30, gridImages: 16, bpd: { images: 4, batch: 4, probes: 1, tol: 1e-3, maxSteps: 12 }, seed: 0 },
};
