// Integration (issue 12, fix 3): VP-ODE sampled with RK45 from a trained network on centred data (8 Gaussians on a
// circle around 0). scipy's first-step rule probes the field far past t = 0 there (α(t) underflows); the official
// ε-network score −ε̂/std stays finite, and so must ours. Budget: ≈ 10 s on an idle 2-core machine (wasm).
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '@pfgm/data';
import { vpBeta, vpStd } from '@pfgm/field';
import { makeMethod, sample, vpConfig } from '@pfgm/methods';
import { preset } from '@pfgm/networks';
import { initBackend, Rng } from '@pfgm/tensor';
import { methodConfigFor, trainDefaultsFor } from './defaults.js';
import { openRun } from './open-run.js';
import type { TrainRunConfig } from './run-config.js';
import { trainRun } from './train-run.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-vp-centred-'));
let data: Dataset;
let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await initBackend('wasm', { log: () => undefined });
  data = await loadDataset('toy:8gaussians', { limit: 2048 });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await tf.setBackend(previous);
});

describe('VP-ODE with RK45 on centred data (trained network)', () => {
  it('every sample is finite and the solver finishes well under its step cap', async () => {
    const d = trainDefaultsFor('vp', 'toy');
    const config: TrainRunConfig = {
      methodName: 'vp',
      method: methodConfigFor('vp', { shape: [2], avgNorm: data.averageNorm(), cifar10: false }),
      netName: 'mlp-64',
      net: preset('mlp', { hidden: [64, 64], embedDim: 16 }),
      data: { spec: 'toy:8gaussians', limit: 2048, shape: [2], avgNorm: data.averageNorm() },
      train: { ...d, batchSize: 128, steps: 200, seed: 0, flip: false, checkpointEvery: 0, lr: 2e-3 },
    };
    const mean = data.gather(Array.from({ length: 512 }, (_, i) => i)).reduce((a, v, i) => { a[i % 2] += v / 512; return a; }, [0, 0]);
    expect(Math.hypot(mean[0], mean[1])).toBeLessThan(0.5); // centred data (the case that broke)
    await trainRun(config, { dir: join(dir, 'vp'), dataset: data, progress: false, handleSigint: false, log: () => undefined });
    const run = await openRun(join(dir, 'vp'), { ema: false });
    const m = makeMethod(config.method);
    const res = await sample(m, run.predictor, { kind: 'rk45', rtol: 1e-5, atol: 1e-5, maxSteps: 500 }, 256, [2], new Rng(3));
    const xs = res.x.dataSync();
    expect(Array.from(xs).every(Number.isFinite)).toBe(true);
    expect(res.nfe).toBeLessThan(6 * 500);
    // The probe scipy's rule makes when f(x, 1) is small: t = 1 − h0 far below 0, where α(t) = 0 in float64. The field
    // there is the official −½β(t)·(x − ε̂/std) from the raw ε-network (`get_score_fn`), finite and not −½β·x.
    const t = -22;
    const v = m.velocity(run.predictor, 'rk45')(res.x, t);
    const want = tf.tidy(() => {
      const eps = run.net.apply(res.x, tf.fill([256], 999 * t) as tf.Tensor1D);
      return tf.mul(tf.sub(res.x, tf.div(eps, vpStd(vpConfig(), t))), -0.5 * vpBeta(vpConfig(), t));
    });
    expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true);
    const err = tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(v, want)), tf.add(tf.abs(want), 1))).dataSync()[0]);
    expect(err).toBeLessThan(1e-4);
    tf.dispose([v, want]);
    res.x.dispose();
    run.dispose();
  }, 120_000);
});
