// FID Inception-v3 forward with the OpenBLAS kernels (@pfgm/native) vs the plain wasm path, in one process
// (issue 13), and PyTorch (bench/inception_torch.py) in the same job; synthetic weights. Rounds alternate native /
// wasm; medians of rounds; prints the FID-50k feature time this gives, and checks both paths give the same features.
//   npx tsx --conditions=@pfgm/source libs/eval/bench/inception-native.bench.ts   env PFGM_BENCH_BATCH (8),
//   BENCH_ROUNDS (3), BENCH_SKIP_TORCH=1
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '@pfgm/native';
import { initBackend, registerWasmKernels } from '@pfgm/tensor';
import { inceptionParamsFromStateDict, inceptionV3, syntheticInceptionStateDict } from '../src/index.js';

const B = Number(process.env.PFGM_BENCH_BATCH ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function torchImagesPerS(threads: number): { ips: number; blas: string } | null {
  if (process.env.BENCH_SKIP_TORCH === '1') return null;
  const script = fileURLToPath(new URL('./inception_torch.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, '--batch', String(B), '--steps', '2', '--threads', String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) as string) as { images_per_s: number; blas: string };
  return { ips: out.images_per_s, blas: out.blas };
}

const median = (xs: number[]) => {
  const v = [...xs].sort((p, q) => p - q);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const status = loadNative();
if (!status.available) {
  console.log(`@pfgm/native unavailable (${status.reason}); nothing to compare`);
  process.exit(0);
}
const info = await initBackend('wasm-native');
const params = inceptionParamsFromStateDict(syntheticInceptionStateDict());
const x = tf.randomUniform([B, 299, 299, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
const forward = (): Float32Array => {
  const out = inceptionV3(params, x);
  const pool = out.pool.dataSync() as Float32Array;
  tf.dispose([out.pool, out.logits]);
  return pool;
};
const ms = { native: [] as number[], wasm: [] as number[] };
const torch: number[] = [];
let blas = '';
let pools: Record<string, Float32Array> = {};
for (let r = 0; r < ROUNDS; r++) {
  const t = torchImagesPerS(info.threads);
  if (t != null) {
    torch.push(t.ips);
    blas = t.blas;
  }
  for (const side of ['native', 'wasm'] as const) {
    registerWasmKernels(side === 'native' ? { native: status.addon } : {});
    if (r === 0) pools = { ...pools, [side]: forward() }; // warm-up, and the features compared below
    const t0 = performance.now();
    forward();
    ms[side].push(performance.now() - t0);
  }
}
registerWasmKernels({ native: status.addon });
let worst = 0;
for (let i = 0; i < pools.native.length; i++) worst = Math.max(worst, Math.abs(pools.native[i] - pools.wasm[i]) / (1 + Math.abs(pools.wasm[i])));
const ips = (m: number[]) => (1000 * B) / median(m);
const rows = [
  { impl: `native (OpenBLAS ${status.addon.getThreads()} thr)`, 'images/s': ips(ms.native) },
  { impl: `wasm (${info.threads} thr)`, 'images/s': ips(ms.wasm) },
  ...(torch.length > 0 ? [{ impl: `PyTorch (${blas})`, 'images/s': median(torch) }] : []),
];
console.log(`\nFID Inception-v3 forward, batch ${B}; ${ROUNDS} alternating rounds; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`);
console.table(rows.map((r) => ({ ...r, 'images/s': r['images/s'].toFixed(2), 'FID-50k features (h)': (50_000 / r['images/s'] / 3600).toFixed(1) })));
console.log(
  `native ÷ wasm = ${(ips(ms.native) / ips(ms.wasm)).toFixed(2)}×` +
    (torch.length > 0 ? `; native ÷ PyTorch = ${(ips(ms.native) / median(torch)).toFixed(2)}×` : '') +
    `; pool3 features native vs wasm: max rel err ${worst.toExponential(1)}. Target (issue 13): ≥ 3× wasm.`,
);
tf.dispose(x);
process.exit(0);
