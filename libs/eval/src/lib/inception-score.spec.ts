import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClose } from '@pfgm/tensor/testing';
import { inceptionScore, numpyPermutation } from './inception-score.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/fid-cases.json', import.meta.url), 'utf8')) as {
  permutation2020: { n: number; perm: number[] };
};

/**
 * Logits log p of a "noisy one-hot" categorical set: each row puts mass a on its class and b = (1−a)/(C−1) on the
 * others; a split whose rows cover K classes equally has q = (a+(K−1)b)/K on them, b elsewhere, so
 * IS = exp(a·log(a/q) + (K−1)·b·log(b/q)).
 */
function noisyOneHot(C: number, a: number, classesPerRow: number[]): Float64Array {
  const b = (1 - a) / (C - 1);
  const z = new Float64Array(classesPerRow.length * C).fill(Math.log(b));
  classesPerRow.forEach((c, r) => (z[r * C + c] = Math.log(a)));
  return z;
}
function closedForm(C: number, a: number, K: number): number {
  const b = (1 - a) / (C - 1);
  const q = (a + (K - 1) * b) / K;
  return Math.exp(a * Math.log(a / q) + (K - 1) * b * Math.log(b / q));
}

describe('inceptionScore', () => {
  it('equals the closed form of a known categorical set, mean and population std over splits', () => {
    const C = 1008;
    const a = 0.9;
    // split 0: 12 rows over 4 classes; split 1: 12 rows over 12 classes
    const rows = [...Array.from({ length: 12 }, (_, r) => r % 4), ...Array.from({ length: 12 }, (_, r) => 100 + r)];
    const is = inceptionScore(noisyOneHot(C, a, rows), C, { splits: 2 });
    const s0 = closedForm(C, a, 4);
    const s1 = closedForm(C, a, 12);
    expectClose(is.mean, (s0 + s1) / 2, { rtol: 1e-12 });
    expectClose(is.std, Math.abs(s1 - s0) / 2, { rtol: 1e-9 });
  });

  it('is K for K equally used exact one-hot classes, and 1 for identical predictions', () => {
    const C = 10;
    const z = new Float64Array(20 * C).fill(-1e4);
    for (let r = 0; r < 20; r++) z[r * C + (r % 5)] = 0; // softmax ≈ exact one-hot
    expectClose(inceptionScore(z, C, { splits: 1 }).mean, 5, { rtol: 1e-12 });
    const same = Float64Array.from({ length: 30 * C }, (_, k) => Math.sin(k % C));
    const is = inceptionScore(same, C, { splits: 3 });
    expectClose(is.mean, 1, { rtol: 1e-12 });
    expect(is.std).toBeLessThan(1e-12);
  });

  it('shuffles with numpy RandomState(2020).permutation (torch-fidelity order)', () => {
    const { n, perm } = fixture.permutation2020;
    expect(Array.from(numpyPermutation(n, 2020))).toEqual(perm);
    // class-sorted data: contiguous splits see 1 class each (IS = 1); shuffled splits see many
    const C = 10;
    const z = new Float64Array(n * C).fill(-1e4);
    for (let r = 0; r < n; r++) z[r * C + Math.floor((r * C) / n)] = 0;
    expectClose(inceptionScore(z, C).mean, 1, { rtol: 1e-9 });
    expect(inceptionScore(z, C, { shuffleSeed: 2020 }).mean).toBeGreaterThan(9);
  });

  it('rejects ragged logits and bad split counts', () => {
    expect(() => inceptionScore(new Float32Array(10), 3)).toThrow(/not a multiple of 3 classes/);
    expect(() => inceptionScore(new Float32Array(12), 3, { splits: 5 })).toThrow(/splits must be/);
  });
});
