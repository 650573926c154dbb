import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNetwork } from './build-network.js';
import { preset, UNET_PRESETS, type UNetPresetName } from './presets.js';
import type { Network, NetworkIo } from './types.js';
import { pfgmHead } from './pfgm-head.js';

const smallPresets = Object.keys(UNET_PRESETS).filter((k) => k.endsWith('-small')) as UNetPresetName[];
// 8×8 keeps the cpu backend fast; attention at 4 so both levels (8, 4) carry their attention blocks
const io8: NetworkIo = { inShape: [8, 8, 3], outShape: [8, 8, 3] };
const io8Pfgm: NetworkIo = { inShape: [8, 8, 3], outShape: [8 * 8 * 3 + 1] };

const built: Network[] = [];
function build(name: UNetPresetName, io: NetworkIo, seed = 0): Network {
  const net = buildNetwork(preset(name, { attnResolutions: [4] }), io, new Rng(seed));
  built.push(net);
  return net;
}
afterAll(() => built.forEach((n) => n.dispose()));

describe.each(smallPresets)('U-Net preset %s', (name) => {
  it('maps [B, 8, 8, 3] to [B, 8, 8, 3] (plain head) and [B, N+1] (PFGM head), finite, without leaks', async () => {
    for (const io of [io8, io8Pfgm]) {
      const net = build(name, io);
      await expectNoLeak(() => {
        const x = new Rng(1).normal([2, 8, 8, 3]);
        const cond = tf.tensor1d([0.5, 3]);
        const y = net.apply(x, cond, true);
        expect(y.shape).toEqual([2, ...io.outShape]);
        expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
        expect(x.isDisposed || cond.isDisposed).toBe(false); // apply never disposes its arguments
        tf.dispose([x, cond, y]);
      });
    }
  });
});

