// Backend selection (issue 2 §2): PFGM_BACKEND=auto|tensorflow|wasm|cpu; auto = native tensorflow when
// @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node can be imported, else threaded wasm with our kernels, else cpu.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerWasmKernels } from '../wasm/register-wasm-kernels.js';
import { defaultThreads, loadWasmPackage, setWasmBackend } from '../wasm/wasm-threads.js';
import { parseBackendChoice, type BackendChoice } from './backend-choice.js';
import { formatBackendInfo, type BackendInfo } from './backend-info.js';

/** Loads a module by specifier (dynamic `import()` by default; injectable so specs need no native packages). */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** Native bindings tried by `auto` and `tensorflow`, in order. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** wasm threads. Default: env PFGM_THREADS, else all cores this process may use. */
  threads?: number;
  /** Register this library's wasm kernels (XNNPACK matmul/conv gradients, Sum). Default true. */
  kernelFixes?: boolean;
  /** How optional native packages are imported. Default: `import()`. A custom importer also bypasses the memo. */
  importer?: ModuleImporter;
  /** Where the one-line summary goes (once per selection). Default: stderr. */
  log?: (line: string) => void;
}

const defaultImporter: ModuleImporter = (specifier) => import(specifier);

function shortReason(pkg: string, err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') return `${pkg} not installed`;
  const first = String(e?.message ?? err).split('\n')[0];
  return `${pkg} failed to load (${first})`;
}

/** Imports the first native binding that loads and selects `tensorflow`; else returns why none did. */
async function tryNative(importer: ModuleImporter): Promise<{ pkg: string } | { reason: string }> {
  const reasons: string[] = [];
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await importer(pkg);
      if (await tf.setBackend('tensorflow')) return { pkg };
      reasons.push(`${pkg} loaded but the 'tensorflow' backend did not initialise`);
    } catch (err) {
      reasons.push(shortReason(pkg, err));
    }
  }
  return { reason: reasons.join('; ') };
}

async function useWasm(requested: BackendChoice, threads: number, fixes: boolean, fallback?: string): Promise<BackendInfo> {
  await loadWasmPackage();
  const kernelFixes = fixes ? registerWasmKernels() : [];
  const r = await setWasmBackend(threads);
  const notes = [fallback, r.note].filter((s): s is string => s != null);
  return {
    name: 'wasm',
    requested,
    threads: r.threads,
    simd: r.simd,
    kernelFixes,
    ...(notes.length > 0 ? { fallback: notes.join('; ') } : {}),
  };
}

async function useCpu(requested: BackendChoice, fallback?: string): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the tfjs cpu backend failed to initialise');
  return { name: 'cpu', requested, threads: 1, simd: null, kernelFixes: [], ...(fallback != null ? { fallback } : {}) };
}

async function select(requested: BackendChoice, opts: InitBackendOptions): Promise<BackendInfo> {
  const importer = opts.importer ?? defaultImporter;
  const threads = opts.threads ?? defaultThreads();
  const fixes = opts.kernelFixes ?? true;
  switch (requested) {
    case 'cpu':
      return useCpu(requested);
    case 'wasm':
      return useWasm(requested, threads, fixes);
    case 'tensorflow': {
      const native = await tryNative(importer);
      if ('pkg' in native) return nativeInfo(requested, native.pkg);
      throw new Error(
        `backend 'tensorflow' unavailable: ${native.reason}. Install it with 'npm run setup:gpu' ` +
          `(needs a machine that can download libtensorflow), or use --backend wasm.`,
      );
    }
    case 'auto': {
      const native = await tryNative(importer);
      if ('pkg' in native) return nativeInfo(requested, native.pkg);
      const why = `native tensorflow unavailable (${native.reason})`;
      try {
        return await useWasm(requested, threads, fixes, why);
      } catch (err) {
        return useCpu(requested, `${why}; wasm failed (${(err as Error).message})`);
      }
    }
  }
}

function nativeInfo(requested: BackendChoice, pkg: string): BackendInfo {
  return { name: 'tensorflow', requested, threads: os.availableParallelism(), simd: null, nativePackage: pkg, kernelFixes: [] };
}

let memo: { key: string; info: Promise<BackendInfo> } | undefined;

/**
 * Selects the tfjs backend (default: env PFGM_BACKEND, else 'auto') and logs one summary line the first time.
 * Repeated calls with the same request return the same {@link BackendInfo} without re-initialising or logging.
 */
export function initBackend(choice?: BackendChoice | string, opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested =
    choice == null ? parseBackendChoice(process.env['PFGM_BACKEND'], 'PFGM_BACKEND') : parseBackendChoice(choice, 'backend');
  const key = JSON.stringify([requested, opts.threads ?? null, opts.kernelFixes ?? true]);
  if (opts.importer == null && memo?.key === key) return memo.info;
  const log = opts.log ?? ((line: string) => console.error(line));
  const info = select(requested, opts).then(
    (i) => {
      log(formatBackendInfo(i));
      return i;
    },
    (err: unknown) => {
      if (memo?.info === info) memo = undefined;
      throw err;
    },
  );
  if (opts.importer == null) memo = { key, info };
  return info;
}
