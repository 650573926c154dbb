// Solver overhead per step relative to the field's own cost (tinybench).
// Run: npm run bench -w @pfgm/ode   (env PFGM_BENCH_BACKEND=wasm|cpu, default wasm)
// For each field, the reference is the field alone evaluated NFE times in the same job; a ratio of 1.00 means the
// solver adds nothing. The overhead is (solver − NFE·field)/NFE: the linear combinations, the per-step finiteness
// scalar (fixed-step) or the error-norm read (rk45), tidy/dispose bookkeeping.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { Bench } from 'tinybench';
import { euler, heun, rk4, rk45, uniformGrid, type SolveResult, type VectorField } from '../src/index.js';

const backend = process.env.PFGM_BENCH_BACKEND ?? 'wasm';
await tf.setBackend(backend);
await tf.ready();

const B = 32;
const D = 3072; // CIFAR-10-sized state
const STEPS = 20;
const x0 = tf.randomNormal([B, D], 0, 1, 'float32', 1);
const grid = uniformGrid(1, 0.05, STEPS);

// "elementwise": a few cheap ops, the worst case for relative overhead
const elementwise: VectorField = (x, t) => tf.tidy(() => tf.sub(tf.mul(tf.sin(x), 0.1), tf.mul(x, Math.cos(t))));
// "mlp": x → tanh(x W1 + t) W2, [B, 3072] → [B, 256] → [B, 3072] (~200 MFLOP per call), a small network
const W1 = tf.randomNormal([D, 256], 0, 1 / Math.sqrt(D), 'float32', 2);
const W2 = tf.randomNormal([256, D], 0, 1 / 16, 'float32', 3);
const mlp: VectorField = (x, t) => tf.tidy(() => tf.matMul(tf.tanh(tf.add(tf.matMul(x, W1), t)), W2));

const solvers: [string, (f: VectorField) => Promise<SolveResult>][] = [
  ['euler', (f) => euler(f, x0, grid)],
  ['heun', (f) => heun(f, x0, grid)],
  ['rk4', (f) => rk4(f, x0, grid)],
  ['rk45 (1e-4)', (f) => rk45(f, x0, grid, { rtol: 1e-4, atol: 1e-4 })],
];

/** n field evaluations at the solver's times, then one read (a solver ends with a read too). */
async function fieldCalls(f: VectorField, n: number): Promise<void> {
  for (let i = 0; i < n - 1; i++) f(x0, 1 - i / n).dispose();
  const probe = f(x0, 0);
  await probe.data();
  probe.dispose();
}

/** Median latency (ms) of a completed task (robust to load spikes on a shared machine). */
function medianMs(bench: Bench, name: string): number {
  const r = bench.tasks.find((t) => t.name === name)?.result;
  if (r?.state !== 'completed') throw new Error(`bench task ${name} did not complete: ${JSON.stringify(r)}`);
  return r.latency.p50 ?? r.latency.mean;
}

const rows: Record<string, string | number>[] = [];
for (const [fieldName, f] of [['elementwise', elementwise], ['mlp', mlp]] as const) {
  // Each solver task directly follows its reference (the field alone, NFE times) so both see the same load.
  const bench = new Bench({ name: `ode solvers, field ${fieldName}, [${B}, ${D}], ${backend}`, time: 1000, iterations: 6, warmupIterations: 1, warmupTime: 0 });
  const nfeOf = new Map<string, number>();
  for (const [name, run] of solvers) {
    const r = await run(f);
    nfeOf.set(name, r.nfe);
    r.x.dispose();
    bench.add(`${name} reference`, () => fieldCalls(f, r.nfe));
    bench.add(name, async () => {
      const res = await run(f);
      await res.x.data();
      res.x.dispose();
    });
  }
  await bench.run();
  for (const [name] of solvers) {
    const ms = medianMs(bench, name);
    const ref = medianMs(bench, `${name} reference`);
    const nfe = nfeOf.get(name) ?? NaN;
    rows.push({
      field: fieldName,
      solver: name,
      NFE: nfe,
      'solver ms': ms.toFixed(1),
      'field alone ×NFE ms': ref.toFixed(1),
      'ratio solver/field': (ms / ref).toFixed(2),
      'overhead ms/eval': ((ms - ref) / nfe).toFixed(3),
      'field ms/eval': (ref / nfe).toFixed(3),
    });
  }
}
console.table(rows);
tf.dispose([x0, W1, W2]);
