// Fails when the wasm backend runs single-threaded (the stock behaviour in Node).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { loadWasmPackage, setWasmBackend, wasmThreadsCount, type WasmThreadsResult } from './wasm-threads.js';

let result: WasmThreadsResult;
beforeAll(async () => {
  await loadWasmPackage();
  registerWasmKernels();
  result = await setWasmBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** CPU ticks (user + system) per OS thread of this process, from /proc/self/task/<tid>/stat. */
function ticksPerThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
      out.set(tid, Number(fields[11]) + Number(fields[12])); // #14 utime, #15 stime
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

describe('multi-threaded wasm', () => {
  it('runs one XNNPACK thread per available core (≥ 2 on a multi-core machine)', async () => {
    const cores = os.availableParallelism();
    expect(result.note).toBeUndefined();
    expect(result.threads).toBe(cores);
    expect(await wasmThreadsCount()).toBe(cores);
    if (cores >= 2) expect(result.threads).toBeGreaterThanOrEqual(2);
    expect(result.simd).toBe(true);
  });

  const probe = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx/esm', new URL('./threads-exit-probe.ts', import.meta.url).pathname, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
    });

  // One child process checks two things: setWasmBackend replaces a stock single-threaded wasm backend that holds no
  // tensors yet, and the process exits by itself (the pthread workers are unref'd; without that it hangs).
  it('re-creates a stock 1-thread wasm backend with threads, and the process exits by itself', () => {
    const child = probe('stock-first');
    expect(child.error, 'child still running after 30 s').toBeUndefined();
    expect(child.stdout).toContain('stock threads 1');
    expect(child.stdout).toContain('threads 2 64');
    expect(child.status).toBe(0);
  }, 40_000);

  it.skipIf(process.platform !== 'linux' || os.availableParallelism() < 2)(
    'a matmul burns CPU time on at least two OS threads (Linux /proc; independent of speed)',
    () => {
      const a = tf.randomNormal([768, 768]);
      const b = tf.randomNormal([768, 768]);
      tf.matMul(a, b).dispose(); // warm-up: operator creation
      const before = ticksPerThread();
      const t0 = performance.now();
      let total = 0;
      // ~0.9 GFLOP per product; keep going until ≥ 40 ticks (0.4 s at 100 Hz) of CPU were spent in all.
      for (let i = 0; i < 200 && (total < 40 || performance.now() - t0 < 200); i++) {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
        const now = ticksPerThread();
        total = 0;
        for (const [tid, t] of now) total += t - (before.get(tid) ?? 0);
      }
      const after = ticksPerThread();
      const busy = [...after].map(([tid, t]) => t - (before.get(tid) ?? 0)).filter((d) => d >= 0.15 * total);
      tf.dispose([a, b]);
      expect(total).toBeGreaterThan(0);
      expect(busy.length, `threads with ≥ 15% of ${total} ticks`).toBeGreaterThanOrEqual(2);
    },
  );
});
