import { epochFlips, epochOrder, type Dataset } from '@pfgm/data';
import type { BatchSource } from './types.js';

/** How a dataset is cut into training batches. */
export interface DatasetSourceOptions {
  /** Clean examples per step B. PFGM CIFAR-10 128 (`small_batch_size`); EDM 512; VP 128. */
  batchSize: number;
  /** PFGM large batch B_L ≥ B (its first B rows are the step's batch, spec §1.3). CIFAR-10 4096; default: none. */
  referenceSize?: number;
  /** Shuffle seed (the data order of epoch e is a function of (seed, e) only). */
  seed: number;
  /** Random horizontal flip (images). PFGM/VP: true. */
  flip?: boolean;
}

/**
 * Deterministic batches by step: step s uses window s mod W of epoch ⌊s/W⌋'s permutation (W windows of size
 * max(B, B_L) per epoch; the last partial window is dropped). The same step always gives the same batch, so resume is exact.
 */
export function datasetSource(ds: Dataset, opts: DatasetSourceOptions): BatchSource {
  const { batchSize: B, referenceSize, seed, flip = false } = opts;
  const L = Math.max(B, referenceSize ?? 0);
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`batchSize must be a positive integer, got ${B}`);
  if (L > ds.length) throw new RangeError(`${ds.name} has ${ds.length} examples, fewer than one batch of ${L}; lower the batch size or use more data`);
  const W = Math.floor(ds.length / L);
  let cached: { epoch: number; order: Uint32Array; flips?: Uint8Array } | undefined;
  const window = (step: number, size: number) => {
    const epoch = Math.floor(step / W);
    if (cached?.epoch !== epoch) cached = { epoch, order: epochOrder(ds.length, seed, epoch), flips: flip ? epochFlips(ds.length, seed, epoch) : undefined };
    const first = (step % W) * L;
    const idx = cached.order.subarray(first, first + size);
    const fl = cached.flips?.subarray(first, first + size);
    return ds.tensor(idx, fl);
  };
  return {
    batch: (step) => window(step, B),
    ...(referenceSize ? { reference: (step: number) => window(step, L) } : {}),
  };
}
