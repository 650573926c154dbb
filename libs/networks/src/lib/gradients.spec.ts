import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNetwork } from './build-network.js';
import type { Network, NetworkConfig, NetworkIo } from './types.js';

// Tiny U-Nets (8×8×3, nf 8, 2 levels, attention at 4) so conv gradients are quick on the `cpu` backend.
const io: NetworkIo = { inShape: [8, 8, 3], outShape: [8 * 8 * 3 + 1] };
const tiny = (style: 'ddpm' | 'ddpmpp', embedding: 'positional' | 'fourier'): NetworkConfig => ({
  kind: 'unet',
  style,
  channels: 8,
  channelMult: [1, 2],
  numBlocks: 1,
  attnResolutions: [4],
  dropout: 0.1,
  embedding: embedding === 'positional' ? { kind: 'positional', maxPositions: 10000 } : { kind: 'fourier', scale: 16 },
});
const CASES = [
  ['ddpm', tiny('ddpm', 'positional')],
  ['ddpmpp', tiny('ddpmpp', 'fourier')],
  ['mlp', { kind: 'mlp', hidden: [16, 16], embedDim: 8, embedding: { kind: 'fourier', scale: 16 } }],
] as const;

const nets: Network[] = [];
afterAll(() => nets.forEach((n) => n.dispose()));

/** Builds the net and replaces the official (partly ~0) init by random weights, so every path carries signal. */
function randomised(config: NetworkConfig, netIo: NetworkIo): Network {
  const net = buildNetwork(config, netIo, new Rng(0));
  nets.push(net);
  net.trainableWeights.forEach((w, i) => tf.tidy(() => w.assign(tf.add(w, tf.mul(new Rng(100 + i).normal(w.shape), 0.2)))));
  return net;
}

const ioOf = (c: NetworkConfig): NetworkIo => (c.kind === 'mlp' ? { inShape: [2], outShape: [3] } : io);
const batch = (c: NetworkConfig): { x: tf.Tensor; cond: tf.Tensor1D } => ({
  x: new Rng(7).normal([2, ...ioOf(c).inShape]),
  cond: tf.tensor1d([0.3, 2.5]),
});

describe.each(CASES)('gradients of %s (cpu)', (_name, config) => {
  it('reach every trainable weight: finite and not all zero; the fixed Fourier W gets none', () => {
    const net = randomised(config as NetworkConfig, ioOf(config as NetworkConfig));
    tf.tidy(() => {
      const { x, cond } = batch(net.config);
      const { grads } = tf.variableGrads(() => tf.mean(tf.square(net.apply(x, cond, true))) as tf.Scalar, net.trainableWeights);
      const names = net.trainableWeights.map((w) => net.names[net.weights.indexOf(w)]);
      expect(Object.keys(grads).length).toBe(net.trainableWeights.length);
      net.trainableWeights.forEach((w, i) => {
        const g = grads[w.name].dataSync();
        expect(Array.from(g).every(Number.isFinite), `${names[i]} finite`).toBe(true);
        expect(Array.from(g).some((v) => v !== 0), `${names[i]} non-zero`).toBe(true);
      });
      if (net.config.embedding.kind === 'fourier') expect(net.trainableWeights.length).toBe(net.weights.length - 1);
    });
  });

  it('match a central finite difference along a random direction (eval mode)', () => {
    const net = randomised(config as NetworkConfig, ioOf(config as NetworkConfig));
    tf.tidy(() => {
      const { x, cond } = batch(net.config);
      const loss = (): tf.Scalar => tf.mean(tf.square(net.apply(x, cond))) as tf.Scalar;
      const { grads } = tf.variableGrads(loss, net.trainableWeights);
      const dirs = net.trainableWeights.map((w, i) => new Rng(500 + i).normal(w.shape));
      const dot = dirs.reduce((s, d, i) => s + tf.sum(tf.mul(d, grads[net.trainableWeights[i].name])).dataSync()[0], 0);
      const orig = net.trainableWeights.map((w) => w.clone());
      const eps = 1e-3;
      const at = (sign: number): number => {
        net.trainableWeights.forEach((w, i) => w.assign(tf.add(orig[i], tf.mul(dirs[i], sign * eps))));
        return loss().dataSync()[0];
      };
      const fd = (at(1) - at(-1)) / (2 * eps);
      net.trainableWeights.forEach((w, i) => w.assign(orig[i]));
      expect(Math.abs(fd - dot)).toBeLessThan(2e-2 * Math.abs(dot) + 1e-4);
    });
  });
});

describe('training step memory', () => {
  it('an Adam step (forward, gradients, update) leaves no tensor behind', async () => {
    const net = randomised(tiny('ddpmpp', 'positional'), io);
    const opt = tf.train.adam(1e-3);
    const step = (): void => {
      const { x, cond } = batch(net.config);
      const target = tf.zeros([2, io.outShape[0]]);
      const loss = opt.minimize(() => tf.mean(tf.square(tf.sub(net.apply(x, cond, true), target))) as tf.Scalar, true, net.trainableWeights);
      tf.dispose([x, cond, target, loss ?? []]);
    };
    step(); // the first step creates Adam's moment variables
    await expectNoLeak(step);
    opt.dispose();
  });
});
