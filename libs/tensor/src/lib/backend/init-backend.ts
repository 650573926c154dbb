// Backend selection (issue 2 §2, issue 13): PFGM_BACKEND=auto|tensorflow|wasm-native|wasm|cpu; auto = native
// tensorflow when @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node can be imported, else threaded wasm with its
// matmuls/convolutions on OpenBLAS (@pfgm/native) when that addon is built, else threaded wasm with our kernels,
// else cpu.
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadNative, type NativeStatus } from '@pfgm/native';
import { registerWasmKernels } from '../wasm/register-wasm-kernels.js';
import { defaultThreads, loadWasmPackage, setWasmBackend } from '../wasm/wasm-threads.js';
import { NATIVE_WASM_KERNELS } from '../wasm/native-kernels.js';
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
  /** How the @pfgm/native addon is found (injectable so specs can simulate a machine without it). Default: loadNative. */
  native?: () => NativeStatus;
  /** How optional native packages are imported. Default: `import()`. A custom importer also bypasses the memo. */
  importer?: ModuleImporter;
  /** Where the one-line summary goes (once per selection). Default: stderr. */
  log?: (line: string) => void;
}

const NATIVE_KERNEL_NAMES = new Set(Object.keys(NATIVE_WASM_KERNELS));

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

/** What the wasm backend gets: OpenBLAS kernels from this addon, or the reason it runs without them. */
type NativeUse = { status: NativeStatus } | { off: string };

async function useWasm(requested: BackendChoice, threads: number, fixes: boolean, native: NativeUse, fallback?: string): Promise<BackendInfo> {
  await loadWasmPackage();
  const addon = 'status' in native && native.status.available ? native.status : null;
  if (addon != null) addon.addon.setThreads(threads); // OpenBLAS follows the same PFGM_THREADS rule as XNNPACK
  const kernelFixes = fixes || addon != null ? registerWasmKernels({ native: addon?.addon ?? null }) : [];
  const r = await setWasmBackend(threads);
  const notes = [fallback, r.note].filter((s): s is string => s != null);
  const unavailable = 'off' in native ? native.off : !native.status.available ? native.status.reason : undefined;
  return {
    name: 'wasm',
    requested,
    threads: r.threads,
    simd: r.simd,
    kernelFixes,
    ...(addon != null
      ? { native: { blas: addon.blas, threads: addon.addon.getThreads(), kernels: kernelFixes.filter((k) => NATIVE_KERNEL_NAMES.has(k)) } }
      : {}),
    ...(unavailable != null ? { nativeUnavailable: unavailable } : {}),
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
  const nativeStatus = () => (opts.native ?? loadNative)();
  switch (requested) {
    case 'cpu':
      return useCpu(requested);
    case 'wasm':
      return useWasm(requested, threads, fixes, { off: "plain 'wasm' requested (auto or wasm-native use OpenBLAS)" });
    case 'wasm-native': {
      const status = nativeStatus();
      if (!status.available) {
        throw new Error(`backend 'wasm-native' unavailable: ${status.reason}. Use --backend wasm, or install libopenblas-dev and run 'npm run build:native -w @pfgm/native'.`);
      }
      return useWasm(requested, threads, fixes, { status });
    }
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
        return await useWasm(requested, threads, fixes, { status: nativeStatus() }, why);
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
let active: BackendInfo | undefined;

/** What the last completed {@link initBackend} selected (backend, threads, native kernels), for provenance records. */
export function activeBackendInfo(): BackendInfo | undefined {
  return active;
}

/**
 * Selects the tfjs backend (default: env PFGM_BACKEND, else 'auto') and logs one summary line the first time.
 * Repeated calls with the same request return the same {@link BackendInfo} without re-initialising or logging.
 */
export function initBackend(choice?: BackendChoice | string, opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested =
    choice == null ? parseBackendChoice(process.env['PFGM_BACKEND'], 'PFGM_BACKEND') : parseBackendChoice(choice, 'backend');
  const key = JSON.stringify([requested, opts.threads ?? null, opts.kernelFixes ?? true]);
  const memoise = opts.importer == null && opts.native == null;
  if (memoise && memo?.key === key) return memo.info;
  const log = opts.log ?? ((line: string) => console.error(line));
  const info = select(requested, opts).then(
    (i) => {
      log(formatBackendInfo(i));
      active = i;
      return i;
    },
    (err: unknown) => {
      if (memo?.info === info) memo = undefined;
      throw err;
    },
  );
  if (memoise) memo = { key, info };
  return info;
}
