// tfjs backends in the browser: wasm (the project's own wasm kernel fixes from @pfgm/tensor registered on top), WebGL,
// or the plain JS cpu backend. The .wasm files are served by Vite as assets.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmKernels } from '@pfgm/tensor';

export type BackendName = 'wasm' | 'webgl' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['wasm', 'webgl', 'cpu'];

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** Selects `name`; if it fails to initialise, falls back to cpu and says why. */
export async function useBackend(name: BackendName): Promise<{ name: string; note: string | null }> {
  try {
    if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
    if (name === 'wasm') registerWasmKernels();
    return { name: tf.getBackend(), note: null };
  } catch (err) {
    await tf.setBackend('cpu');
    return { name: 'cpu', note: `${name} unavailable (${(err as Error).message}); using cpu` };
  }
}
