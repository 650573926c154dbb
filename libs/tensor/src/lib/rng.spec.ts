import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng core', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(new Rng(1).uniformArray(5)).toEqual(new Rng(1).uniformArray(5));
    expect(new Rng(1).uniformArray(5)).not.toEqual(new Rng(2).uniformArray(5));
  });

  it('gives sample k the same stream whatever the batch', () => {
    const rng = new Rng(7);
    const big = rng.normalPerSample([8, 3], 0).arraySync() as number[][];
    const small = rng.normalPerSample([2, 3], 5).arraySync() as number[][];
    expect(small).toEqual(big.slice(5, 7));
  });

  it('restores its state exactly', () => {
    const a = new Rng(3);
    a.nextNormal();
    const st = a.state();
    const x = a.normalArray(4);
    const b = new Rng(99);
    b.setState(st);
    expect(b.normalArray(4)).toEqual(x);
  });

  it('has uniform mean 1/2 and normal variance 1 (n = 1e5)', () => {
    const rng = new Rng(11);
    const u = rng.uniformArray(100_000);
    const z = rng.normalArray(100_000);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 1e5));
    expect(Math.abs(mean(z.map((v) => v * v)) - 1)).toBeLessThan(4 * Math.sqrt(2 / 1e5));
  });
});
