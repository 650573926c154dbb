// Compute-layer benchmark (issue 2 §3): matmul 1024³ and a 3×3 conv (32→32, 32×32, batch 32) forward and backward
// on the selected backend (PFGM_BACKEND, default auto), printed as GFLOP/s (best = fastest sample, median = p50).
// On wasm it also runs the stock kernels in the same process and a 1-thread child process, and prints the ratios.
//   npm run bench -w @pfgm/tensor        PFGM_BENCH_TIME=ms per task (default 2000)
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { Bench } from 'tinybench';
import { initBackend, registerWasmKernels, unregisterWasmKernels, type BackendInfo } from '../src/index.js';

const CHILD = process.env['PFGM_BENCH_CHILD'] === '1';
const TIME_MS = Number(process.env['PFGM_BENCH_TIME'] ?? 2000);

/** One measured workload: name, GFLOP per call (null = not a FLOP count), the call. */
interface Workload {
  name: string;
  gflop: number | null;
  run: () => void;
}

/** Result per workload: latency best and median in ms, or why it did not run. */
type Row =
  | { name: string; gflop: number | null; bestMs: number; medianMs: number; samples: number; cpuShare: number }
  | { name: string; error: string };

const convFlop = 2 * 32 * 32 * 32 * 9 * 32 * 32 / 1e9; // 2·B·H·W·kh·kw·Ci·Co, stride 1, 'same'

function workloads(): { list: Workload[]; dispose: () => void } {
  const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 1, 'float32', 1);
  const a = rnd([1024, 1024]);
  const b = rnd([1024, 1024]);
  const x = rnd([32, 32, 32, 32]) as tf.Tensor4D;
  const w = tf.mul(rnd([3, 3, 32, 32]), 0.1) as tf.Tensor4D;
  const dy = rnd([32, 32, 32, 32]) as tf.Tensor4D;
  const sync = (t: tf.Tensor) => {
    t.dataSync();
    t.dispose();
  };
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  const list: Workload[] = [
    { name: 'matmul 1024³', gflop: 2 * 1024 ** 3 / 1e9, run: () => sync(tf.matMul(a, b)) },
    { name: 'matmul 1024³, b transposed', gflop: 2 * 1024 ** 3 / 1e9, run: () => sync(tf.matMul(a, b, false, true)) },
    { name: 'conv3×3 32→32 fwd', gflop: convFlop, run: () => sync(tf.conv2d(x, w, 1, 'same')) },
    {
      name: 'conv3×3 dx (BackpropInput)',
      gflop: convFlop,
      run: () => sync(tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor),
    },
    {
      name: 'conv3×3 dW (BackpropFilter)',
      gflop: convFlop,
      run: () => sync(tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor),
    },
    {
      name: 'conv3×3 fwd+bwd (tf.grads)',
      gflop: 3 * convFlop,
      run: () => {
        const [gx, gw] = tf.grads((x_: tf.Tensor, w_: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x_ as tf.Tensor4D, w_ as tf.Tensor4D, 1, 'same'), dy)))([x, w]);
        gx.dataSync();
        sync(gw);
        gx.dispose();
      },
    },
    { name: 'bias grad: sum [32,32,32,32] over 0..2', gflop: null, run: () => sync(tf.sum(dy, [0, 1, 2])) },
  ];
  return { list, dispose: () => tf.dispose([a, b, x, w, dy]) };
}

async function measure(list: Workload[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const wl of list) {
    try {
      wl.run(); // first call: operator creation, and fail fast if a kernel is missing
      const bench = new Bench({ time: TIME_MS, iterations: 5, warmupIterations: 2, throws: true });
      bench.add(wl.name, wl.run);
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      await bench.run();
      const cpu = process.cpuUsage(cpu0);
      // CPU seconds this process got per wall second: ≈ threads when the machine is idle, less when it is shared.
      const cpuShare = (cpu.user + cpu.system) / 1e3 / (performance.now() - wall0);
      const r = bench.tasks[0].result;
      if (r.state !== 'completed') throw new Error(`task ${r.state}`);
      rows.push({ name: wl.name, gflop: wl.gflop, bestMs: r.latency.min, medianMs: r.latency.p50, samples: r.latency.samplesCount, cpuShare });
    } catch (err) {
      rows.push({ name: wl.name, error: (err as Error).message.split('\n')[0].slice(0, 60) });
    }
  }
  return rows;
}

const rate = (gflop: number | null, ms: number) => (gflop == null ? `${ms.toFixed(1)} ms` : `${(gflop / (ms / 1e3)).toFixed(1)}`);

function cell(row: Row | undefined): string {
  if (row == null) return '—';
  if ('error' in row) return `n/a (${row.error})`;
  return row.gflop == null
    ? `${row.bestMs.toFixed(1)} / ${row.medianMs.toFixed(1)} ms`
    : `${rate(row.gflop, row.bestMs)} / ${rate(row.gflop, row.medianMs)}`;
}

function ratio(ours: Row | undefined, ref: Row | undefined): string {
  if (ours == null || ref == null || 'error' in ours || 'error' in ref) return '—';
  return `${(ref.medianMs / ours.medianMs).toFixed(2)}×`;
}

function oneThreadRun(): Row[] | string {
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]], {
    env: { ...process.env, PFGM_THREADS: '1', PFGM_BENCH_CHILD: '1', PFGM_BACKEND: 'wasm' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{"rows"'));
  if (child.status !== 0 || line == null) return `1-thread run failed (exit ${child.status}): ${child.stderr.slice(-300)}`;
  return (JSON.parse(line) as { rows: Row[] }).rows;
}

async function main(): Promise<void> {
  const info: BackendInfo = await initBackend(undefined, { log: CHILD ? () => undefined : undefined });
  const { list, dispose } = workloads();
  const ours = await measure(list);
  if (CHILD) {
    console.log(JSON.stringify({ rows: ours }));
    dispose();
    return;
  }
  let stock: Row[] = [];
  let single: Row[] | string = [];
  if (info.name === 'wasm') {
    unregisterWasmKernels();
    stock = await measure(list);
    registerWasmKernels();
    if (info.threads > 1) single = oneThreadRun();
  }
  dispose();
  const find = (rows: Row[] | string, name: string) => (typeof rows === 'string' ? undefined : rows.find((r) => r.name === name));
  console.log(`\n${tf.getBackend()} backend, ${info.threads} thread(s), SIMD ${info.simd ?? 'n/a'}; ${TIME_MS} ms per task; GFLOP/s as best / median`);
  const table = list.map((wl) => {
    const o = find(ours, wl.name);
    const row: Record<string, string> = {
      workload: wl.name,
      [`ours, ${info.threads} thr`]: cell(o),
      'cpu share': o == null || 'error' in o ? '—' : o.cpuShare.toFixed(2),
    };
    if (info.name === 'wasm') {
      row['stock kernels'] = cell(find(stock, wl.name));
      row['ours ÷ stock'] = ratio(o, find(stock, wl.name));
      if (info.threads > 1) {
        row['ours, 1 thr'] = cell(find(single, wl.name));
        row[`${info.threads} thr ÷ 1 thr`] = ratio(o, find(single, wl.name));
      }
    }
    return row;
  });
  console.table(table);
  console.log('cpu share = CPU seconds per wall second during the task (≈ threads on an idle machine; lower = contended).');
  if (typeof single === 'string') console.log(single);
}

await main();
process.exit(0);
