import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import type { Dataset } from './dataset.js';

/** Options for {@link batches}. */
export interface BatchOptions {
  /** Examples per batch B (EDM CIFAR-10: 512; PFGM: 128). */
  batchSize: number;
  /** Seed of the shuffle; the same seed and epoch give the same order. */
  seed: number;
  /** Epoch number e ≥ 0: each epoch is a fresh permutation. */
  epoch: number;
  /** Mirror each image left–right with probability ½ (EDM `xflip`); images only. Default false. */
  flip?: boolean;
  /** Drop the last batch when it is smaller than B. Default false. */
  dropLast?: boolean;
}

/** One batch: the float view of the chosen examples and where they came from. */
export interface Batch {
  /** Float view [B, ...sampleShape]; the caller owns and disposes it. */
  x: tf.Tensor;
  /** Dataset index of each row. */
  indices: Uint32Array;
  /** 1 where the row was mirrored (only with `flip`). */
  flipped?: Uint8Array;
  /** Class label of each row, when the dataset has labels. */
  labels?: Int32Array;
}

/** The seeded permutation of 0..n−1 used in epoch e (Fisher–Yates on the stream (seed, [e, 0])). */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  const rng = new Rng(seed, [epoch, 0]);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Seeded left–right flips for the n positions of epoch e (stream (seed, [e, 1])). */
export function epochFlips(n: number, seed: number, epoch: number): Uint8Array {
  const rng = new Rng(seed, [epoch, 1]);
  return Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
}

/** Shuffled batches covering every example exactly once per epoch (the last may be smaller unless `dropLast`). */
export function* batches(ds: Dataset, opts: BatchOptions): Generator<Batch> {
  const { batchSize: B, seed, epoch, flip = false, dropLast = false } = opts;
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`batchSize must be a positive integer, got ${B}`);
  if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`epoch must be a non-negative integer, got ${epoch}`);
  if (flip && ds.kind !== 'image') throw new Error(`flip applies to images; ${ds.name} holds points`);
  const order = epochOrder(ds.length, seed, epoch);
  const flips = flip ? epochFlips(ds.length, seed, epoch) : undefined;
  for (let first = 0; first < ds.length; first += B) {
    const last = Math.min(first + B, ds.length);
    if (dropLast && last - first < B) return;
    const indices = order.subarray(first, last);
    const flipped = flips?.subarray(first, last);
    const all = ds.labels;
    const labels = all ? Int32Array.from(indices, (k) => all[k]) : undefined;
    yield { x: ds.tensor(indices, flipped), indices, flipped, labels };
  }
}
