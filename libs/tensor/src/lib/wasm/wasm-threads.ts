// Multi-threaded tfjs wasm in Node, without editing node_modules (see ../../../../../shared/research/tfjs-wasm.md).
//
// The stock Node bundle of @tensorflow/tfjs-backend-wasm 4.22 runs single-threaded because:
//   1. the flag WASM_HAS_MULTITHREAD_SUPPORT is hard-coded false under Node (tfjs issue #3830);
//   2. emscripten's pthread pool is handed `URL.createObjectURL(blob)` as the worker script; Node refuses blob: URLs;
//   3. each worker is told to load the glue from a Blob (`mainScriptUrlOrBlob`), which Node's worker cannot read;
//   4. the C++ side caps the XNNPACK pool at os.cpus().length / 2 (it assumes SMT).
// Fixes, all at run time: (1) set the flag before the backend initialises; (2) while it initialises, hand out the
// path of a real worker file instead of the blob URL (only for the exact worker blob); (3) that worker file rewrites
// the Blob in the 'load' message to the unbundled threaded glue shipped in the same package; (4) while it
// initialises, os.cpus() reports at least 2 × threads entries. The tricks depend on the bundle's internals, so they
// run only for the version they were written against; any other version falls back to 1 thread with a message.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** The tfjs-backend-wasm version whose internals the thread enabling was written against. */
export const THREADED_WASM_VERSION = '4.22.0';

const require = createRequire(import.meta.url);

/** What the wasm backend ended up with. */
export interface WasmThreadsResult {
  /** XNNPACK pool size reported by the backend (`getThreadsCount()`). */
  threads: number;
  /** WebAssembly SIMD in use. */
  simd: boolean;
  /** Why fewer threads than requested run, if so. */
  note?: string;
}

interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
  version_wasm: string;
}

/**
 * Default thread count: env PFGM_THREADS, else the cores this process may use. On a machine shared with other busy
 * processes, set PFGM_THREADS=1: every XNNPACK call then skips the pool hand-off, and 1 thread measured faster than 2
 * here under load (bench at CPU share ≈ 0.4: matmul 1024³ 31 vs 20 GFLOP/s best); idle, 2 threads ≈ 1.9× one.
 */
export function defaultThreads(): number {
  const env = process.env['PFGM_THREADS'];
  if (env != null && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`PFGM_THREADS must be a positive integer, got '${env}'. Unset it to use all ${os.availableParallelism()} cores.`);
    }
    return n;
  }
  return os.availableParallelism();
}

function wasmPackageDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
}

/** The pthread worker as the bundle would have made it, plus a prelude that points the Blob at the real glue file. */
function workerSource(dir: string): { source: string; blobSize: number } {
  const { wasmWorkerContents } = require(path.join(dir, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The bundle escapes '\n' before making the Blob (see init() in tf-backend-wasm.node.js); so do we.
  const body = wasmWorkerContents.replace(/\n/g, '\\n');
  const glue = path.join(dir, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const prelude =
    `"use strict";{const wt=require("worker_threads");const on=wt.parentPort.on.bind(wt.parentPort);` +
    `wt.parentPort.on=function(ev,fn){return on(ev,ev!=="message"?fn:function(d){` +
    `if(d&&d.cmd==="load"&&typeof d.urlOrBlob!=="string")d.urlOrBlob=${JSON.stringify(glue)};fn(d)})}}\n`;
  return { source: prelude + body, blobSize: Buffer.byteLength(body) };
}

/** Writes the worker file once per content hash, atomically (parallel test processes may race), and returns its path. */
function writeWorkerFile(source: string, dir: string): string {
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const name = `tfjs-wasm-${THREADED_WASM_VERSION}-pthread-worker-${hash}.cjs`;
  const candidates = [path.join(dir, '..', '..', '.cache', 'pfgm-tensor'), path.join(os.tmpdir(), 'pfgm-tensor')];
  const errors: string[] = [];
  for (const cacheDir of candidates) {
    const file = path.join(cacheDir, name);
    try {
      if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === source) return file;
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, source);
      fs.renameSync(tmp, file);
      return file;
    } catch (err) {
      errors.push(`${cacheDir}: ${(err as Error).message}`);
    }
  }
  throw new Error(`cannot write the wasm pthread worker file (${errors.join('; ')})`);
}

/** Runs `fn` with URL.createObjectURL answering `file` for the worker Blob and os.cpus() padded to ≥ minCpus. */
async function withThreadShims<T>(file: string, blobSize: number, minCpus: number, fn: () => Promise<T>): Promise<T> {
  const createObjectURL = URL.createObjectURL;
  const cpus = os.cpus;
  URL.createObjectURL = (obj: Blob) =>
    obj instanceof Blob && obj.type === 'application/javascript' && obj.size === blobSize ? file : createObjectURL(obj);
  os.cpus = () => {
    const real = cpus();
    const out = [...real];
    while (out.length < minCpus) out.push(...real);
    return out;
  };
  try {
    return await fn();
  } finally {
    URL.createObjectURL = createObjectURL;
    os.cpus = cpus;
  }
}

/**
 * If wasm was initialised elsewhere with another thread count and holds no tensors yet, drops that instance so it
 * can be re-created with `threads`. Returns whether it did.
 */
function restartIfIdle(wasm: WasmModule, threads: number): boolean {
  const backend = tf.findBackend('wasm');
  if (backend == null || wasm.getThreadsCount() === threads || backend.numDataIds() > 0) return false;
  const entry = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => tf.KernelBackend; priority: number }> })
    .registryFactory['wasm'];
  if (entry == null) return false;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', entry.factory, entry.priority);
  return true;
}

