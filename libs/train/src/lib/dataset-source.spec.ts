import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '@pfgm/data';
import { datasetSource } from './dataset-source.js';

describe('datasetSource', () => {
  it('gives each step a fixed batch, covers every example once per epoch, and nests the batch in its reference', async () => {
    const ds = await loadDataset('toy:moons', { limit: 64 });
    const src = datasetSource(ds, { batchSize: 4, referenceSize: 16, seed: 3 });
    const rows = (t: tf.Tensor) => (t.arraySync() as number[][]).map((r) => r.join());
    const seen = new Set<string>();
    for (let s = 0; s < 4; s++) {
      const ref = src.reference!(s);
      const b = src.batch(s);
      expect(rows(b)).toEqual(rows(ref).slice(0, 4));
      rows(ref).forEach((r) => seen.add(r));
      tf.dispose([ref, b]);
    }
    expect(seen.size).toBe(64);
    const [a, b] = [src.batch(5), src.batch(5)];
    expect(rows(a)).toEqual(rows(b));
    tf.dispose([a, b]);
  });

  it('refuses a dataset smaller than one batch', async () => {
    const ds = await loadDataset('toy:moons', { limit: 8 });
    expect(() => datasetSource(ds, { batchSize: 16, seed: 0 })).toThrow(/fewer than one batch of 16/);
  });
});
