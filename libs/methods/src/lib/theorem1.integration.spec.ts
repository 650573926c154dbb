import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { Rng } from '@pfgm/tensor';
import { describe, expect, it } from 'vitest';
import { pfgmConfig } from './configs.js';
import { makeMethod } from './make-method.js';
import { sample } from './sample.js';
import { landing, THEOREM1_METHODS } from './theorem1.js';
import { TOY_2D, TOY_3D, toyTensor, type ToyData } from './toy-data.js';
import type { MethodConfig } from './types.js';

/** RK45 samples of the oracle flow (200, seed 2023) and where they land. */
async function rk45Landing(config: MethodConfig, data: ToyData) {
  const method = makeMethod(config);
  const ref = toyTensor(data);
  const oracle = method.oracle(ref);
  const tol = config.kind === 'pfgm' ? 1e-6 : 1e-4;
  try {
    const res = await sample(method, oracle.predict, { kind: 'rk45', rtol: tol, atol: tol }, 200, [data.points[0].length], new Rng(2023));
    const l = landing(res.x, data);
    res.x.dispose();
    return { ...l, nfe: res.nfe, n: 200, pValue: 1 - chisquareCdf(l.chi2, data.points.length - 1) };
  } finally {
    ref.dispose();
    oracle.dispose();
  }
}

describe.each([
  ['2-D', TOY_2D],
  ['3-D', TOY_3D],
])('Theorem 1 with the oracle on %s data, RK45', (name, data) => {
  it.each(THEOREM1_METHODS)('%s: every sample lands within 1e-2 of a point, frequencies match the weights', async (label, config) => {
    const l = await rk45Landing(config, data);
    console.log(`${name} ${label}: RK45 NFE ${l.nfe}, max distance ${l.maxDistance.toExponential(2)}, within 1e-2: ${l.within1e2}/${l.n}, counts ${l.counts}, χ² p = ${l.pValue.toFixed(3)}`);
    expect(l.within1e2).toBe(l.n);
    expect(l.maxDistance).toBeLessThan(1e-2);
    expect(l.pValue).toBeGreaterThan(1e-3);
  });
});

describe('why PFGM needs z_min → 0 (theorem1.ts)', () => {
  it('2-D: the worst sample finishes in-plane, its distance ∝ z_min (exact drift: ×10 from z_min = 1e-6 to 1e-5)', async () => {
    const exact = { kind: 'signed', eps: 0 } as const;
    const fine = await rk45Landing(pfgmConfig('cifar10', { zMin: 1e-6, vzShift: exact }), TOY_2D);
    const coarse = await rk45Landing(pfgmConfig('cifar10', { zMin: 1e-5, vzShift: exact }), TOY_2D);
    const ratio = coarse.maxDistance / fine.maxDistance;
    console.log(`PFGM 2-D worst distance: z_min 1e-5 ${coarse.maxDistance.toExponential(2)}, 1e-6 ${fine.maxDistance.toExponential(2)}, ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeGreaterThan(7);
    expect(ratio).toBeLessThan(14);
  });
});
