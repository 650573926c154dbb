import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { expectClose, expectNoLeak } from '@pfgm/tensor/testing';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNetwork } from './build-network.js';
import { assignWeights, loadCheckpoint, networkWeights, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import type { NamedTensor } from './safetensors.js';
import type { NetworkConfig, NetworkIo } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: NetworkConfig = {
  kind: 'unet',
  style: 'ddpmpp',
  channels: 8,
  channelMult: [1, 2],
  numBlocks: 1,
  attnResolutions: [4],
  dropout: 0.1,
  embedding: { kind: 'fourier', scale: 16 },
};
const io: NetworkIo = { inShape: [8, 8, 3], outShape: [8 * 8 * 3 + 1] };

/** Float32 bits that a lossy (e.g. decimal/JSON) round trip would break: −0, subnormals, ±Inf, NaN, 1 + ulp. */
const tricky = new Float32Array(new Uint32Array([0x80000000, 0x00000001, 0x007fffff, 0x7f800000, 0xff800000, 0x7fc00001, 0x3f800001]).buffer);

function bits(t: tf.Tensor): number[] {
  const d = t.dataSync();
  return t.dtype === 'float32' ? Array.from(new Uint32Array((d as Float32Array).slice().buffer)) : Array.from(d);
}

async function trainingState(): Promise<{ ckpt: Checkpoint; dispose: () => void }> {
  const net = buildNetwork(config, io, new Rng(3));
  const opt = tf.train.adam(1e-3);
  tf.tidy(() => {
    const x = new Rng(1).normal([2, 8, 8, 3]);
    opt.minimize(() => tf.mean(tf.square(net.apply(x, tf.tensor1d([0.5, 2]), true))) as tf.Scalar, false, net.trainableWeights);
  });
  // Adam's own state (iteration count + first/second moments), opaque to the checkpoint
  const optimizer: NamedTensor[] = await opt.getWeights();
  expect(optimizer.length).toBe(1 + 2 * net.trainableWeights.length);
  const ema = net.weights.map((w, i) => ({ name: net.names[i], tensor: tf.mul(w, 0.5) }));
  const special = { name: 'special', tensor: tf.tensor1d(tricky) };
  const counter = { name: 'counter', tensor: tf.tensor1d([7, -3], 'int32') };
  const rng = new Rng(11);
  rng.nextNormal(); // leaves a cached Box–Muller spare in the state
  return {
    ckpt: {
      config: net.config,
      io: net.io,
      step: 12345,
      rng: rng.state(),
      dropoutRng: net.dropoutRng.state(),
      weights: networkWeights(net),
      ema,
      optimizer: [...optimizer, special, counter],
      extra: { method: { kind: 'pfgm', gamma: 5 } },
    },
    dispose: () => {
      net.dispose();
      opt.dispose();
      tf.dispose([...ema.map((e) => e.tensor), special.tensor, counter.tensor, optimizer[0].tensor]);
    },
  };
}

describe('checkpoints', () => {
  it('round-trip bit-exactly: weights, EMA, optimizer tensors, config, step, RNG states, extra', async () => {
    const { ckpt, dispose } = await trainingState();
    const path = join(dir, 'roundtrip.safetensors');
    await saveCheckpoint(path, ckpt);
    const back = await loadCheckpoint(path, { config, io });
    expect(back.config).toEqual(ckpt.config);
    expect(back.io).toEqual(ckpt.io);
    expect(back.step).toBe(12345);
    expect(back.rng).toEqual(ckpt.rng);
    expect(back.dropoutRng).toEqual(ckpt.dropoutRng);
    expect(back.extra).toEqual(ckpt.extra);
    for (const group of ['weights', 'ema', 'optimizer'] as const) {
      expect(back[group].map((t) => t.name)).toEqual(ckpt[group].map((t) => t.name));
      back[group].forEach((t, i) => {
        expect(t.tensor.dtype).toBe(ckpt[group][i].tensor.dtype);
        expect(t.tensor.shape).toEqual(ckpt[group][i].tensor.shape);
        expect(bits(t.tensor)).toEqual(bits(ckpt[group][i].tensor));
      });
    }
    // the restored RNG continues the same stream
    const a = new Rng(0);
    a.setState(back.rng);
    const b = new Rng(0);
    b.setState(ckpt.rng);
    expect(a.normalArray(5)).toEqual(b.normalArray(5));
    // a fresh network with the restored weights computes the same function
    const fresh = buildNetwork(back.config, back.io, new Rng(99));
    assignWeights(fresh, back.weights);
    tf.tidy(() => {
      const x = new Rng(5).normal([1, 8, 8, 3]);
      const cond = tf.tensor1d([0.7]);
      const source = buildNetwork(config, io, new Rng(0));
      assignWeights(source, ckpt.weights);
      expectClose(fresh.apply(x, cond), source.apply(x, cond), { rtol: 0, atol: 0 });
      source.dispose();
    });
    fresh.dispose();
    [back.weights, back.ema, back.optimizer].flat().forEach((t) => t.tensor.dispose());
    dispose();
  });

  it('save and load leave no tensors behind', async () => {
    const { ckpt, dispose } = await trainingState();
    const path = join(dir, 'leak.safetensors');
    await expectNoLeak(async () => {
      await saveCheckpoint(path, ckpt);
      const back = await loadCheckpoint(path);
      [back.weights, back.ema, back.optimizer].flat().forEach((t) => t.tensor.dispose());
    });
    dispose();
  });

  it('a mismatched config is an error naming every differing field, and allocates nothing', async () => {
    const { ckpt, dispose } = await trainingState();
    const path = join(dir, 'mismatch.safetensors');
    await saveCheckpoint(path, ckpt);
    const before = tf.memory().numTensors;
    const other = { ...config, channels: 16, numBlocks: 2, embedding: { kind: 'positional', maxPositions: 10000 } } as NetworkConfig;
    const err = await loadCheckpoint(path, { config: other, io }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/was written for a different network/);
    expect(msg).toContain('config.channels: checkpoint 8, expected 16');
    expect(msg).toContain('config.numBlocks: checkpoint 1, expected 2');
    expect(msg).toContain('config.embedding.kind: checkpoint "fourier", expected "positional"');
    expect(msg).toContain('config.embedding.scale: checkpoint 16, expected absent');
    expect(msg).not.toContain('channelMult');
    await expect(loadCheckpoint(path, { config, io: { inShape: [8, 8, 3], outShape: [8, 8, 3] } })).rejects.toThrow(
      /io\.outShape: checkpoint \[193\], expected \[8,8,3\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('a truncated file is a clear error, wherever it was cut', async () => {
    const { ckpt, dispose } = await trainingState();
    const path = join(dir, 'full.safetensors');
    await saveCheckpoint(path, ckpt);
    const full = readFileSync(path);
    const headerEnd = 8 + Number(full.readBigUInt64LE(0));
    const before = tf.memory().numTensors;
    for (const length of [0, 5, 8, headerEnd - 10, headerEnd + 3, full.length - 1]) {
      const cut = join(dir, `cut-${length}.safetensors`);
      await saveCheckpoint(cut, ckpt);
      truncateSync(cut, length);
      await expect(loadCheckpoint(cut), `cut at ${length}`).rejects.toThrow(/truncated/);
    }
    expect(tf.memory().numTensors).toBe(before);
    dispose();
  });

  it('is atomic: a failed write leaves the previous file intact and no temp file', async () => {
    const { ckpt, dispose } = await trainingState();
    const path = join(dir, 'atomic', 'ckpt.safetensors');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'atomic'));
    // A tensor that fails mid-write (disposed): header and earlier tensors are already in the temp file.
    const broken = tf.ones([1000]);
    broken.dispose();
    const failing = { ...ckpt, optimizer: [...ckpt.optimizer, { name: 'broken', tensor: broken }] };
    await expect(saveCheckpoint(path, failing)).rejects.toThrow(/disposed/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(dir, 'atomic'))).toEqual([]);

    await saveCheckpoint(path, ckpt);
    const good = readFileSync(path);
    await expect(saveCheckpoint(path, { ...failing, step: 99999 })).rejects.toThrow(/disposed/);
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(readdirSync(join(dir, 'atomic'))).toEqual(['ckpt.safetensors']);
    expect(statSync(path).size).toBe(good.length);
    dispose();
  });

  it('rejects files that are not checkpoints, and bad steps', async () => {
    const path = join(dir, 'junk.safetensors');
    const { writeFileSync } = await import('node:fs');
    const junk = Buffer.alloc(16);
    junk.writeBigUInt64LE(4n);
    junk.write('{{{{', 8);
    writeFileSync(path, junk);
    await expect(loadCheckpoint(path)).rejects.toThrow(/header is not valid JSON/);
    const { ckpt, dispose } = await trainingState();
    await expect(saveCheckpoint(join(dir, 'x'), { ...ckpt, step: -1 })).rejects.toThrow(/non-negative integer/);
    dispose();
  });
});
