import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { pfgmConfig } from './configs.js';
import { makeMethod } from './make-method.js';
import { pfgmDxDz } from './pfgm.js';
import { TOY_2D, toyTensor } from './toy-data.js';
import type { VzShift } from './types.js';

// The δ of dx/dz = v_x/(v_z + δ) (types.ts VzShift). Near the charge y = (0.1, 0.7) of TOY_2D at z = 1e-5, the exact
// field line moves toward y as z decreases, with dx/dz = E_x/E_z = (x − y)/z (the charge dominates: Σc = 1).
describe('PFGM drift denominator (vzShift)', () => {
  const y = [0.1, 0.7];
  const x = [0.105, 0.705];
  const z = 1e-5;

  function drift(vzShift?: VzShift): number[] {
    const c = pfgmConfig('cifar10', vzShift === undefined ? {} : { vzShift });
    const ref = toyTensor(TOY_2D);
    const oracle = makeMethod(c).oracle(ref);
    const xt = tf.tensor2d([x]);
    const d = tf.tidy(() => Array.from(pfgmDxDz(c, oracle.predict, xt, z, c.zExp).dataSync()));
    const vz = tf.tidy(() => oracle.predict(xt, z).dataSync()[2]);
    expect(Math.abs(vz)).toBeLessThan(1e-5); // the regime of the official pole: |v_z| = √2·z/(‖E‖ + γ) ≈ 2.8e-6
    tf.dispose([ref, xt]);
    oracle.dispose();
    return d;
  }

  it("'signed' with eps 0 is the exact field-line ODE: dx/dz = (x − y)/z", () => {
    const d = drift({ kind: 'signed', eps: 0 });
    d.forEach((v, j) => expect(Math.abs(v / ((x[j] - y[j]) / z) - 1)).toBeLessThan(1e-3)); // 500 (float32 x − y)
  });

  it("'official' (v_z + 1e-5, the default) has crossed its pole: the flow runs away from the data", () => {
    for (const d of [drift(), drift({ kind: 'official' })]) {
      // Moving toward smaller z displaces x by −dx/dz·|dz|; toward y needs (−dx/dz)·(y − x) > 0.
      d.forEach((v, j) => expect(-v * (y[j] - x[j])).toBeLessThan(0));
    }
  });

  it("'signed' with eps keeps the direction but caps the speed at |v_x|/eps", () => {
    const exact = drift({ kind: 'signed', eps: 0 });
    const capped = drift({ kind: 'signed', eps: 1e-5 });
    capped.forEach((v, j) => {
      expect(Math.sign(v)).toBe(Math.sign(exact[j]));
      expect(Math.abs(v)).toBeLessThan(Math.abs(exact[j]) / 3);
    });
  });

  it('rejects a malformed vzShift with a clear error', () => {
    expect(() => makeMethod(pfgmConfig('cifar10', { vzShift: { kind: 'signed', eps: -1 } }))).toThrow(/vzShift must be/);
    expect(() => makeMethod(pfgmConfig('cifar10', { vzShift: { kind: 'bogus' } as never }))).toThrow(/vzShift must be/);
  });
});