describe('PFGM head (spec §1.4)', () => {
  it('pfgmHead: x-part = channels 0..C−1 flattened NHWC, z = spatial mean of channel C', () => {
    const h = tf.tensor4d(Float32Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i * i), [2, 2, 2, 3]);
    const y = pfgmHead(2).apply(h);
    const hv = h.arraySync() as number[][][][];
    const expected = hv.map((img) => [
      ...img.flatMap((row) => row.flatMap((px) => px.slice(0, 2))),
      img.flat().reduce((s, px) => s + px[2], 0) / 4,
    ]);
    expect(y.shape).toEqual([2, 2 * 2 * 2 + 1]);
    expectClose(y, expected.flat());
    tf.dispose([h, y]);
  });

  it('the U-Net PFGM output equals the plain U-Net output plus the mean of a copied channel', () => {
    const plain = build('ddpmpp-small', io8, 3);
    const pfgm = build('ddpmpp-small', io8Pfgm, 3);
    // Same seed: every weight before conv_out is identical; give the PFGM conv_out the plain weights for x and a
    // copy of output channel 0 for z, so z must be the spatial mean of plain channel 0.
    const last = plain.weights.length - 2;
    for (let i = 0; i < last; i++) expectClose(pfgm.weights[i], plain.weights[i], { rtol: 0, atol: 0 });
    tf.tidy(() => {
      const [W, b] = plain.weights.slice(last);
      pfgm.weights[last].assign(tf.concat([W, tf.slice(W, [0, 0, 0, 0], [3, 3, -1, 1])], 3));
      pfgm.weights[last + 1].assign(tf.concat([b, tf.slice(b, [0], [1])]));
      // non-zero final weights (the official init is ~0), so the check is not vacuous
      const r = new Rng(9).normal(W.shape);
      pfgm.weights[last].assign(tf.add(pfgm.weights[last], tf.concat([r, tf.slice(r, [0, 0, 0, 0], [3, 3, -1, 1])], 3)));
      plain.weights[last].assign(tf.add(W, r));
    });
    tf.tidy(() => {
      const x = new Rng(4).normal([2, 8, 8, 3]);
      const cond = tf.tensor1d([0.1, 7]);
      const yPlain = plain.apply(x, cond); // [2, 8, 8, 3]
      const yPfgm = pfgm.apply(x, cond); // [2, 193]
      expectClose(tf.slice(yPfgm, [0, 0], [2, 192]), tf.reshape(yPlain, [2, 192]), { rtol: 1e-5, atol: 1e-6 });
      const zExpected = tf.mean(tf.slice(yPlain, [0, 0, 0, 0], [2, 8, 8, 1]), [1, 2, 3]);
      expectClose(tf.reshape(tf.slice(yPfgm, [0, 192], [2, 1]), [2]), zExpected, { rtol: 1e-5, atol: 1e-6 });
      expect(tf.max(tf.abs(zExpected)).dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });
});

describe('MLP', () => {
  it('maps [B, 2] to [B, 3] (PFGM on 2-D data: N+1) with positional and Fourier embeddings, no leaks', async () => {
    for (const embedding of [{ kind: 'positional', maxPositions: 10000 }, { kind: 'fourier', scale: 16 }] as const) {
      const net = buildNetwork(preset('mlp', { embedding }), { inShape: [2], outShape: [3] }, new Rng(0));
      built.push(net);
      await expectNoLeak(() => {
        const x = new Rng(1).normal([5, 2]);
        const cond = tf.tensor1d([0, 0.1, 1, 10, 100]);
        const y = net.apply(x, cond);
        expect(y.shape).toEqual([5, 3]);
        expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
        tf.dispose([x, cond, y]);
      });
      expect(net.trainableWeights.length).toBe(embedding.kind === 'fourier' ? net.weights.length - 1 : net.weights.length);
    }
  });
});

describe('forward determinism and dropout', () => {
  it('eval mode is deterministic; training mode draws a new seeded mask per call, reproducible from the RNG state', () => {
    const net = build('ddpmpp-small', io8, 5);
    tf.tidy(() => {
      const x = new Rng(2).normal([1, 8, 8, 3]);
      const cond = tf.tensor1d([1]);
      // give the zero-initialised conv1 weights values so dropout changes the output
      net.weights.forEach((w, i) => net.names[i].endsWith('conv1.W') && w.assign(new Rng(i).normal(w.shape).mul(0.05)));
      expectClose(net.apply(x, cond), net.apply(x, cond), { rtol: 0, atol: 0 });
      const state = net.dropoutRng.state();
      const a = net.apply(x, cond, true);
      const b = net.apply(x, cond, true);
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeGreaterThan(0);
      net.dropoutRng.setState(state);
      expectClose(net.apply(x, cond, true), a, { rtol: 0, atol: 0 });
    });
  });
});

describe('bad input is a clear error', () => {
  it('rejects wrong input shapes, cond length and configs (allocating nothing)', () => {
    const before = tf.memory().numTensors;
    const net = build('ddpm-small', io8);
    tf.tidy(() => {
      expect(() => net.apply(tf.zeros([1, 4, 4, 3]), tf.tensor1d([1]))).toThrow(/input must be \[B, 8,8,3\]/);
      expect(() => net.apply(tf.zeros([2, 8, 8, 3]), tf.tensor1d([1]))).toThrow(/cond must be \[B\] = \[2\]/);
    });
    expect(() => buildNetwork(preset('ddpmpp-small', { channels: 30, attnResolutions: [4] }), io8, new Rng(0))).toThrow(/GroupNorm: 30 channels/);
    expect(() => buildNetwork(preset('ddpmpp-small', { dropout: 1.5 }), io8, new Rng(0))).toThrow(/dropout = 1.5/);
    expect(() => buildNetwork(preset('ddpmpp-small'), { inShape: [8, 8, 3], outShape: [10] }, new Rng(0))).toThrow(
      /PFGM head, N\+1 with N = H·W·C/,
    );
    expect(() => buildNetwork(preset('ddpmpp-small'), { inShape: [30, 15, 3], outShape: [30, 15, 3] }, new Rng(0))).toThrow(
      /square with side divisible/,
    );
    expect(() => buildNetwork(preset('ddpmpp-small'), io8, new Rng(0))).toThrow(/attnResolutions \[16\] match no U-Net level.*\[8,4\]/);
    expect(() => preset('nope' as 'mlp')).toThrow(/unknown network preset "nope"/);
    expect(tf.memory().numTensors - before).toBe(net.weights.length);
  });
});
