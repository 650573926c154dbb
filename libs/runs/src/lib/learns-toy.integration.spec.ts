// Integration (issue 5): a tiny MLP learns 2-D 8-Gaussians with every method. Budget: about 15 s per method on an idle
// 2-core machine (wasm); the timeout leaves room for a loaded one.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset, type Dataset } from '@pfgm/data';
import { slicedWasserstein2 } from '@pfgm/eval';
import { makeMethod, sample } from '@pfgm/methods';
import { buildNetwork, preset } from '@pfgm/networks';
import { initBackend, Rng } from '@pfgm/tensor';
import { methodConfigFor, trainDefaultsFor, type MethodName } from './defaults.js';
import { openRun } from './open-run.js';
import type { TrainRunConfig } from './run-config.js';
import { solverSpec } from './solver-options.js';
import { trainRun } from './train-run.js';

const dir = mkdtempSync(join(tmpdir(), 'pfgm-learns-'));
let data: Dataset;
let previous: string;
beforeAll(async () => {
  previous = tf.getBackend();
  await initBackend('wasm', { log: () => undefined });
  data = await loadDataset('toy:8gaussians', { limit: 4096 });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await tf.setBackend(previous);
});

const n = 1000;
const net = preset('mlp', { hidden: [96, 96, 96], embedDim: 32 });
const solver = { solver: 'heun', steps: 25 };

/** Sliced W2 between n samples and n held-out data points (fixed projections). */
function sw2(x: tf.Tensor): number {
  const ref = data.gather(Array.from({ length: n }, (_, i) => 2048 + i));
  return slicedWasserstein2(x.dataSync(), ref, 2, { directions: 128 });
}

describe.each<MethodName>(['pfgm', 'pfgmpp', 'edm', 'vp'])('%s on 8 Gaussians', (name) => {
  it('lowers sliced W2 to the data at least 5× from the untrained model', async () => {
    const d = trainDefaultsFor(name, 'toy');
    const config: TrainRunConfig = {
      methodName: name,
      method: methodConfigFor(name, { shape: [2], avgNorm: data.averageNorm(), cifar10: false }, 128),
      netName: 'mlp-128',
      net,
      data: { spec: 'toy:8gaussians', limit: 4096, shape: [2], avgNorm: data.averageNorm() },
      train: { ...d, batchSize: 128, referenceSize: d.referenceSize && 512, steps: 500, seed: 0, flip: false, checkpointEvery: 0, lr: 2e-3 },
    };
    const method = makeMethod(config.method);
    const untrained = buildNetwork(net, method.networkIo([2]), new Rng(0, [0x6e6574]));
    const before = await sample(method, method.predictor(untrained), solverSpec(solver, config.method), n, [2], new Rng(1));
    const sw2Before = sw2(before.x);
    tf.dispose(before.x);
    untrained.dispose();

    await trainRun(config, { dir: join(dir, name), dataset: data.subset(2048), progress: false, handleSigint: false, log: () => undefined });
    const run = await openRun(join(dir, name), { ema: false });
    const after = await sample(run.method, run.predictor, solverSpec(solver, config.method), n, [2], new Rng(1));
    const sw2After = sw2(after.x);
    tf.dispose(after.x);
    run.dispose();
    console.log(`${name}: sliced W2 untrained ${sw2Before.toFixed(4)} → trained ${sw2After.toFixed(4)} (${(sw2Before / sw2After).toFixed(1)}×)`);
    expect(sw2After).toBeLessThan(sw2Before / 5);
  }, 300_000);
});
