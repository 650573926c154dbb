import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeMethod } from '@pfgm/methods';
import { methodConfigFor } from '@pfgm/runs';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { faultyMethod, faultySolver } from './sampler-fault.js';

describe('sampler faults', () => {
  it('half-steps runs ⌈steps/2⌉ fixed steps and leaves rk45 alone; none changes nothing', () => {
    expect(faultySolver({ kind: 'heun', steps: 11 }, { kind: 'half-steps' })).toEqual({ kind: 'heun', steps: 6 });
    expect(faultySolver({ kind: 'euler', steps: 20 }, { kind: 'half-steps' })).toEqual({ kind: 'euler', steps: 10 });
    expect(faultySolver({ kind: 'rk45', rtol: 1e-5, atol: 1e-5 }, { kind: 'half-steps' })).toEqual({ kind: 'rk45', rtol: 1e-5, atol: 1e-5 });
    expect(faultySolver({ kind: 'heun', steps: 11 }, { kind: 'none' })).toEqual({ kind: 'heun', steps: 11 });
  });

  it('velocity-scale multiplies the ODE velocity by its factor (exact-field oracle of 8 points), without leaks', async () => {
    const method = makeMethod(methodConfigFor('edm', { shape: [2], avgNorm: 1, cifar10: false }));
    const data = tf.tensor2d([[1, 0], [0, 1], [-1, 0], [0, -1], [2, 2], [-2, 2], [2, -2], [-2, -2]]);
    const x = tf.tensor2d([[0.5, -3], [4, 1], [-2, 0.1]]);
    const oracle = method.oracle(data);
    try {
      await expectNoLeak(() => {
        const v = method.velocity(oracle.predict, 'heun')(x, 2.5);
        const same = faultyMethod(method, { kind: 'none' }).velocity(oracle.predict, 'heun')(x, 2.5);
        const flipped = faultyMethod(method, { kind: 'velocity-scale', factor: -1 }).velocity(oracle.predict, 'heun')(x, 2.5);
        expectClose(same, v, { rtol: 0, atol: 0 });
        const vs = Array.from(v.dataSync());
        expectClose(flipped, vs.map((a) => -a), { rtol: 1e-6 });
        expect(Math.max(...vs.map(Math.abs))).toBeGreaterThan(0.1); // a non-trivial field
        tf.dispose([v, same, flipped]);
      });
    } finally {
      tf.dispose([data, x]);
      oracle.dispose();
    }
  });
});