/** Lets the process exit while the pthread workers (XNNPACK's pool, idle in a futex wait) are alive. */
function unrefPthreadWorkers(): void {
  const wasm = (tf.findBackend('wasm') as unknown as { wasm?: { PThread?: { unusedWorkers: unknown[]; runningWorkers: unknown[] } } })
    ?.wasm;
  const pool = wasm?.PThread;
  if (pool == null) return;
  for (const w of [...pool.unusedWorkers, ...pool.runningWorkers]) (w as { unref?: () => void }).unref?.();
}

/**
 * Initialises and selects the tfjs `wasm` backend with `threads` XNNPACK threads (multi-threaded in Node).
 * Call it before anything else initialises `wasm`; if `wasm` is already initialised its pool size stays as it is.
 */
export async function setWasmBackend(threads: number = defaultThreads()): Promise<WasmThreadsResult> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`wasm threads must be a positive integer, got ${threads}`);
  }
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
  const alreadyUp = tf.findBackend('wasm') != null && !restartIfIdle(wasm, threads);
  let note: string | undefined;
  if (alreadyUp) {
    await tf.setBackend('wasm');
  } else if (threads === 1) {
    wasm.setThreadsCount(1);
    await tf.setBackend('wasm');
  } else if (wasm.version_wasm !== THREADED_WASM_VERSION) {
    note =
      `threads need @tensorflow/tfjs-backend-wasm ${THREADED_WASM_VERSION} (found ${wasm.version_wasm}); running 1 thread. ` +
      `Re-check src/lib/wasm/wasm-threads.ts against the new bundle, then update THREADED_WASM_VERSION.`;
    wasm.setThreadsCount(1);
    await tf.setBackend('wasm');
  } else {
    const dir = wasmPackageDir();
    const { source, blobSize } = workerSource(dir);
    const file = writeWorkerFile(source, dir);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    const ok = await withThreadShims(file, blobSize, 2 * threads, () => tf.setBackend('wasm'));
    if (!ok) throw new Error('tf.setBackend("wasm") failed with threads enabled');
    unrefPthreadWorkers();
  }
  if (tf.getBackend() !== 'wasm') throw new Error(`could not select the wasm backend (current: ${tf.getBackend()})`);
  const actual = wasm.getThreadsCount();
  if (note == null && !alreadyUp && actual !== threads) note = `asked for ${threads} threads, the backend runs ${actual}`;
  if (note == null && alreadyUp && actual !== threads) note = `wasm was initialised before with ${actual} thread(s); kept`;
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
  return { threads: actual, simd, ...(note != null ? { note } : {}) };
}

/** Loads the stock wasm package (registers the 'wasm' backend factory and its kernels). */
export async function loadWasmPackage(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
}

/** XNNPACK pool size of the initialised wasm backend. */
export async function wasmThreadsCount(): Promise<number> {
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule;
  return wasm.getThreadsCount();
}
