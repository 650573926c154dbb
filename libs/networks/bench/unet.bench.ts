// U-Net throughput: `ddpmpp-small` (DDPM++, nf 32, ch_mult (1, 2), 2 blocks, attn@16, PFGM head) at 32×32×3.
// Training steps/s and images/s at batch 32 (Adam) and forward images/s at batch 128, against the same
// architecture in PyTorch (bench/unet_torch.py, /usr/bin/python3, 2 threads) measured in the same job.
// Where tfjs falls short of 0.5× (train) / 0.8× (forward) PyTorch, one step is profiled (tf.profile) and the
// kernels with the most time are printed. Medians; the machine is shared, so numbers are noisy.
// Env: BENCH_ROUNDS (torch-then-tfjs rounds, default 3), BENCH_ITERS (timed iterations per task and round, default 3),
// BENCH_SKIP_TORCH=1, BENCH_PROFILE=always|never (default: profile only what falls short).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Rng } from '@pfgm/tensor';
import { buildNetwork, preset, type Network } from '@pfgm/networks';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const TRAIN_BATCH = 32;
const FORWARD_BATCH = 128;
const ITERS = Number(process.env.BENCH_ITERS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET = { train: 0.5, forward: 0.8 };

/** @pfgm/tensor's initBackend(): native tensorflow when present, else wasm with its kernel fixes and threads. */
async function selectBackend(): Promise<string> {
  await initBackend(); // logs the backend it picked
  return tf.getBackend();
}

interface TorchResult {
  params: number;
  train_ms: number;
  forward_ms: number;
  threads: number;
  torch: string;
}

function runTorch(): TorchResult | null {
  if (process.env.BENCH_SKIP_TORCH === '1') return null;
  const script = fileURLToPath(new URL('./unet_torch.py', import.meta.url));
  const args = [script, '--train-steps', String(ITERS), '--forward-steps', String(ITERS), '--threads', '2'];
  const r = spawnSync('/usr/bin/python3', args, { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`PyTorch reference failed (${r.status}): ${r.stderr.slice(-500)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as TorchResult;
}

interface Batch {
  x: tf.Tensor;
  cond: tf.Tensor1D;
  target?: tf.Tensor;
}

function trainStep(net: Network, opt: tf.Optimizer, data: Batch): void {
  const loss = opt.minimize(
    () => tf.mean(tf.square(tf.sub(net.apply(data.x, data.cond, true), data.target as tf.Tensor))) as tf.Scalar,
    true,
    net.trainableWeights,
  );
  loss?.dataSync(); // wait for the step to finish
  loss?.dispose();
}

function forward(net: Network, data: Batch): void {
  tf.tidy(() => net.apply(data.x, data.cond).dataSync());
}

/** Kernel time per kernel name over one call of `fn`, largest first. */
async function profileKernels(fn: () => void): Promise<{ total: number; rows: [string, number, number][] }> {
  const info = await tf.profile(fn);
  const byName = new Map<string, [number, number]>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    const t = typeof ms === 'number' ? ms : 0;
    const [sum, n] = byName.get(k.name) ?? [0, 0];
    byName.set(k.name, [sum + t, n + 1]);
    total += t;
  }
  const rows = [...byName.entries()].map(([name, [ms, n]]) => [name, ms, n] as [string, number, number]);
  return { total, rows: rows.sort((a, b) => b[1] - a[1]) };
}

function printProfile(title: string, wallMs: number, p: { total: number; rows: [string, number, number][] }): void {
  console.log(`\n${title}: kernel time ${p.total.toFixed(0)} ms of ${wallMs.toFixed(0)} ms wall (rest: autograd/JS overhead)`);
  for (const [name, ms, n] of p.rows.slice(0, 12)) {
    console.log(`  ${name.padEnd(28)} ${ms.toFixed(1).padStart(9)} ms  ${((100 * ms) / p.total).toFixed(1).padStart(5)}%  ${n} calls`);
  }
}

interface Round {
  trainMs: number | null;
  forwardMs: number | null;
  torch: TorchResult | null;
}

/** One round: PyTorch first (so the two never compete for the cores), then tfjs under tinybench. */
async function round(net: Network, opt: tf.Optimizer, train: Batch, fwd: Batch): Promise<Round> {
  const torch = runTorch();
  const bench = new Bench({ iterations: ITERS, time: 0, warmupIterations: 1, warmupTime: 0 });
  bench.add(`train step b${TRAIN_BATCH} (Adam)`, () => trainStep(net, opt, train));
  bench.add(`forward b${FORWARD_BATCH}`, () => forward(net, fwd));
  await bench.run();
  console.table(bench.table());
  const median = (i: number): number | null => {
    const r = bench.tasks[i].result;
    if (r.state === 'errored') console.warn(`${bench.tasks[i].name} failed: ${r.error.message}`);
    return 'latency' in r ? r.latency.p50 : null;
  };
  return { trainMs: median(0), forwardMs: median(1), torch };
}

const med = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length === 0 ? null : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

async function main(): Promise<void> {
  const backend = await selectBackend();
  const io = { inShape: [32, 32, 3], outShape: [32 * 32 * 3 + 1] };
  const net = buildNetwork(preset('ddpmpp-small'), io, new Rng(0));
  const opt = tf.train.adam(2e-4);
  const rng = new Rng(1);
  const train = {
    x: rng.normal([TRAIN_BATCH, 32, 32, 3]),
    cond: tf.tensor1d(Float32Array.from(rng.uniformArray(TRAIN_BATCH), (u) => 40 * u)) as tf.Tensor1D,
    target: rng.normal([TRAIN_BATCH, io.outShape[0]]),
  };
  const fwd = { x: rng.normal([FORWARD_BATCH, 32, 32, 3]), cond: tf.tensor1d(Float32Array.from(rng.uniformArray(FORWARD_BATCH), (u) => 40 * u)) as tf.Tensor1D };

  const rounds: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(net, opt, train, fwd));
  const torch = rounds.find((r) => r.torch !== null)?.torch ?? null;
  console.log(`\nbackend ${backend}; ddpmpp-small (PFGM head) parameters: tfjs ${net.numParams.toLocaleString('en')}` +
    (torch ? `, PyTorch ${torch.params.toLocaleString('en')} (${torch.params === net.numParams ? 'equal' : 'DIFFERENT'}), ` +
      `torch ${torch.torch}, ${torch.threads} threads` : ''));

  // per round: tfjs/torch throughput ratio; the final ratio is the median over rounds (load drifts between rounds)
  const ratio = (r: Round, k: 'train' | 'forward'): number | null => {
    const ours = k === 'train' ? r.trainMs : r.forwardMs;
    const ref = k === 'train' ? r.torch?.train_ms : r.torch?.forward_ms;
    return ours && ref ? ref / ours : null;
  };
  console.log(`\n${ROUNDS} rounds × ${ITERS} timed iterations (medians); shared 2-core machine: noisy, ±30% or worse under load`);
  console.log('round   tfjs train ms   torch train ms   ratio   tfjs fwd ms   torch fwd ms   ratio');
  rounds.forEach((r, i) =>
    console.log(`${String(i + 1).padStart(5)} ${fmt(r.trainMs, 15)} ${fmt(r.torch?.train_ms, 16)} ${fmt(ratio(r, 'train'), 7, 2)} ` +
      `${fmt(r.forwardMs, 13)} ${fmt(r.torch?.forward_ms, 14)} ${fmt(ratio(r, 'forward'), 7, 2)}`),
  );
  const trainMs = med(rounds.map((r) => r.trainMs));
  const forwardMs = med(rounds.map((r) => r.forwardMs));
  const torchTrain = med(rounds.map((r) => r.torch?.train_ms));
  const torchForward = med(rounds.map((r) => r.torch?.forward_ms));
  const rows = [
    ['train steps/s', trainMs && 1000 / trainMs, torchTrain && 1000 / torchTrain, med(rounds.map((r) => ratio(r, 'train'))), TARGET.train],
    [`train img/s (b${TRAIN_BATCH})`, trainMs && (1000 * TRAIN_BATCH) / trainMs, torchTrain && (1000 * TRAIN_BATCH) / torchTrain, med(rounds.map((r) => ratio(r, 'train'))), TARGET.train],
    [`forward img/s (b${FORWARD_BATCH})`, forwardMs && (1000 * FORWARD_BATCH) / forwardMs, torchForward && (1000 * FORWARD_BATCH) / torchForward, med(rounds.map((r) => ratio(r, 'forward'))), TARGET.forward],
  ] as const;
  console.log(`\nmetric                      tfjs(${backend})        PyTorch   ratio (median of rounds)   target`);
  for (const [name, ours, ref, q, target] of rows) {
    console.log(`${name.padEnd(26)} ${fmt(ours, 10, 2)} ${fmt(ref, 14, 2)} ${fmt(q, 9, 2)}                  ≥${target}${q !== null && q < target ? '  SHORT' : ''}`);
  }

  const mode = process.env.BENCH_PROFILE ?? 'auto';
  const trainRatio = rows[0][3];
  const forwardRatio = rows[2][3];
  if (trainMs !== null && (mode === 'always' || (mode === 'auto' && trainRatio !== null && trainRatio < TARGET.train))) {
    printProfile(`profile: train step b${TRAIN_BATCH}`, trainMs, await profileKernels(() => trainStep(net, opt, train)));
  }
  if (forwardMs !== null && (mode === 'always' || (mode === 'auto' && forwardRatio !== null && forwardRatio < TARGET.forward))) {
    printProfile(`profile: forward b${FORWARD_BATCH}`, forwardMs, await profileKernels(() => forward(net, fwd)));
  }
  tf.dispose([train.x, train.cond, train.target, fwd.x, fwd.cond]);
  opt.dispose();
  net.dispose();
}

function fmt(v: number | null | undefined, width: number, digits = 0): string {
  return (typeof v === 'number' ? v.toFixed(digits) : 'n/a').padStart(width);
}

await main();
