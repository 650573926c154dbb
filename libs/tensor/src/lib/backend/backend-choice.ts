/** What a user may ask for: `PFGM_BACKEND` / `--backend`. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/** Every accepted {@link BackendChoice}. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/** Validates a backend name from `source` (e.g. "PFGM_BACKEND", "--backend"); undefined or '' means 'auto'. */
export function parseBackendChoice(value: string | undefined, source = 'backend'): BackendChoice {
  if (value == null || value === '') return 'auto';
  const v = value.trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  throw new Error(
    `${source}: unknown backend '${value}'; expected one of ${BACKEND_CHOICES.join(', ')} ` +
      `(auto = native tensorflow if installed, else threaded wasm, else cpu).`,
  );
}
