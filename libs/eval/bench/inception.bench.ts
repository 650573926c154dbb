// FID Inception-v3 forward throughput (299×299 → pool3 + logits) on the selected tfjs backend, against the same network
// in PyTorch (bench/inception_torch.py, /usr/bin/python3, 2 threads) measured in the same job; synthetic weights.
// Run: npm run bench -w @pfgm/eval   (env PFGM_BENCH_BACKEND=wasm|cpu, default wasm; PFGM_BENCH_BATCH, default 8)
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@pfgm/tensor';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { inceptionParamsFromStateDict, inceptionV3, syntheticInceptionStateDict } from '../src/index.js';

const B = Number(process.env.PFGM_BENCH_BATCH ?? 8);

/** PyTorch images/s, run first so the two do not compete for the cores. */
function runTorch(): { images_per_s: number; threads: number; blas: string } | undefined {
  const script = fileURLToPath(new URL('./inception_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--batch', String(B), '--threads', '2'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.warn(`PyTorch reference unavailable (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}); printing TF.js only`);
    return undefined;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

const torch = runTorch();
const backend = await initBackend(process.env.PFGM_BENCH_BACKEND ?? 'wasm'); // threaded wasm with @pfgm/tensor's kernels
const params = inceptionParamsFromStateDict(syntheticInceptionStateDict());
const x = tf.randomUniform([B, 299, 299, 3], -1, 1) as tf.Tensor4D;
const forward = async () => {
  const out = inceptionV3(params, x);
  await out.logits.data();
  tf.dispose([out.pool, out.logits]);
};
await forward(); // warm-up (kernel/XNNPACK setup)
const bench = new Bench({ name: `FID Inception-v3 forward, batch ${B}, ${backend.name} (${backend.threads} thread(s))`, iterations: 3, time: 0, warmup: false });
bench.add('tfjs inceptionV3', forward);
await bench.run();
const r = bench.tasks[0].result;
if (r?.state !== 'completed') throw new Error('bench task did not complete');
const tfjs = (1000 * B) / r.latency.mean;
console.log(bench.name);
console.table([
  { impl: `TF.js ${backend.name} ${backend.threads} thread(s)`, 'images/s': tfjs.toFixed(2), 'FID-50k forward (min)': (50_000 / tfjs / 60).toFixed(0) },
  ...(torch ? [{ impl: `PyTorch ${torch.threads} threads (${torch.blas})`, 'images/s': torch.images_per_s.toFixed(2), 'FID-50k forward (min)': (50_000 / torch.images_per_s / 60).toFixed(0) }] : []),
]);
if (torch) console.log(`ratio TF.js / PyTorch = ${(tfjs / torch.images_per_s).toFixed(3)}`);
