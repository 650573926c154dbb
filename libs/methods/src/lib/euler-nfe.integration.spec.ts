import * as tf from '@tensorflow/tfjs-core';
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';
import { Rng } from '@pfgm/tensor';
import { describe, expect, it } from 'vitest';
import { makeMethod } from './make-method.js';
import { sample } from './sample.js';
import { landing, THEOREM1_METHODS } from './theorem1.js';
import { TOY_2D, TOY_3D, toyTensor } from './toy-data.js';
import type { MethodConfig } from './types.js';

// Theorem 1 with Euler: the smallest NFE (from a fixed ladder) at which every oracle sample lands within 1e-2 of a
// training point with χ²-matching frequencies, as with RK45. PFGM's Euler is the official one: Euler in z on a
// log-spaced z grid (spec §2.4); PFGM++/EDM and VP use their own grids (EDM ρ-grid, VP linspace(1, ε)).

const LADDER = [10, 20, 35, 50, 100, 200, 400, 800];

/**
 * PFGM: Euler in z (the official fixed-step variable, also the default). VP: the official fixed-step sampler has no
 * noise-removal step (`get_ode_sampler`), so at ε = 1e-3 it stops at the noise level std(ε) ≈ √(β_min·ε) ≈ 0.01, the
 * landing radius itself (it fails the criterion up to NFE 800, also with ε = 1e-5); Theorem 1 is about the ODE's end
 * point, so VP adds score_sde's noise-removal step here as after RK45 (`denoiseFixedStep`).
 */
function eulerConfig(c: MethodConfig): MethodConfig {
  switch (c.kind) {
    case 'pfgm':
      return { ...c, time: 'z' };
    case 'vp':
      return { ...c, denoiseFixedStep: true };
    case 'pfgmpp':
      return c;
  }
}

describe.each([
  ['2-D', TOY_2D],
  ['3-D', TOY_3D],
])('Theorem 1 with the oracle on %s data, Euler', (name, data) => {
  it.each(THEOREM1_METHODS)('%s: the first NFE on the ladder where every criterion holds', async (label, config) => {
    const method = makeMethod(eulerConfig(config));
    const ref = toyTensor(data);
    const oracle = method.oracle(ref);
    const N = data.points[0].length;
    const n = 200;
    let found: number | null = null;
    for (const steps of LADDER) {
      const res = await sample(method, oracle.predict, { kind: 'euler', steps }, n, [N], new Rng(2023));
      const l = landing(res.x, data);
      res.x.dispose();
      const pValue = 1 - chisquareCdf(l.chi2, data.points.length - 1);
      if (l.within1e2 === n && l.maxDistance < 1e-2 && pValue > 1e-3) {
        found = res.nfe;
        console.log(`EULER ${name} ${label}: first holds at NFE ${res.nfe} (max distance ${l.maxDistance.toExponential(2)}, χ² p ${pValue.toFixed(3)})`);
        break;
      }
    }
    if (found === null) console.log(`EULER ${name} ${label}: does not hold up to NFE ${LADDER.at(-1)}`);
    expect(found).not.toBeNull();
    tf.dispose(ref);
    oracle.dispose();
  });
});
