import { describe, expect, it } from 'vitest';
import { OFFICIAL_Z_EXP, pfgmZExp } from './hyperparameters.js';

describe('pfgmZExp: z_exp for data without an official config', () => {
  it('gives each official dataset its own value (CIFAR-10 5, CelebA 64² 1, LSUN 256² 0.1)', () => {
    expect(pfgmZExp(32 * 32 * 3)).toBe(5);
    expect(pfgmZExp(64 * 64 * 3)).toBeCloseTo(1, 12);
    expect(pfgmZExp(256 * 256 * 3)).toBeCloseTo(0.1, 12);
    for (const p of OFFICIAL_Z_EXP) expect(pfgmZExp(p.N)).toBeCloseTo(p.zExp, 12);
  });

  it('never switches the substitution off: Fashion-MNIST (784) and 2-D toys get CIFAR-10`s 5, larger data stay ≥ 0.1', () => {
    expect(pfgmZExp(28 * 28)).toBe(5);
    expect(pfgmZExp(2)).toBe(5);
    expect(pfgmZExp(1024 * 1024 * 3)).toBeCloseTo(0.1, 12);
  });

  it('is log–log linear between the official pairs (geometric midpoint of CIFAR-10 and CelebA gives √5)', () => {
    expect(pfgmZExp(Math.sqrt(3072 * 12288))).toBeCloseTo(Math.sqrt(5), 10);
    const ns = [3072, 5000, 12288, 50000, 196608];
    const zs = ns.map(pfgmZExp);
    for (let i = 1; i < zs.length; i++) expect(zs[i]).toBeLessThan(zs[i - 1]);
  });

  it('rejects a non-positive dimension with a clear message', () => {
    expect(() => pfgmZExp(0)).toThrow(/N ≥ 1/);
  });
});
