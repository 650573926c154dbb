// Bits/dim of image tables: the official per-method likelihood tolerance when a preset sets none, and the official
// evaluation's repeated passes (fresh dequantization and probes each pass).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageDataset } from '@pfgm/data';
import { makeMethod, vpConfig } from '@pfgm/methods';
import { initBackend, Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { bpdTol, imageBitsPerDim, type BpdConfig } from './image-bpd.js';

let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await initBackend('cpu', { log: () => undefined });
});
afterAll(async () => {
  await tf.setBackend(previous);
});

describe('bits/dim of an image set', () => {
  const ds = new ImageDataset('tiny', Uint8Array.from(new Rng(3).uniformArray(3 * 16), (u) => Math.floor(u * 256)), 4, 4, 1);
  const vp = makeMethod(vpConfig());
  // ε̂ = 0: the VP flow is linear (dx/dt = −½β(t)·x), so the Hutchinson divergence is exact and only the
  // dequantization noise differs between passes.
  const zero = (x: tf.Tensor) => tf.zerosLike(x);
  const cfg: BpdConfig = { images: 3, batch: 2, probes: 1, tol: 1e-5, maxSteps: 500 };

  it('one pass is the default; more passes average fresh dequantization draws, costing NFE per pass', async () => {
    const one = await expectNoLeak(() => imageBitsPerDim(vp, zero, ds, cfg, 7));
    expect(await imageBitsPerDim(vp, zero, ds, { ...cfg, passes: 1 }, 7)).toEqual(one);
    const three = await expectNoLeak(() => imageBitsPerDim(vp, zero, ds, { ...cfg, passes: 3 }, 7));
    expect(Number.isFinite(one.bpd)).toBe(true);
    expect(three.bpd).not.toBe(one.bpd);
    expect(Math.abs(three.bpd - one.bpd)).toBeLessThan(0.05); // a dequantization draw moves 4×4 images by ≪ 1 bit/dim
    expect(three.nfe).toBeGreaterThan(2 * one.nfe);
    await expect(imageBitsPerDim(vp, zero, ds, { ...cfg, passes: 0 }, 7)).rejects.toThrow(/^bpd\.passes 0: expected a positive integer/);
  });

  it('a preset without tol takes the method\'s official likelihood tolerance', () => {
    const { tol: _, ...official } = cfg;
    expect([bpdTol(official, 'pfgm'), bpdTol(official, 'vp'), bpdTol(official, 'pfgmpp')]).toEqual([1e-4, 1e-5, 1e-5]);
    expect(bpdTol({ ...cfg, tol: 1e-3 }, 'pfgm')).toBe(1e-3);
  });
});
