import { describe, expect, it } from 'vitest';
import { buildNetwork, preset } from '@pfgm/networks';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { corruptWeights } from './checkpoint-fault.js';

describe('corruptWeights', () => {
  it('weight-noise adds relative·rms(W)·N(0, 1) to every weight; none leaves them as they are; no leaks', async () => {
    const net = buildNetwork(preset('mlp', { hidden: [32, 32] } as never), { inShape: [2], outShape: [2] }, new Rng(3));
    try {
      const before = net.weights.map((w) => Float64Array.from(w.dataSync()));
      await expectNoLeak(() => corruptWeights(net, { kind: 'none' }));
      net.weights.forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i], Math.fround)));
      await expectNoLeak(() => corruptWeights(net, { kind: 'weight-noise', relative: 0.1, seed: 1 }));
      for (const [i, w] of net.weights.entries()) {
        const after = Array.from(w.dataSync());
        const rms = Math.sqrt(before[i].reduce((a, v) => a + v * v, 0) / before[i].length);
        if (rms === 0 || after.length < 500) continue; // biases start at 0 and small tensors give a noisy ratio
        const change = Math.sqrt(after.reduce((a, v, j) => a + (v - before[i][j]) ** 2, 0) / after.length);
        expect(change / rms).toBeGreaterThan(0.09);
        expect(change / rms).toBeLessThan(0.11);
      }
    } finally {
      net.dispose();
    }
  });
});
