// PFGM training target at the CIFAR-10 sizes (B = 128, B_L = 4096, N = 3072) on the selected tfjs backend, against
// the same computation in PyTorch (pfgm_target_torch.py, 2 threads), ratio printed: torch time / tfjs time (goal ≥ 0.5).
// Run: npm run bench -w @pfgm/field (PFGM_BACKEND=wasm|cpu|… to force a backend).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { formatBackendInfo, initBackend, Rng } from '@pfgm/tensor';
import { Bench } from 'tinybench';
import { pfgmTarget, prepareReference } from '../src/index.js';

const [B, BL, N] = [128, 4096, 3072];

/** Selects the backend (PFGM_BACKEND, default auto: native > threaded wasm > cpu); returns a short label. */
async function selectBackend(): Promise<string> {
  const info = await initBackend(undefined, { log: () => undefined });
  console.log(formatBackendInfo(info));
  return `${info.name}, ${info.threads} threads`;
}

function torchReference(): { median_ms: number; min_ms: number; threads: number; torch: string } {
  const script = fileURLToPath(new URL('./pfgm_target_torch.py', import.meta.url));
  const out = execFileSync('/usr/bin/python3', [script, String(B), String(BL), String(N), '10'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

const backend = await selectBackend();
const torchBefore = torchReference(); // torch runs before and after the tfjs task: the machine's load drifts
const rng = new Rng(0);
const y = tf.tidy(() => tf.sub(tf.mul(rng.uniform([BL, N]), 2), 1)) as tf.Tensor2D; // [B_L, N]
const p = tf.tidy(() =>
  tf.concat([tf.add(tf.slice(y, [0, 0], [B, N]), tf.mul(rng.normal([B, N]), 0.5)), tf.mul(rng.uniform([B, 1]), 10)], 1),
) as tf.Tensor2D; // [B, N+1]
const ref = prepareReference(y);

const bench = new Bench({ time: 2000, iterations: 5, warmup: true, warmupIterations: 1 });
bench.add(`pfgmTarget B=${B} B_L=${BL} N=${N} (${backend})`, () => {
  const v = pfgmTarget(p, ref);
  v.dataSync();
  v.dispose();
});
bench.runSync(); // synchronous: the task is synchronous, and async scheduling stalled with threaded wasm here
console.table(bench.table());

const task = bench.tasks[0];
const r = task.result;
const tsMs = r && 'latency' in r ? (r.latency.p50 ?? r.latency.mean) : NaN;
const torchAfter = torchReference();
const torchMs = (torchBefore.median_ms + torchAfter.median_ms) / 2;
console.log(`tfjs (${backend}): median ${tsMs.toFixed(1)} ms; PyTorch ${torchAfter.torch} (${torchAfter.threads} threads): ` +
  `median ${torchBefore.median_ms.toFixed(1)} ms before, ${torchAfter.median_ms.toFixed(1)} ms after`);
console.log(`ratio torch/tfjs = ${(torchMs / tsMs).toFixed(3)} (goal ≥ 0.5)`);
ref.dispose();
tf.dispose([y, p]);
process.exit(0); // the wasm worker threads would keep the process alive
