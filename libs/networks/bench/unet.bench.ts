// U-Net throughput: `ddpmpp-small` (DDPM++, nf 32, ch_mult (1, 2), 2 blocks, attn@16, PFGM head) at 32×32×3.
// Training steps/s and images/s at batch 32 (Adam) and forward images/s at batch 128, against the same
// architecture in PyTorch (bench/unet_torch.py, /usr/bin/python3, 2 threads) measured in the same job.
// Where tfjs falls short of 0.5× (train) / 0.8× (forward) PyTorch, one step is profiled (tf.profile) and the
// kernels with the most time are printed. Medians; the machine is shared, so numbers are noisy.
// Env: BENCH_ITERS (timed iterations per task, default 5), BENCH_SKIP_TORCH=1, BENCH_PROFILE=always|never.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Rng } from '@pfgm/tensor';
import { buildNetwork, preset, type Network } from '@pfgm/networks';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const TRAIN_BATCH = 32;
const FORWARD_BATCH = 128;
const ITERS = Number(process.env.BENCH_ITERS ?? 5);
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

function trainStep(net: Network, opt: tf.Optimizer, data: { x: tf.Tensor; cond: tf.Tensor1D; target: tf.Tensor }): void {
  const loss = opt.minimize(
    () => tf.mean(tf.square(tf.sub(net.apply(data.x, data.cond, true), data.target))) as tf.Scalar,
    true,
    net.trainableWeights,
  );
  loss?.dataSync(); // wait for the step to finish
  loss?.dispose();
}

function forward(net: Network, data: { x: tf.Tensor; cond: tf.Tensor1D }): void {
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

async function main(): Promise<void> {
  const torch = runTorch(); // before tfjs starts, so the two do not compete for the 2 cores
  const backend = await selectBackend();
  const io = { inShape: [32, 32, 3], outShape: [32 * 32 * 3 + 1] };
  const net = buildNetwork(preset('ddpmpp-small'), io, new Rng(0));
  const opt = tf.train.adam(2e-4);
  const rng = new Rng(1);
  const train = { x: rng.normal([TRAIN_BATCH, 32, 32, 3]), cond: tf.tensor1d(Float32Array.from(rng.uniformArray(TRAIN_BATCH), (u) => 40 * u)) as tf.Tensor1D, target: rng.normal([TRAIN_BATCH, io.outShape[0]]) };
  const fwd = { x: rng.normal([FORWARD_BATCH, 32, 32, 3]), cond: tf.tensor1d(Float32Array.from(rng.uniformArray(FORWARD_BATCH), (u) => 40 * u)) as tf.Tensor1D };

  console.log(`backend ${backend}; ddpmpp-small (PFGM head) parameters: tfjs ${net.numParams.toLocaleString('en')}` +
    (torch ? `, PyTorch ${torch.params.toLocaleString('en')} (${torch.params === net.numParams ? 'equal' : 'DIFFERENT'})` : ''));

  const bench = new Bench({ iterations: ITERS, time: 0, warmupIterations: 1, warmupTime: 0 });
  let trainError: unknown = null;
  bench.add(`train step b${TRAIN_BATCH} (Adam)`, () => {
    try {
      trainStep(net, opt, train);
    } catch (e) {
      trainError = e;
      throw e;
    }
  });
  bench.add(`forward b${FORWARD_BATCH}`, () => forward(net, fwd));
  await bench.run();
  console.table(bench.table());

  const median = (i: number): number | null => {
    const r = bench.tasks[i].result;
    return 'latency' in r ? r.latency.p50 : null;
  };
  const trainMs = median(0);
  const forwardMs = median(1);
  if (trainError !== null) console.warn(`training step failed on ${backend}: ${(trainError as Error).message}`);

  const rows = [
    ['train steps/s', trainMs && 1000 / trainMs, torch && 1000 / torch.train_ms, TARGET.train],
    [`train img/s (b${TRAIN_BATCH})`, trainMs && (1000 * TRAIN_BATCH) / trainMs, torch && (1000 * TRAIN_BATCH) / torch.train_ms, TARGET.train],
    [`forward img/s (b${FORWARD_BATCH})`, forwardMs && (1000 * FORWARD_BATCH) / forwardMs, torch && (1000 * FORWARD_BATCH) / torch.forward_ms, TARGET.forward],
  ] as const;
  console.log(`\nmedians of ${ITERS} iterations; shared 2-core machine: noisy (±20% or worse under load)`);
  console.log(`metric                      tfjs(${backend})    PyTorch ${torch?.torch ?? '-'}    ratio   target`);
  for (const [name, ours, ref, target] of rows) {
    const ratio = ours && ref ? ours / ref : null;
    console.log(`${name.padEnd(26)} ${ours?.toFixed(2).padStart(10) ?? '     n/a'} ${ref?.toFixed(2).padStart(14) ?? '           n/a'} ` +
      `${ratio?.toFixed(2).padStart(9) ?? '      n/a'}   ≥${target}${ratio !== null && ratio < target ? '  SHORT' : ''}`);
  }

  const mode = process.env.BENCH_PROFILE ?? 'auto';
  const short = (ms: number | null, refMs: number | undefined, target: number): boolean =>
    mode === 'always' || (mode === 'auto' && ms !== null && refMs !== undefined && refMs / ms < target);
  if (trainMs !== null && short(trainMs, torch?.train_ms, TARGET.train)) {
    printProfile(`profile: train step b${TRAIN_BATCH}`, trainMs, await profileKernels(() => trainStep(net, opt, train)));
  }
  if (forwardMs !== null && short(forwardMs, torch?.forward_ms, TARGET.forward)) {
    printProfile(`profile: forward b${FORWARD_BATCH}`, forwardMs, await profileKernels(() => forward(net, fwd)));
  }
  tf.dispose([train.x, train.cond, train.target, fwd.x, fwd.cond]);
  opt.dispose();
  net.dispose();
}

await main();
