import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../build-network.js';
import { UNET_PRESETS } from '../presets.js';
import { numGroups } from './common.js';

// Truth: score_sde models/layers.py:625,633 and ddpm.py:104 (DDPM: nn.GroupNorm(num_groups=32)), layerspp.py:173,179
// (DDPM++: num_groups=min(C // 4, 32)). The official DDPM widths (multiples of 32 from 128) have ≥ 4 channels per
// group; below them DDPM has no official value: the rule is the largest divisor of C not above min(32, C/4).
describe('numGroups', () => {
  it('is the official count where one exists', () => {
    for (const C of [128, 256, 512]) expect(numGroups('ddpm', C)).toBe(32);
    expect([16, 64, 128, 256].map((C) => numGroups('ddpmpp', C))).toEqual([4, 16, 32, 32]);
  });

  it('DDPM below the official widths: the largest divisor of C not above min(32, C/4), never one channel per group', () => {
    expect([2, 8, 16, 24, 32, 48, 64, 80, 96, 160].map((C) => numGroups('ddpm', C))).toEqual([1, 2, 4, 6, 8, 12, 16, 20, 24, 32]);
  });

  it('refuses a DDPM++ width whose min(C/4, 32) groups do not divide it, saying what works', () => {
    expect(() => numGroups('ddpmpp', 18)).toThrow(/^GroupNorm: 18 channels cannot be split into 4 groups \(ddpmpp\); ddpmpp uses min\(C\/4, 32\) groups/);
    expect(() => numGroups('ddpmpp', 144)).toThrow(/144 channels cannot be split into 32 groups/);
  });
});

/** The CPU presets' 28×28 net (16 channels, one block per level, attention at 14×14) in a given style. */
const smallNet = (name: 'ddpm-small' | 'ddpmpp-small') =>
  buildNetwork({ ...UNET_PRESETS[name], channels: 16, numBlocks: 1, dropout: 0, attnResolutions: [14] }, { inShape: [28, 28, 1], outShape: [28, 28, 1] }, new Rng(1));

/** Every weight replaced by N(0, 0.1²) draws (the init zeroes each block's last conv, which hides the conditioning). */
function randomize(net: ReturnType<typeof buildNetwork>): void {
  net.weights.forEach((w, i) => w.assign(tf.randomNormal(w.shape, 0, 0.1, 'float32', 100 + i)));
}

describe('the DDPM-style U-Net at the CPU presets\' width (16 channels, [1, 2]: skips concatenate to 48)', () => {
  it('builds and maps [B, 28, 28, 1] to [B, 28, 28, 1] without leaks', async () => {
    tf.setBackend('cpu');
    const net = smallNet('ddpm-small');
    try {
      await expectNoLeak(() => {
        const y = tf.tidy(() => net.apply(tf.zeros([2, 28, 28, 1]), tf.tensor1d([0.5, 1]), false));
        expect(y.shape).toEqual([2, 28, 28, 1]);
        expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
        y.dispose();
      });
    } finally {
      net.dispose();
    }
  });

  // With one channel per group (the old rule min(32, C) at C ≤ 32) GN1 removed each channel's spatial mean, the
  // per-channel Dense(temb) with it, and the whole net ignored its conditioning (t for VP, z for PFGM).
  it.each(['ddpm-small', 'ddpmpp-small'] as const)('%s output depends on the conditioning (t / z)', (name) => {
    tf.setBackend('cpu');
    const net = smallNet(name);
    try {
      randomize(net);
      const diff = tf.tidy(() => {
        const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 7);
        const a = net.apply(x, tf.tensor1d([1, 1]), false);
        const b = net.apply(x, tf.tensor1d([30, 30]), false);
        return tf.div(tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(a))).dataSync()[0];
      });
      expect(diff).toBeGreaterThan(1e-2);
    } finally {
      net.dispose();
    }
  });
});
