import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@pfgm/tensor';
import { adamInit, adamStep, type AdamState } from './adam.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import { emaInit, emaUpdate } from './ema.js';
import { weightedMse } from './loss.js';
import { edmEmaDecay, scoreSdeEmaDecay, warmupLr } from './schedule.js';
import type { BatchSource, Perturber, TrainableNet } from './types.js';

/** EMA rule: a fixed decay per step (PFGM/VP: 0.9999) or EDM's half-life in images with ramp-up. */
/**
 * EMA of the weights: 'decay' β per step (score_sde `models/ema.py`; `warmup`: β_n = min(β, (1 + n)/(10 + n)) at update n,
 * its `num_updates` warm-up, on in every official config; absent = off, as runs made before it existed); 'halflife' EDM's.
 */
export type EmaSpec = { kind: 'decay'; beta: number; warmup?: boolean } | { kind: 'halflife'; images: number; rampup: number };

/** Training options; defaults are the papers' CIFAR-10 values where one exists. */
export interface FitOptions {
  /** Total optimizer steps (the loop stops when `step` reaches it). */
  steps: number;
  /** Clean images per step (for the EDM EMA half-life). */
  batchSize: number;
  /** Adam step size. PFGM/VP 2e-4, EDM/PFGM++ 1e-3. */
  lr: number;
  /** Linear warm-up steps. PFGM/VP 5000; EDM ramps over 10 Mimg. */
  warmup: number;
  /** Max global gradient norm; 0 disables. PFGM/VP 1.0; EDM none. */
  gradClip: number;
  /** EMA rule. */
  ema: EmaSpec;
  /** Seed of the per-step random streams (perturbation noise of step s = Rng(seed).child(s)). */
  seed: number;
}

/** Everything needed to continue training exactly: weights, EMA, Adam moments and the step. */
export interface TrainState {
  step: number;
  /** The optimized weights (the network's trainable ones). */
  weights: tf.Variable[];
  /** EMA copies of all the network's weights, in `net.weights` order. */
  ema: tf.Variable[];
  adam: AdamState;
}

/** Per-step report for progress bars and logs. */
export interface StepReport {
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
}

/** Hooks around the loop: progress, checkpoints, stop requests (Ctrl-C). */
export interface FitHooks {
  onStep?(r: StepReport): void;
  /** Called every `checkpointEvery` steps, at the end, and when a stop was requested. */
  checkpoint?(state: TrainState): Promise<void>;
  /** Steps between checkpoints. Default: only at the end. */
  checkpointEvery?: number;
  /** Polled after every step; true ends the loop cleanly after a checkpoint. */
  shouldStop?(): boolean;
}

/** Raised when the loss or the gradients stop being finite; the last checkpoint is left untouched. */
export class NonFiniteError extends Error {
  constructor(readonly step: number, what: string) {
    super(`non-finite ${what} at step ${step}: training stopped; the last good checkpoint was kept. ` +
      'Lower the learning rate, check the data scaling, or resume from the checkpoint with other settings.');
  }
}

/** A fresh state for `net` (step 0, EMA = weights, zero Adam moments). */
export function initState(net: TrainableNet): TrainState {
  const weights = net.trainableWeights ?? net.weights;
  return { step: 0, weights, ema: emaInit(net.weights), adam: adamInit(weights) };
}

/** One optimizer step on one batch; returns the loss and the pre-clip gradient norm. */
export function trainStep(net: TrainableNet, method: Perturber, data: BatchSource, state: TrainState, opts: FitOptions): StepReport {
  const step = state.step;
  const rng = new Rng(opts.seed).child(step);
  const x0 = data.batch(step);
  const ref = data.reference?.(step);
  const pair = method.perturb(x0, rng, ref);
  const { value, grads } = tf.variableGrads(() => weightedMse(net.apply(pair.input, pair.cond, true), pair.target, pair.weight), state.weights);
  tf.dispose([x0, ref ?? [], pair.input, pair.cond, pair.target, pair.weight]);
  const gradList = state.weights.map((w) => grads[w.name]);
  const loss = value.dataSync()[0];
  value.dispose();
  const gradNorm = globalNorm(gradList);
  if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
    tf.dispose(gradList);
    throw new NonFiniteError(step, Number.isFinite(loss) ? 'gradient norm' : 'loss');
  }
  const clipped = clipByGlobalNorm(gradList, gradNorm, opts.gradClip);
  tf.dispose(gradList);
  const lr = warmupLr(opts.lr, step, opts.warmup);
  state.adam = adamStep(state.weights, clipped, state.adam, { lr });
  tf.dispose(clipped);
  const beta =
    opts.ema.kind === 'decay'
      ? opts.ema.warmup === true ? scoreSdeEmaDecay(opts.ema.beta, step + 1) : opts.ema.beta
      : edmEmaDecay(opts.batchSize, (step + 1) * opts.batchSize, opts.ema.images, opts.ema.rampup);
  emaUpdate(state.ema, net.weights, beta);
  state.step = step + 1;
  return { step: state.step, loss, gradNorm, lr };
}

/** The training loop shared by every method: weighted MSE on `method.perturb`, Adam, clipping, EMA, checkpoints. */
export async function fit(net: TrainableNet, method: Perturber, data: BatchSource, state: TrainState, opts: FitOptions, hooks: FitHooks = {}): Promise<TrainState> {
  const every = hooks.checkpointEvery ?? 0;
  while (state.step < opts.steps) {
    const report = trainStep(net, method, data, state, opts);
    hooks.onStep?.(report);
    await new Promise((r) => setImmediate(r)); // let signal handlers (Ctrl-C) and I/O run between steps
    const stop = hooks.shouldStop?.() ?? false;
    if (stop || state.step === opts.steps || (every > 0 && state.step % every === 0)) await hooks.checkpoint?.(state);
    if (stop) break;
  }
  return state;
}
