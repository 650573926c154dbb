import * as tf from '@tensorflow/tfjs-core';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { Rng } from '@pfgm/tensor';
import { describe, expect, it } from 'vitest';
import { makeMethod } from './make-method.js';
import { sample } from './sample.js';
import { landing, PFGM_LANDED_FRACTION, THEOREM1_METHODS } from './theorem1.js';
import { TOY_2D, TOY_3D, toyTensor } from './toy-data.js';

describe.each([
  ['2-D', TOY_2D],
  ['3-D', TOY_3D],
])('Theorem 1 with the oracle on %s data, RK45', (_name, data) => {
  it.each(THEOREM1_METHODS)('%s: every sample lands within 1e-2 of a point, frequencies match the weights', async (_m, config) => {
    const method = makeMethod(config);
    const ref = toyTensor(data);
    const oracle = method.oracle(ref);
    const N = data.points[0].length;
    const n = 200;
    const tol = config.kind === 'pfgm' ? 1e-6 : 1e-4;
    const res = await sample(method, oracle.predict, { kind: 'rk45', rtol: tol, atol: tol }, n, [N], new Rng(2023));
    const l = landing(res.x, data);
    const pValue = 1 - chisquareCdf(l.chi2, data.points.length - 1);
    console.log(`${_name} ${_m}: RK45 NFE ${res.nfe}, max distance ${l.maxDistance.toExponential(2)}, within 1e-2: ${l.within1e2}/${n}, counts ${l.counts}, χ² p = ${pValue.toFixed(3)}`);
    if (config.kind === 'pfgm') {
      expect(l.within1e2 / n).toBeGreaterThanOrEqual(PFGM_LANDED_FRACTION);
      expect(l.maxDistance).toBeLessThan(0.2);
    } else {
      expect(l.maxDistance).toBeLessThan(1e-2);
    }
    expect(pValue).toBeGreaterThan(1e-3);
    tf.dispose([res.x, ref]);
    oracle.dispose();
  });
});
