import type { BackendChoice } from './backend-choice.js';

/** What {@link initBackend} selected, and why. */
export interface BackendInfo {
  /** The tfjs backend in use. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** What was asked for. */
  requested: BackendChoice;
  /** Compute threads: the XNNPACK pool for wasm, 1 for cpu, the cores for tensorflow (libtensorflow's own pool). */
  threads: number;
  /** WebAssembly SIMD in use (wasm only; null for the other backends). */
  simd: boolean | null;
  /** The native package that provided `tensorflow`. */
  nativePackage?: string;
  /** Kernels this library registered on top of the stock backend. */
  kernelFixes: string[];
  /** wasm only: the kernels that run natively through @pfgm/native (matmul/conv on OpenBLAS, elementwise), if they do. */
  native?: { blas: string; threads: number; kernels: string[] };
  /** wasm only: why the OpenBLAS kernels are not in use (addon not built, disabled, or plain `wasm` requested). */
  nativeUnavailable?: string;
  /** Why a preferred backend was not used, or why fewer threads run than asked. */
  fallback?: string;
}

/** One log line: backend, threads, SIMD, fixes, OpenBLAS kernels, fall-back reasons. */
export function formatBackendInfo(info: BackendInfo): string {
  const parts = [`threads ${info.threads}`];
  if (info.simd != null) parts.push(`SIMD ${info.simd ? 'on' : 'off'}`);
  if (info.nativePackage != null) parts.push(`via ${info.nativePackage}`);
  if (info.kernelFixes.length > 0) parts.push(`${info.kernelFixes.length} kernel fixes`);
  if (info.native != null) parts.push(`${info.native.kernels.length} native kernels, OpenBLAS ${info.native.threads} threads`);
  const notes = [info.fallback, info.requested === 'auto' && info.nativeUnavailable != null ? `OpenBLAS kernels off: ${info.nativeUnavailable}` : undefined];
  const line = `pfgm: tfjs backend ${info.name} (${parts.join(', ')})`;
  return [line, ...notes.filter((n): n is string => n != null)].join('; ');
}
