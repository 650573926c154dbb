// OpenBLAS kernels (@pfgm/native) vs the plain wasm path vs PyTorch, in one process (issue 13): GEMM 1024³ and a
// 3×3 conv (32→32, 32×32, batch 32) forward, dx and dW. Rounds alternate native / wasm (and torch, in a child
// process, before them) so load drifts hit all sides; per side the best and the median over rounds are printed,
// with ratios of medians. Threads: PFGM_THREADS (default all cores) for XNNPACK, OpenBLAS and torch alike.
//   npx tsx --conditions=@pfgm/source libs/tensor/bench/native.bench.ts     env BENCH_ROUNDS (5), BENCH_ITERS (5)
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { loadNative } from '@pfgm/native';
import { initBackend, registerWasmKernels } from '../src/index.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ITERS = Number(process.env['BENCH_ITERS'] ?? 5);

interface Workload {
  name: string;
  gflop: number;
  run: () => void;
}

const convFlop = (2 * 32 * 32 * 32 * 9 * 32 * 32) / 1e9;

function workloads(): { list: Workload[]; dispose: () => void } {
  const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 1);
  const a = rnd([1024, 1024]);
  const b = rnd([1024, 1024]);
  const x = rnd([32, 32, 32, 32]) as tf.Tensor4D;
  const w = tf.mul(rnd([3, 3, 32, 32]), 0.1) as tf.Tensor4D;
  const dy = rnd([32, 32, 32, 32]) as tf.Tensor4D;
  // wasm kernels are synchronous: the result is computed when the call returns; no read-back (as torch has none).
  const sync = (t: tf.Tensor) => t.dispose();
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const list: Workload[] = [
    { name: 'GEMM 1024³', gflop: (2 * 1024 ** 3) / 1e9, run: () => sync(tf.matMul(a, b)) },
    { name: 'GEMM 1024³, b transposed', gflop: (2 * 1024 ** 3) / 1e9, run: () => sync(tf.matMul(a, b, false, true)) },
    { name: 'conv3×3 32→32 fwd', gflop: convFlop, run: () => sync(tf.conv2d(x, w, 1, 'same')) },
    {
      name: 'conv3×3 dx',
      gflop: convFlop,
      run: () => sync(tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor),
    },
    {
      name: 'conv3×3 dW',
      gflop: convFlop,
      run: () => sync(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor),
    },
  ];
  return { list, dispose: () => tf.dispose([a, b, x, w, dy]) };
}

/** Median ms of ITERS calls after one warm-up, and this process's CPU share meanwhile. */
function time(run: () => void): { ms: number; cpuShare: number } {
  run();
  const ts: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < ITERS; i++) {
    const t0 = performance.now();
    run();
    ts.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  ts.sort((p, q) => p - q);
  return { ms: ts[Math.floor(ts.length / 2)], cpuShare: (cpu.user + cpu.system) / 1e3 / (performance.now() - wall0) };
}

/** PyTorch (Debian python3-torch) ms per 1024³ matmul and conv workloads, its BLAS, in a child process. */
function torchTimes(threads: number): { ms: Record<string, number>; blas: string } | string {
  const py = `
import json, time, torch
torch.set_num_threads(${threads})
a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
x, w = torch.randn(32, 32, 32, 32), torch.randn(32, 32, 3, 3) * 0.1
xg = x.clone().requires_grad_(True); wg = w.clone().requires_grad_(True)
def med(f):
    f(); ts = []
    for _ in range(${ITERS}):
        t0 = time.perf_counter(); f(); ts.append(1000 * (time.perf_counter() - t0))
    return sorted(ts)[len(ts) // 2]
y = torch.nn.functional.conv2d(x, w, padding=1)
ms = {'GEMM 1024³': med(lambda: a @ b), 'GEMM 1024³, b transposed': med(lambda: a @ b.t()),
      'conv3×3 32→32 fwd': med(lambda: torch.nn.functional.conv2d(x, w, padding=1))}
import os
blas = os.path.realpath('/usr/lib/x86_64-linux-gnu/libblas.so.3')  # Debian's torch calls BLAS through this alternative
print(json.dumps({'ms': ms, 'blas': f'torch {torch.__version__} ({blas}), {torch.get_num_threads()} threads'}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
  if (r.status !== 0) return `PyTorch unavailable (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)})`;
  return JSON.parse(r.stdout.trim().split('\n').at(-1) as string);
}

const median = (xs: number[]) => {
  const v = [...xs].sort((p, q) => p - q);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

async function main(): Promise<void> {
  const status = loadNative();
  if (!status.available) {
    console.log(`@pfgm/native unavailable (${status.reason}); nothing to compare`);
    return;
  }
  const info = await initBackend('wasm-native');
  const { list, dispose } = workloads();
  const ms: Record<'native' | 'wasm' | 'torch', Record<string, number[]>> = { native: {}, wasm: {}, torch: {} };
  const shares: number[] = [];
  let torchBlas = '';
  for (let r = 0; r < ROUNDS; r++) {
    const t = torchTimes(info.threads);
    if (typeof t === 'string') torchBlas = t;
    else {
      torchBlas = t.blas;
      for (const [k, v] of Object.entries(t.ms)) (ms.torch[k] ??= []).push(v);
    }
    for (const side of ['native', 'wasm'] as const) {
      registerWasmKernels(side === 'native' ? { native: status.addon } : {});
      for (const wl of list) {
        const m = time(wl.run);
        (ms[side][wl.name] ??= []).push(m.ms);
        shares.push(m.cpuShare);
      }
    }
  }
  registerWasmKernels({ native: status.addon });
  dispose();
  const load = (await import('node:os')).loadavg()[0];
  console.log(
    `\nwasm backend, ${info.threads} thread(s) (XNNPACK and OpenBLAS), ${status.blas}; ${torchBlas}\n` +
      `${ROUNDS} alternating rounds × ${ITERS} timed calls; load average ${load.toFixed(1)}, median CPU share ${median(shares).toFixed(2)} ` +
      `(≈ threads when idle; lower = the machine is shared and numbers are low)`,
  );
  const gf = (g: number, m: number | undefined) => (m == null ? 'n/a' : (g / (m / 1e3)).toFixed(1));
  console.table(
    list.map((wl) => {
      const n = median(ms.native[wl.name]);
      const w = median(ms.wasm[wl.name]);
      const t = ms.torch[wl.name] != null ? median(ms.torch[wl.name]) : undefined;
      return {
        workload: wl.name,
        'native GFLOP/s': gf(wl.gflop, n),
        'wasm GFLOP/s': gf(wl.gflop, w),
        'torch GFLOP/s': gf(wl.gflop, t),
        'native ÷ wasm': `${(w / n).toFixed(2)}×`,
        'native ÷ torch': t == null ? 'n/a' : `${(t / n).toFixed(2)}×`,
      };
    }),
  );
  console.log('targets (issue 13): GEMM 1024³ ≥ 3× wasm and ≥ 0.9× torch (medians of rounds, same process / same job).');
}

await main();
process.exit(0);
