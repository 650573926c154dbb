import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildNetwork, preset } from '@pfgm/networks';
import { Rng } from '@pfgm/tensor';
import { expectNoLeak } from '@pfgm/tensor/testing';
import { officialQuantGroups, officialQuantizes, quantizeWeights } from './quantize-weights.js';

describe('quantizeWeights', () => {
  it('maps kernels onto 2^b levels within scale/2, leaves weights of group null alone, and restores exactly', async () => {
    const vals = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 0.3 + 0.05);
    const kernel = tf.variable(tf.tensor2d(vals, [8, 8]));
    const bias = tf.variable(tf.tensor1d([0.123456, -0.5]));
    const norm = tf.variable(tf.tensor2d([[0.3333, 0.7777]]));
    const bits = 5;
    await expectNoLeak(async () => {
      const restore = quantizeWeights([kernel, bias, norm], ['model.enc.16x16_conv.weight', null, null], bits);
      const q = kernel.dataSync();
      const lo = Math.min(...vals);
      const scale = (Math.max(...vals) - lo) / (2 ** bits - 1);
      expect(new Set(Array.from(q, (v) => v.toFixed(5))).size).toBeLessThanOrEqual(2 ** bits);
      const hi = Math.max(...vals);
      for (let i = 0; i < vals.length; i++) {
        // Integer zero point: the grid is {scale·k}; interior values round (≤ scale/2), the truncated zp can clip the ends (≤ scale).
        expect(Math.abs(q[i] / scale - Math.round(q[i] / scale))).toBeLessThan(1e-3);
        const interior = vals[i] > lo + scale && vals[i] < hi - scale;
        expect(Math.abs(q[i] - vals[i])).toBeLessThanOrEqual((interior ? scale / 2 : scale) + 1e-6);
      }
      expect(Array.from(q)).not.toEqual(Array.from(vals));
      expect(Array.from(bias.dataSync())).toEqual(Array.from(Float32Array.of(0.123456, -0.5)));
      expect(Array.from(norm.dataSync())).toEqual(Array.from(Float32Array.of(0.3333, 0.7777)));
      restore();
      expect(Array.from(kernel.dataSync())).toEqual(Array.from(vals));
    });
    tf.dispose([kernel, bias, norm]);
  });

  it('quantizes the tensors of one group with one min/max (SongUNet`s single qkv tensor), unlike one tensor at a time', () => {
    const q = tf.variable(tf.tensor2d([[0, 0.01], [0.02, 0.03]])); // a narrow range alone
    const k = tf.variable(tf.tensor2d([[-1, 1], [0.5, -0.5]])); // sets the joint range
    const restore = quantizeWeights([q, k], ['qkv', 'qkv'], 3);
    const scale = 2 / 7; // joint (max − min)/(2^3 − 1)
    for (const v of [...q.dataSync(), ...k.dataSync()]) expect(Math.abs(v / scale - Math.round(v / scale))).toBeLessThan(1e-5);
    expect(Array.from(q.dataSync())).toEqual([0, 0, 0, 0]); // below half a joint step: all 0 (alone they would keep 4 levels)
    restore();
    const alone = quantizeWeights([q, k], ['q', 'k'], 3);
    expect(new Set(q.dataSync()).size).toBe(4);
    alone();
    tf.dispose([q, k]);
  });

  it('rejects a bad bit width or a group list of another length', () => {
    expect(() => quantizeWeights([], [], 1)).toThrow(/bits must be an integer in \[2, 16\]/);
    expect(() => quantizeWeights([], [null], 5)).toThrow(/1 groups for 0 weights/);
  });
});

describe('officialQuantGroups (generate_quant.py:441 on the SongUNet names of our weights)', () => {
  const net = (size: number, name: 'ddpmpp-small' | 'ddpm-small' = 'ddpmpp-small') => {
    const io = { inShape: [size, size, 1], outShape: [size, size, 1] };
    const config = preset(name, { attnResolutions: [size / 2] });
    return buildNetwork(config, io, new Rng(0), { init: false });
  };

  it('the official filter: weights only, no norm / affine / map, nothing at 32×32', () => {
    expect(officialQuantizes('model.enc.16x16_block0.conv0.weight')).toBe(true);
    for (const n of ['model.enc.16x16_block0.conv0.bias', 'model.enc.16x16_block0.norm0.weight', 'model.enc.16x16_block0.affine.weight', 'model.map_layer0.weight', 'model.enc.32x32_conv.weight']) {
      expect(officialQuantizes(n), n).toBe(false);
    }
  });

  it('at 32×32 keeps the full-resolution level float, quantizes the 16×16 convs, and gives q, k, v one group', () => {
    const n = net(32);
    const groups = officialQuantGroups(n);
    const g = new Map(n.names.map((name, i) => [name, groups[i]]));
    for (const name of ['conv_in.W', 'conv_out.W', 'down.0.block.0.conv0.W', 'up.0.block.0.conv1.W', 'up.1.upsample.conv0.W', 'temb.dense0.W', 'down.1.block.0.temb.W', 'down.1.block.0.norm0.gamma', 'down.1.block.0.conv0.b']) {
      expect(g.get(name), name).toBeNull();
    }
    expect(g.get('down.1.block.0.conv0.W')).toBe('model.enc.16x16_block0.conv0.weight');
    expect(g.get('down.0.downsample.conv0.W')).toBe('model.enc.16x16_down.conv0.weight'); // SongUNet names a down block by its output
    const qkv = ['q', 'k', 'v'].map((x) => g.get(`down.1.attn.0.${x}.W`));
    expect(new Set(qkv).size).toBe(1);
    expect(qkv[0]).toBe('model.enc.16x16_block0.qkv.weight');
    expect(g.get('down.1.attn.0.out.W')).toBe('model.enc.16x16_block0.proj.weight');
    n.dispose();
  });

  it('at 28×28 (Fashion-MNIST) no level is named 32: the full-resolution convs are quantized too', () => {
    const n = net(28);
    const g = officialQuantGroups(n);
    expect(g[n.names.indexOf('conv_in.W')]).toBe('model.enc.28x28_conv.weight');
    expect(g[n.names.indexOf('conv_out.W')]).toBe('model.dec.28x28_aux_conv.weight');
    n.dispose();
  });

  it('refuses a network without a SongUNet counterpart, in one line', () => {
    const n = net(28, 'ddpm-small');
    expect(() => officialQuantGroups(n)).toThrow(/follows PFGM\+\+ generate_quant.py on EDM's SongUNet .*got a ddpm-style U-Net network/);
    n.dispose();
  });
});
