// Spec helper: the wasm backend with @pfgm/native's kernels for a native parity spec, and the test that fails where
// the addon is missing. Used by the native-*.spec.ts files beside it.
import '@tensorflow/tfjs-backend-cpu';
import { requireNative } from '@pfgm/native';
import { useWasmNative } from '../../testing.js';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { loadWasmPackage, setWasmBackend } from './wasm-threads.js';

/**
 * Call once at a spec file's top level. Where the addon loads, selects threaded wasm with our kernels and the native
 * ones before the file's tests, and switches back to cpu after them. Adds the test `name`: it fails naming why when the
 * addon is missing (unless PFGM_NATIVE_UNAVAILABLE=1 says the machine cannot build it), and otherwise expects
 * `registered()` (the kernels the file covers are on wasm). Returns the gate; the file's parity blocks skip on
 * `!gate.available`, so CI (which builds the addon) never skips them silently.
 */
export function useNativeWasm(name: string, registered: () => boolean): ReturnType<typeof useWasmNative> {
  // Registers the kernels itself rather than through initBackend, whose memo would not redo it after a spec unregisters them.
  return useWasmNative(name, registered, async () => {
    await loadWasmPackage();
    registerWasmKernels({ native: requireNative() });
    await setWasmBackend();
  });
}
