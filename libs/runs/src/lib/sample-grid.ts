import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sample, type Method } from '@pfgm/methods';
import type { Network } from '@pfgm/networks';
import { Rng } from '@pfgm/tensor';
import type { TrainState } from '@pfgm/train';
import { writeSamples } from './write-samples.js';

/**
 * A progress picture during training: samples of the EMA weights (swapped in, then restored), Euler with 20 steps,
 * fixed seed 0 so successive grids are comparable: 64 images or 500 points → `<dir>/samples/step-<k>.png`.
 */
export async function sampleGrid(dir: string, method: Method, net: Network, state: TrainState, shape: readonly number[]): Promise<string> {
  const saved = net.weights.map((w) => w.clone());
  net.weights.forEach((w, i) => w.assign(state.ema[i]));
  try {
    const n = shape.length === 1 ? 500 : 64;
    const res = await sample(method, method.predictor(net), { kind: 'euler', steps: 20 }, n, shape, new Rng(0));
    mkdirSync(join(dir, 'samples'), { recursive: true });
    const out = join(dir, 'samples', `step-${state.step}.png`);
    await writeSamples(out, res.x);
    res.x.dispose();
    return out;
  } finally {
    net.weights.forEach((w, i) => w.assign(saved[i]));
    tf.dispose(saved);
  }
}
