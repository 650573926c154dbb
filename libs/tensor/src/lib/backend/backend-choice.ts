/**
 * What a user may ask for: `PFGM_BACKEND` / `--backend`. `wasm` is plain threaded wasm with our XNNPACK kernels;
 * `wasm-native` is wasm with its matmuls and convolutions on OpenBLAS (@pfgm/native; an error when the addon is not
 * built); `auto` takes tensorflow, else wasm-native, else wasm, else cpu.
 */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm-native' | 'wasm' | 'cpu';

/** Every accepted {@link BackendChoice}. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm-native', 'wasm', 'cpu'];

/** Validates a backend name from `source` (e.g. "PFGM_BACKEND", "--backend"); undefined or '' means 'auto'. */
export function parseBackendChoice(value: string | undefined, source = 'backend'): BackendChoice {
  if (value == null || value === '') return 'auto';
  const v = value.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  throw new Error(
    `${source}: unknown backend '${value}'; expected one of ${BACKEND_CHOICES.join(', ')} ` +
      `(auto = native tensorflow if installed, else wasm with OpenBLAS kernels, else threaded wasm, else cpu).`,
  );
}
