import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNetwork, preset, type Network } from '@pfgm/networks';
import { Rng } from '@pfgm/tensor';
import { dropOptimizerState, restoreTrainCheckpoint, saveTrainCheckpoint } from './checkpoint.js';
import { loadCheckpoint } from '@pfgm/networks';
import { statSync } from 'node:fs';
import { disposeAdam } from './adam.js';
import { fit, initState, type FitOptions, type TrainState } from './fit.js';
import { denoise, ring } from './testing-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-train-'));
const io = { inShape: [2], outShape: [2] };
const config = preset('mlp', { hidden: [32, 32], embedDim: 16 });
const opts: FitOptions = { steps: 20, batchSize: 32, lr: 3e-3, warmup: 4, gradClip: 1, ema: { kind: 'decay', beta: 0.95 }, seed: 11 };

const read = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
const dispose = (net: Network, s: TrainState) => {
  tf.dispose(s.ema);
  disposeAdam(s.adam);
  net.dispose();
};

describe.each(['cpu', 'wasm'])('training checkpoints on %s', (backend) => {
  it('20 steps straight equal 10 + save + fresh process state + restore + 10, bit for bit', async () => {
    const previous = tf.getBackend();
    await tf.setBackend(backend);
    try {
      const netA = buildNetwork(config, io, new Rng(1));
      const sA = initState(netA);
      await fit(netA, denoise, ring, sA, opts);

      const path = join(dir, `${backend}.safetensors`);
      const netB = buildNetwork(config, io, new Rng(1));
      const sB = initState(netB);
      await fit(netB, denoise, ring, sB, { ...opts, steps: 10 }, { checkpoint: (s) => saveTrainCheckpoint(path, netB, s, new Rng(opts.seed), { note: 'test' }) });

      const netC = buildNetwork(config, io, new Rng(999)); // different init: everything must come from the file
      const sC = initState(netC);
      const extra = await restoreTrainCheckpoint(path, netC, sC, new Rng(0));
      expect(extra).toEqual({ note: 'test' });
      expect(sC.step).toBe(10);
      await fit(netC, denoise, ring, sC, opts);

      expect(read(netC.weights)).toEqual(read(netA.weights));
      expect(read(sC.ema)).toEqual(read(sA.ema));
      expect(read(sC.adam.v)).toEqual(read(sA.adam.v));
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
      dispose(netA, sA);
      dispose(netB, sB);
      dispose(netC, sC);
    } finally {
      await tf.setBackend(previous);
    }
  });
});

describe('restoring', () => {
  it('refuses a checkpoint of another network, naming the field', async () => {
    const net = buildNetwork(config, io, new Rng(1));
    const s = initState(net);
    const path = join(dir, 'other.safetensors');
    await saveTrainCheckpoint(path, net, s, new Rng(0), null);
    const other = buildNetwork(preset('mlp', { hidden: [32, 16], embedDim: 16 }), io, new Rng(1));
    const s2 = initState(other);
    await expect(restoreTrainCheckpoint(path, other, s2, new Rng(0))).rejects.toThrow(/config\.hidden/);
    dispose(net, s);
    dispose(other, s2);
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slim checkpoints (weights + EMA, no optimizer state)', () => {
  it('keep weights, EMA and step bit for bit, shrink the file, and refuse to resume with a clear line', async () => {
    const net = buildNetwork(config, io, new Rng(1));
    const s = initState(net);
    await fit(net, denoise, ring, s, { ...opts, steps: 6 });
    const path = join(dir, 'slim.safetensors');
    await saveTrainCheckpoint(path, net, s, new Rng(opts.seed), { note: 'slim' });
    const full = await loadCheckpoint(path);
    const size = statSync(path).size;
    const saved = await dropOptimizerState(path);
    expect(saved).toBeGreaterThan(0);
    expect(statSync(path).size).toBe(size - saved);
    const slim = await loadCheckpoint(path);
    expect(slim.optimizer).toEqual([]);
    expect(slim.step).toBe(6);
    expect(slim.extra).toEqual({ note: 'slim' });
    expect(read(slim.weights.map((w) => w.tensor))).toEqual(read(full.weights.map((w) => w.tensor)));
    expect(read(slim.ema.map((w) => w.tensor))).toEqual(read(full.ema.map((w) => w.tensor)));
    expect(await dropOptimizerState(path)).toBe(0); // already slim: untouched
    const net2 = buildNetwork(config, io, new Rng(2));
    const s2 = initState(net2);
    await expect(restoreTrainCheckpoint(path, net2, s2, new Rng(3))).rejects.toThrow(/holds the weights and EMA only.*cannot continue from it exactly/);
    tf.dispose([...full.weights, ...full.ema, ...full.optimizer, ...slim.weights, ...slim.ema].map((t) => t.tensor));
    dispose(net, s);
    dispose(net2, s2);
  });
});
