import * as tf from '@tensorflow/tfjs-core';
import { statSync } from 'node:fs';
import { loadCheckpoint, saveCheckpoint, assignWeights, type Network, type NamedTensor } from '@pfgm/networks';
import type { Rng } from '@pfgm/tensor';
import { disposeAdam } from './adam.js';
import type { TrainState } from './fit.js';

/**
 * Training checkpoints on top of `@pfgm/networks`' format: network weights, EMA (`ema/<name>`), Adam moments
 * (`optimizer/m/<name>`, `optimizer/v/<name>`, `optimizer/t`), the step, the training and dropout RNG states.
 * Written atomically by `saveCheckpoint` (temp + fsync + rename).
 */
export async function saveTrainCheckpoint(path: string, net: Network, state: TrainState, rng: Rng, extra: unknown): Promise<void> {
  const trainableNames = trainableNamesOf(net);
  const t = tf.scalar(state.adam.t, 'float32');
  try {
    await saveCheckpoint(path, {
      config: net.config,
      io: net.io,
      step: state.step,
      rng: rng.state(),
      dropoutRng: net.dropoutRng.state(),
      weights: net.weights.map((w, i) => ({ name: net.names[i], tensor: w })),
      ema: state.ema.map((w, i) => ({ name: net.names[i], tensor: w })),
      optimizer: [
        ...state.adam.m.map((m, i): NamedTensor => ({ name: `m/${trainableNames[i]}`, tensor: m })),
        ...state.adam.v.map((v, i): NamedTensor => ({ name: `v/${trainableNames[i]}`, tensor: v })),
        { name: 't', tensor: t },
      ],
      extra,
    });
  } finally {
    t.dispose();
  }
}

/** Restores weights, EMA, Adam and RNG states from a checkpoint into `net`/`state`/`rng`; returns the caller's `extra`. */
export async function restoreTrainCheckpoint(path: string, net: Network, state: TrainState, rng: Rng): Promise<unknown> {
  const c = await loadCheckpoint(path, { config: net.config, io: net.io });
  try {
    assignWeights(net, c.weights);
    const ema = new Map(c.ema.map((e) => [e.name, e.tensor]));
    state.ema.forEach((e, i) => {
      const t = ema.get(net.names[i]);
      if (!t) throw new Error(`checkpoint ${path}: no EMA weight for ${net.names[i]}`);
      e.assign(t);
    });
    if (c.optimizer.length === 0) {
      throw new Error(`checkpoint ${path} holds the weights and EMA only (its optimizer state was dropped to keep the repository small); training cannot continue from it exactly. Train a new run (another --out), or sample from it`);
    }
    const opt = new Map(c.optimizer.map((o) => [o.name, o.tensor]));
    const names = trainableNamesOf(net);
    const take = (k: string) => {
      const t = opt.get(k);
      if (!t) throw new Error(`checkpoint ${path}: optimizer state '${k}' is missing (was it written by pfgm train?)`);
      return t.clone();
    };
    const tT = opt.get('t');
    if (!tT) throw new Error(`checkpoint ${path}: optimizer step 't' is missing`);
    disposeAdam(state.adam);
    state.adam = { t: tT.dataSync()[0], m: names.map((n) => take(`m/${n}`)), v: names.map((n) => take(`v/${n}`)) };
    state.step = c.step;
    rng.setState(c.rng);
    net.dropoutRng.setState(c.dropoutRng);
    return c.extra;
  } finally {
    tf.dispose([...c.weights, ...c.ema, ...c.optimizer].map((t) => t.tensor));
  }
}

/**
 * Rewrites a finished run's checkpoint without its Adam moments (weights, EMA, step, RNG states and `extra` kept):
 * half the size, enough to sample, encode and score, not to continue training (issue 14: committed checkpoints are
 * weights + EMA). Atomic; a checkpoint that is already slim is left untouched. Returns the bytes saved.
 */
export async function dropOptimizerState(path: string): Promise<number> {
  const c = await loadCheckpoint(path);
  try {
    if (c.optimizer.length === 0) return 0;
    const before = statSync(path).size;
    await saveCheckpoint(path, { ...c, optimizer: [] });
    return before - statSync(path).size;
  } finally {
    tf.dispose([...c.weights, ...c.ema, ...c.optimizer].map((t) => t.tensor));
  }
}

function trainableNamesOf(net: Network): string[] {
  const index = new Map(net.weights.map((w, i) => [w, i]));
  return net.trainableWeights.map((w) => net.names[index.get(w) as number]);
}
