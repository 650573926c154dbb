import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak } from '../testing.js';
import { sampleBeta, sampleBetaPrime } from './distributions/beta.js';
import { sampleGamma } from './distributions/gamma.js';
import { sampleDirections } from './distributions/sphere.js';
import { Rng } from './rng.js';

const N = 3072;

describe('Rng sampler methods', () => {
  it('delegate to the pure samplers on the same stream', () => {
    const r1 = new Rng(5);
    expect(new Rng(5).gammaArray(2.5, 10)).toEqual(Float64Array.from({ length: 10 }, () => sampleGamma(r1, 2.5)));
    const r = new Rng(6);
    const { x, oneMinusX } = new Rng(6).betaArray(N / 2, 64, 5);
    for (let i = 0; i < 5; i++) expect(sampleBeta(r, N / 2, 64)).toEqual({ x: x[i], oneMinusX: oneMinusX[i] });
    const r2 = new Rng(7);
    expect(new Rng(7).betaPrimeArray(N / 2, 0.5, 5)).toEqual(Float64Array.from({ length: 5 }, () => sampleBetaPrime(r2, N / 2, 0.5)));
    expect(new Rng(8).directionArray(3, 7)).toEqual(sampleDirections(new Rng(8), 3, 7));
    expect(new Rng(8).nextDirection(7)).toEqual(sampleDirections(new Rng(8), 1, 7));
  });

  it('resume exactly from a saved state, mid-stream', () => {
    const a = new Rng(9);
    a.nextBeta(N / 2, 0.5);
    const st = a.state();
    const expected = [a.nextGamma(0.3), a.nextBetaPrime(N / 2, 1024), ...a.directionArray(2, 5)];
    const b = new Rng(123);
    b.setState(st);
    expect([b.nextGamma(0.3), b.nextBetaPrime(N / 2, 1024), ...b.directionArray(2, 5)]).toEqual(expected);
  });
});

describe('per-sample variants (EDM StackedRandomGenerator semantics)', () => {
  it('give sample k the same BetaPrime / Beta draw whatever the batch', () => {
    const rng = new Rng(10);
    const big = rng.betaPrimePerSample(N / 2, 64, 8);
    expect(rng.betaPrimePerSample(N / 2, 64, 3, 4)).toEqual(big.slice(4, 7));
    expect(big[5]).toBe(rng.forSample(5).nextBetaPrime(N / 2, 64));
    const bigB = rng.betaPerSample(N / 2, 0.5, 6);
    const smallB = rng.betaPerSample(N / 2, 0.5, 2, 3);
    expect(smallB.x).toEqual(bigB.x.slice(3, 5));
    expect(smallB.oneMinusX).toEqual(bigB.oneMinusX.slice(3, 5));
    expect(rng.perSample(4, 2, (r) => r.nextGamma(3))).toEqual(Float64Array.from([2, 3, 4, 5], (k) => rng.forSample(k).nextGamma(3)));
  });

  it('give sample k the same direction whatever the batch, without leaks', async () => {
    const rng = new Rng(11);
    await expectNoLeak(() => {
      const big = rng.directionsPerSample([6, 2, 3]);
      const small = rng.directionsPerSample([2, 2, 3], 3);
      const slice = tf.slice(big, [3, 0, 0], [2, 2, 3]);
      expect(small.dataSync()).toEqual(slice.dataSync());
      expect(Array.from(small.dataSync().slice(0, 6))).toEqual(Array.from(Float32Array.from(rng.forSample(3).nextDirection(6))));
      tf.dispose([big, small, slice]);
    });
  });

  it('separate parents give independent per-sample streams for radius and direction', () => {
    const rng = new Rng(12);
    const g1 = rng.child(0).perSample(3, 0, (r) => r.nextNormal());
    const g2 = rng.child(1).perSample(3, 0, (r) => r.nextNormal());
    const same = rng.perSample(3, 0, (r) => r.nextNormal());
    expect(g1).not.toEqual(g2);
    expect(same).toEqual(rng.perSample(3, 0, (r) => r.nextNormal())); // the pitfall the TSDoc warns about
  });
});
