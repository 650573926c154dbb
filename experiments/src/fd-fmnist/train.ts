// Trains the FD-FMNIST classifier (libs/eval/src/lib/fd-fmnist) and writes its weights and training record to
// libs/eval/fixtures/fd-fmnist/, where they are committed. Run: `npx nx run experiments:train-fd-fmnist`
// (options after `--`: --epochs 5 --seed 0 --batch-size 128 --lr 0.001 --limit N --out DIR).
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { batches, loadDataset, type ImageDataset } from '@pfgm/data';
import {
  FD_FMNIST_FIXTURE_DIR,
  FD_FMNIST_RECORD_FILE,
  FD_FMNIST_WEIGHTS_FILE,
  fmnistClassifierForward,
  fmnistStateDictFromParams,
  writeSafetensors,
  type FmnistClassifierParams,
} from '@pfgm/eval';
import { initFmnistClassifier } from './init-params.js';
import { selectTrainingBackend } from './training-backend.js';

/** Training options (defaults reach ≥ 90 % test accuracy in a few minutes on 2 cores). */
interface TrainOptions {
  /** Passes over the training set. Default 5. */
  epochs: number;
  /** Seed of the initialisation and the data order. Default 0. */
  seed: number;
  /** Images per Adam step. Default 128. */
  batchSize: number;
  /** Peak Adam learning rate (Kingma & Ba 2015 default 1e-3), decayed to 0 by a cosine over all steps. */
  lr: number;
  /** Train on the first `limit` training images only (timing runs). Default all 60 000. */
  limit?: number;
  /** Output folder. Default libs/eval/fixtures/fd-fmnist/. */
  out: string;
}

function parseOptions(argv: string[]): TrainOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      epochs: { type: 'string', default: '5' },
      seed: { type: 'string', default: '0' },
      'batch-size': { type: 'string', default: '128' },
      lr: { type: 'string', default: '0.001' },
      limit: { type: 'string' },
      out: { type: 'string', default: FD_FMNIST_FIXTURE_DIR },
    },
  });
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${v}'`);
    return n;
  };
  const lr = Number(values.lr);
  if (!(lr > 0)) throw new Error(`--lr must be a positive number, got '${values.lr}'`);
  return {
    epochs: int('epochs', values.epochs, 1),
    seed: int('seed', values.seed, 0),
    batchSize: int('batch-size', values['batch-size'], 1),
    lr,
    limit: values.limit === undefined ? undefined : int('limit', values.limit, 1),
    out: values.out,
  };
}

/** Mean softmax cross-entropy of logits [B, 10] against integer labels [B]. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logp = tf.logSoftmax(logits); // [B, 10]
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels, 10), logp), 1))) as tf.Scalar;
}

/** Fraction of `ds` classified correctly (batches of 500). */
function accuracy(params: FmnistClassifierParams, ds: ImageDataset): number {
  const labels = ds.labels;
  if (!labels) throw new Error(`${ds.name} has no labels`);
  let correct = 0;
  for (let first = 0; first < ds.length; first += 500) {
    const idx = Uint32Array.from({ length: Math.min(500, ds.length - first) }, (_, i) => first + i);
    const pred = tf.tidy(() => tf.argMax(fmnistClassifierForward(params, ds.tensor(idx) as tf.Tensor4D).logits, 1).dataSync());
    pred.forEach((p, i) => (correct += p === labels[idx[i]] ? 1 : 0));
  }
  return correct / ds.length;
}

