import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { edmConfig, makeMethod, pfgmppConfig, sample } from '@pfgm/methods';
import { Rng } from '@pfgm/tensor';
import { noisyHeunSample } from './noisy-heun.js';

describe('noisyHeunSample', () => {
  // Exact-field oracle on a small 2-D reference set: no network needed.
  const data = tf.tensor2d([[1, 0], [0, 1], [-1, -1], [0.5, 0.5]]);

  it.each([[128], [Infinity]])('with α = 0 equals the library Heun sampler (D = %s)', async (D) => {
    const m = makeMethod(D === Infinity ? edmConfig() : pfgmppConfig(D));
    const o = m.oracle(data);
    const solver = { kind: 'heun', steps: 6 } as const;
    const a = await noisyHeunSample(m, o.predict, solver, 16, [2], new Rng(3), 0);
    const b = await sample(m, o.predict, solver, 16, [2], new Rng(3));
    expect(a.nfe).toBe(11);
    expect(b.nfe).toBe(11);
    const [x, y] = [a.x.dataSync(), b.x.dataSync()];
    for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(y[i], 4);
    tf.dispose([a.x, b.x]);
    o.dispose();
  });

  it('with α > 0 perturbs the path (same prior) and refuses non-Heun solvers', async () => {
    const m = makeMethod(pfgmppConfig(128));
    const o = m.oracle(data);
    const solver = { kind: 'heun', steps: 6 } as const;
    const a = await noisyHeunSample(m, o.predict, solver, 16, [2], new Rng(3), 0.2);
    const b = await noisyHeunSample(m, o.predict, solver, 16, [2], new Rng(3), 0);
    expect(Array.from(a.x.dataSync())).not.toEqual(Array.from(b.x.dataSync()));
    await expect(noisyHeunSample(m, o.predict, { kind: 'euler', steps: 4 }, 4, [2], new Rng(0), 0.1)).rejects.toThrow(/Heun/);
    tf.dispose([a.x, b.x]);
    o.dispose();
  });
});