function gitCommit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'experiments/src/fd-fmnist', 'libs/eval/src/lib/fd-fmnist'], {
      encoding: 'utf8',
      cwd: path.join(FD_FMNIST_FIXTURE_DIR, '../../../..'),
    }).trim();
    return dirty ? `${head} (with uncommitted changes to the training code)` : head;
  } catch {
    return 'unknown (git not available)';
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const commit = gitCommit(); // at the start: the code that trains
  const backend = await selectTrainingBackend();
  const full = (await loadDataset('fmnist', { split: 'train' })) as ImageDataset;
  const train = opts.limit === undefined ? full : (full.subset(opts.limit) as ImageDataset);
  const test = (await loadDataset('fmnist', { split: 'test' })) as ImageDataset;
  const params = initFmnistClassifier(opts.seed);
  const optimizer = tf.train.adam(opts.lr);
  const perEpoch: Array<{ epoch: number; trainLoss: number; testAccuracy: number; seconds: number }> = [];
  const totalSteps = opts.epochs * Math.ceil(train.length / opts.batchSize);
  // Cosine decay lr·½(1 + cos(πt/T)) (Loshchilov & Hutter 2017): tfjs Adam reads its learningRate field every step.
  const setLr = (t: number) => ((optimizer as unknown as { learningRate: number }).learningRate = 0.5 * opts.lr * (1 + Math.cos((Math.PI * t) / totalSteps)));
  let t = 0;
  const t0 = performance.now();
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const te = performance.now();
    let lossSum = 0;
    let steps = 0;
    for (const batch of batches(train, { batchSize: opts.batchSize, seed: opts.seed, epoch })) {
      setLr(t++);
      const labels = tf.tensor1d(batch.labels ?? new Int32Array(0), 'int32');
      const loss = optimizer.minimize(() => crossEntropy(fmnistClassifierForward(params, batch.x as tf.Tensor4D).logits, labels), true);
      lossSum += (loss as tf.Scalar).dataSync()[0];
      steps++;
      tf.dispose([loss as tf.Scalar, labels, batch.x]);
      if (steps % 50 === 0) {
        const s = (performance.now() - te) / 1000;
        console.log(`epoch ${epoch} step ${steps} loss ${(lossSum / steps).toFixed(4)} ${(steps / s).toFixed(2)} steps/s`);
      }
    }
    const testAccuracy = accuracy(params, test);
    const seconds = (performance.now() - te) / 1000;
    perEpoch.push({ epoch, trainLoss: lossSum / steps, testAccuracy, seconds });
    console.log(`epoch ${epoch} done: train loss ${(lossSum / steps).toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)}, ${seconds.toFixed(1)} s`);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const last = perEpoch[perEpoch.length - 1];
  const weights = writeSafetensors(fmnistStateDictFromParams(params), { metric: 'FD-FMNIST classifier', seed: String(opts.seed) });
  const record = {
    metric: 'FD-FMNIST classifier',
    provenance:
      'Generated by `npx nx run experiments:train-fd-fmnist` (experiments/src/fd-fmnist/train.ts) and committed as produced; ' +
      'FD-FMNIST is the Fréchet distance in this classifier\'s 128-d penultimate features, not FID.',
    architecture: 'conv3x3 1→16 ReLU, maxpool2, conv3x3 16→32 ReLU, maxpool2, dense 1568→128 ReLU (features), dense 128→10',
    seed: opts.seed,
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    optimizer: `Adam, lr ${opts.lr} with cosine decay to 0 over ${totalSteps} steps (β1 0.9, β2 0.999, ε 1e-7: tfjs defaults)`,
    init: 'He-normal std √(2/fan_in), Rng(seed, [k]) for parameter k; biases 0',
    dataOrder: '@pfgm/data batches(train, {seed, epoch}) — seeded Fisher–Yates per epoch',
    trainImages: train.length,
    testImages: test.length,
    testAccuracy: last.testAccuracy,
    perEpoch,
    backend: backend.name,
    threads: backend.threads,
    backendKernelFixes: backend.kernelFixes,
    wallSeconds,
    commit,
    node: process.version,
    tfjs: tf.version_core,
    date: new Date().toISOString(),
    weightsFile: FD_FMNIST_WEIGHTS_FILE,
    weightsSha256: createHash('sha256').update(weights).digest('hex'),
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(path.join(opts.out, FD_FMNIST_WEIGHTS_FILE), weights);
  writeFileSync(path.join(opts.out, FD_FMNIST_RECORD_FILE), JSON.stringify(record, null, 2) + '\n');
  console.log(`test accuracy ${last.testAccuracy.toFixed(4)} after ${opts.epochs} epoch(s), ${wallSeconds.toFixed(0)} s; wrote ${opts.out}`);
}

await main();
process.exit(0); // the threaded wasm backend's workers would keep the process alive
